// The live store: a tiny external store around the reducer (reducer.ts) that
// React reads through useSyncExternalStore (hooks.tsx). It holds what the
// reducer does not: the connection state, container actions and alerts, and
// beside them the stats history and the view. Every dispatch applies at once
// to a working state; listeners hear of it at most once per frame, when the
// working state is committed.

import { keyOf, type Gap } from './protocol'
import type { ConnectionState, ServerMessage, Stats } from './types'
import { StatsHistory } from './history'
import { ViewRegistry } from './view'
import { actionsAfterMessage, reduceAction, withoutTransportFailures, type ActionStatus, type UiAction } from './actions'
import { addAlerts as withAlerts, alertEngine, alertsAfterMessage, loadMuted, saveMuted, type Alert, type AlertDraft } from './alerts'
import { newEventsOf } from './events'
import { applyMessage, emptyLiveData, type LiveData } from './reducer'

export interface StoreState {
  data: LiveData
  connection: ConnectionState
  /** Container actions the user started that the engine has not confirmed yet, or that failed; keyed `engine/id`. */
  actions: ReadonlyMap<string, ActionStatus>
  /** Notifications shown as toasts (unexpected deaths, OOM kills, unhealthy, failed actions), oldest first, at most MAX_ALERTS. */
  alerts: readonly Alert[]
  /** Every notification of this page's life, repeats grouped, oldest first, at most MAX_HISTORY. */
  history: readonly Alert[]
  /** Containers (`engine/id`) whose alerts reach the history only; remembered in storage. */
  muted: ReadonlySet<string>
}

export type StoreAction =
  | { type: 'message'; message: ServerMessage }
  | { type: 'connection'; connection: ConnectionState }
  /** Forget all data (e.g. switching backends). */
  | { type: 'reset' }
  /** The backend's recent samples of a container (history.ts merge). */
  | { type: 'history'; key: string; samples: readonly Stats[] }
  | { type: 'alerts.mute'; key: string; muted: boolean }
  | { type: 'alerts.clearHistory' }
  | UiAction

export type DispatchResult = { ok: true } | { ok: false; gap: Gap }

/**
 * Schedules a commit. The default uses requestAnimationFrame, so that however
 * fast messages arrive, React renders at most once per frame; tests inject a
 * manual one.
 */
export interface FrameScheduler {
  request(commit: () => void): void
}

export const animationFrameScheduler: FrameScheduler = {
  request(commit) {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => commit())
    else setTimeout(commit, 16)
  },
}

export interface LiveStore {
  /** The committed state: what React renders. Stable between commits. */
  getState(): StoreState
  /**
   * Per-container history of samples (bounded ring buffers), fed by every
   * applied message. Mutable, so it lives beside the state: read it through
   * useStatsHistory, which re-reads it when a new sample is committed.
   */
  readonly history: StatsHistory
  /**
   * What the user sees live (see view.ts): components report it through
   * useReportView, the connection passes it to the server. Not state: it
   * renders nothing.
   */
  readonly view: ViewRegistry
  /** Calls listener after each commit. Needs no `this`: React calls it unbound. */
  subscribe(this: void, listener: () => void): () => void
  /**
   * Applies an action to the working state at once (so gaps are reported
   * synchronously) and schedules one commit per frame for listeners.
   */
  dispatch(action: StoreAction): DispatchResult
  /** Commits pending changes now. */
  flush(): void
}

export interface LiveStoreOptions {
  scheduler?: FrameScheduler
  /** Initial connection state; defaults to connecting since now. */
  connection?: ConnectionState
  data?: LiveData
  history?: StatsHistory
  view?: ViewRegistry
  /** Where muted containers are remembered; defaults to localStorage where there is one. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>
  /**
   * Hears each alert as it is raised, before any commit (a hidden page
   * paints no frames): the OS notifications (osNotify.ts).
   */
  onAlerts?: (alerts: readonly Alert[]) => void
}

export function createLiveStore(options: LiveStoreOptions = {}): LiveStore {
  const scheduler = options.scheduler ?? animationFrameScheduler
  const history = options.history ?? new StatsHistory()
  const view = options.view ?? new ViewRegistry()
  const storage = options.storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage)
  let committed: StoreState = {
    data: options.data ?? emptyLiveData,
    connection: options.connection ?? { status: 'connecting', since: Date.now() },
    actions: new Map(),
    alerts: [],
    history: [],
    muted: loadMuted(storage),
  }
  let nextAlertId = 1
  let working = committed
  let scheduled = false
  const listeners = new Set<() => void>()

  function flush(): void {
    scheduled = false
    if (working === committed) return
    committed = working
    for (const listener of [...listeners]) listener()
  }

  function schedule(): void {
    if (scheduled) return
    scheduled = true
    // Hidden tabs pause requestAnimationFrame; that only delays the commit,
    // because the working state is already up to date and nothing queues.
    scheduler.request(flush)
  }

  function addAlerts(drafts: readonly AlertDraft[]): void {
    if (drafts.length === 0) return
    const firstId = nextAlertId
    const lists = withAlerts(working, drafts, working.muted, () => nextAlertId++)
    working = { ...working, alerts: lists.alerts, history: lists.history }
    // The OS hears only what is new and not muted: a repeat joins its group
    // on screen and in the history, and does not notify again.
    const raised = lists.alerts.filter((a) => a.id >= firstId)
    if (raised.length > 0) options.onAlerts?.(raised)
  }

  /** Feeds the samples a message brought into the history. */
  function recordHistory(msg: ServerMessage, data: LiveData): void {
    switch (msg.type) {
      case 'stats':
        for (const s of msg.data.samples) {
          const key = keyOf(s)
          if (data.stats.get(key) === s) history.record(key, s, data.rates.get(key))
        }
        break
      case 'snapshot':
        for (const [key, s] of data.stats) history.record(key, s, data.rates.get(key))
        history.retain(data.containers)
        break
      case 'container.remove':
        history.delete(keyOf(msg.data))
        break
    }
  }

  return {
    history,
    view,
    getState: () => committed,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    dispatch(action) {
      let result: DispatchResult = { ok: true }
      switch (action.type) {
        case 'message': {
          const before = working.data
          const applied = applyMessage(before, action.message)
          if (!applied.ok) result = { ok: false, gap: applied.gap }
          if (applied.state === before) break
          const after = applied.state
          working = { ...working, data: after }
          if (!applied.ok) break
          recordHistory(action.message, after)
          const fresh = newEventsOf(action.message, before)
          const actions = actionsAfterMessage(working.actions, after, fresh)
          if (actions !== working.actions) working = { ...working, actions }
          addAlerts(alertsAfterMessage(fresh, after, working.actions))
          break
        }
        case 'connection':
          if (!sameConnection(working.connection, action.connection)) {
            const restored = !isLive(working.connection) && isLive(action.connection)
            working = { ...working, connection: action.connection }
            if (restored) {
              // "cannot reach the backend" is stale once it answers again.
              const actions = withoutTransportFailures(working.actions)
              const alerts = working.alerts.filter((a) => !a.transport)
              if (actions !== working.actions || alerts.length !== working.alerts.length) {
                working = { ...working, actions, alerts }
              }
            }
          }
          break
        case 'history':
          // A container that is gone keeps no history; one that is known
          // gets a new working state, so that listeners re-read its series.
          if (working.data.containers.has(action.key) && history.merge(action.key, action.samples)) {
            working = { ...working }
          }
          break
        case 'alerts.mute': {
          if (working.muted.has(action.key) === action.muted) break
          const muted = new Set(working.muted)
          if (action.muted) muted.add(action.key)
          else muted.delete(action.key)
          saveMuted(storage, muted)
          const alerts = action.muted ? working.alerts.filter((a) => a.key !== action.key) : working.alerts
          working = { ...working, muted, alerts }
          break
        }
        case 'alerts.clearHistory':
          if (working.history.length > 0) working = { ...working, history: [] }
          break
        case 'reset':
          working = { ...working, data: emptyLiveData, actions: new Map(), alerts: [], history: [] }
          history.clear()
          break
        default: {
          const next = reduceAction(
            { actions: working.actions, alerts: working.alerts },
            action,
            (key) => working.data.containers.get(key)?.state,
            (key) => alertEngine(working.data, key),
          )
          if (next.actions !== working.actions || next.alerts !== working.alerts) {
            working = { ...working, actions: next.actions, alerts: next.alerts }
          }
          addAlerts(next.newAlerts)
        }
      }
      if (working !== committed) schedule()
      return result
    },
    flush,
  }
}

function isLive(c: ConnectionState): boolean {
  return c.status === 'connected' || c.status === 'polling'
}

function sameConnection(a: ConnectionState, b: ConnectionState): boolean {
  if (a === b) return true
  const ka = Object.keys(a) as (keyof ConnectionState)[]
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => a[k] === b[k])
}
