// The live store: a pure reducer over protocol messages, and a tiny external
// store around it that React reads through useSyncExternalStore (hooks.ts).
//
// Rules:
//   - A snapshot replaces everything and sets lastSeq.
//   - Each delta must carry lastSeq + 1. Anything else (or a delta before the
//     first snapshot) is a gap: the delta is not applied, the state is marked
//     unsynced, and the caller must resync (reconnect for a fresh snapshot).
//   - A heartbeat carries the current seq without advancing it; one that
//     disagrees with lastSeq also reveals a gap (a lost trailing delta).
//   - Stats are kept only for running containers. When a sample replaces an
//     older one of the same container, the network and block I/O rates
//     between the two are computed (computeRates) and kept beside it.
//   - Events are newest first and bounded by MAX_EVENTS.
//
// State objects are immutable: every change produces new Maps/arrays, so
// React can compare by reference.

import { keyOf } from './protocol'
import type {
  ConnectionState,
  Container,
  DeltaMessage,
  DockerEvent,
  EngineInfo,
  Hello,
  ServerMessage,
  Rates,
  Snapshot,
  Stats,
} from './types'
import { StatsHistory } from './history'
import { ViewRegistry } from './view'
import {
  actionsAfterMessage,
  alertsAfterMessage,
  newEventsOf,
  reduceAction,
  MAX_ALERTS,
  type ActionStatus,
  type Alert,
  type AlertDraft,
  type UiAction,
} from './actions'

/** How many recent events the store keeps. */
export const MAX_EVENTS = 500

export interface LiveData {
  /** True once a snapshot has been applied and no gap was seen since. */
  synced: boolean
  /** seq of the last applied snapshot or delta. */
  lastSeq: number
  /** The current connection's hello, null before the first. */
  hello: Hello | null
  /** Containers keyed `engine/id`. */
  containers: ReadonlyMap<string, Container>
  /** Latest sample of each running container, keyed `engine/id`. */
  stats: ReadonlyMap<string, Stats>
  /** I/O rates between the latest two samples, keyed like stats. */
  rates: ReadonlyMap<string, Rates>
  /** Engines keyed by engine name. */
  engines: ReadonlyMap<string, EngineInfo>
  /** Recent events, newest first, at most MAX_EVENTS. */
  events: readonly DockerEvent[]
}

export const emptyLiveData: LiveData = Object.freeze({
  synced: false,
  lastSeq: 0,
  hello: null,
  containers: new Map(),
  stats: new Map(),
  rates: new Map(),
  engines: new Map(),
  events: [],
})

/** A missed message: expected is null when no snapshot was applied yet. */
export interface Gap {
  expected: number | null
  got: number
  type: string
}

export type ApplyResult = { ok: true; state: LiveData } | { ok: false; gap: Gap; state: LiveData }

export type SequenceCheck =
  | { kind: 'snapshot' }
  /** Does not touch seq: hello, heartbeat. */
  | { kind: 'control' }
  | { kind: 'delta' }
  | { kind: 'gap'; gap: Gap }

/**
 * Classifies a message against the sequence seen so far. Shared by the store
 * and by WebSocketSource, which tracks its own stream so it can resync
 * without waiting for the store.
 */
export function checkSequence(synced: boolean, lastSeq: number, msg: ServerMessage): SequenceCheck {
  switch (msg.type) {
    case 'snapshot':
      return { kind: 'snapshot' }
    case 'hello':
      return { kind: 'control' }
    case 'heartbeat':
      if (synced && msg.seq !== lastSeq) {
        return { kind: 'gap', gap: { expected: lastSeq, got: msg.seq, type: msg.type } }
      }
      return { kind: 'control' }
    default:
      if (!synced) return { kind: 'gap', gap: { expected: null, got: msg.seq, type: msg.type } }
      if (msg.seq !== lastSeq + 1) {
        return { kind: 'gap', gap: { expected: lastSeq + 1, got: msg.seq, type: msg.type } }
      }
      return { kind: 'delta' }
  }
}

function isRunning(c: Container | undefined): boolean {
  return c !== undefined && c.state === 'running'
}

function newestFirst(a: DockerEvent, b: DockerEvent): number {
  return b.timeNano - a.timeNano
}

/**
 * Bytes per second between two samples of one container, or undefined when
 * they cannot be compared (no earlier sample, same or older read time).
 * Counters restart from zero with the container; a counter that went down
 * gives a rate of 0 rather than a negative one.
 */
export function computeRates(prev: Stats | undefined, next: Stats): Rates | undefined {
  if (!prev || !(next.read > prev.read)) return undefined
  const seconds = (next.read - prev.read) / 1000
  const rate = (before: number, after: number) => (after >= before ? (after - before) / seconds : 0)
  return {
    netRx: rate(prev.networkRx, next.networkRx),
    netTx: rate(prev.networkTx, next.networkTx),
    blockRead: rate(prev.blockRead, next.blockRead),
    blockWrite: rate(prev.blockWrite, next.blockWrite),
  }
}

/** Stores a new sample and, when it is newer than the last, the rates since it. */
function putSample(
  stats: Map<string, Stats>,
  rates: Map<string, Rates>,
  prevStats: ReadonlyMap<string, Stats>,
  prevRates: ReadonlyMap<string, Rates>,
  key: string,
  sample: Stats,
): void {
  const prev = prevStats.get(key)
  stats.set(key, sample)
  const r = computeRates(prev, sample)
  if (r) rates.set(key, r)
  else if (prev && prev.read === sample.read && prevRates.has(key)) rates.set(key, prevRates.get(key)!)
  else rates.delete(key)
}

/** Replaces the whole picture with a snapshot. */
export function applySnapshot(state: LiveData, snapshot: Snapshot): LiveData {
  const containers = new Map<string, Container>()
  for (const c of snapshot.containers) containers.set(keyOf(c), c)

  const stats = new Map<string, Stats>()
  const rates = new Map<string, Rates>()
  for (const s of snapshot.stats) {
    const key = keyOf(s)
    if (isRunning(containers.get(key))) putSample(stats, rates, state.stats, state.rates, key, s)
  }

  const engines = new Map<string, EngineInfo>()
  for (const e of snapshot.engines) engines.set(e.engine, e)

  const events = [...snapshot.events].sort(newestFirst).slice(0, MAX_EVENTS)

  return { synced: true, lastSeq: snapshot.seq, hello: state.hello, containers, stats, rates, engines, events }
}

/**
 * Applies one message. On a gap the delta is dropped and the returned state is
 * marked unsynced, so that every later delta is a gap too until a snapshot.
 */
export function applyMessage(state: LiveData, msg: ServerMessage): ApplyResult {
  if (msg.type === 'snapshot') return { ok: true, state: applySnapshot(state, msg.data) }
  const check = checkSequence(state.synced, state.lastSeq, msg)
  switch (check.kind) {
    case 'gap':
      return { ok: false, gap: check.gap, state: state.synced ? { ...state, synced: false } : state }
    case 'snapshot': // handled above
      return { ok: true, state }
    case 'control':
      return { ok: true, state: msg.type === 'hello' ? { ...state, hello: msg.data } : state }
    case 'delta':
      return { ok: true, state: { ...applyDelta(state, msg as DeltaMessage), lastSeq: msg.seq } }
  }
}

function applyDelta(state: LiveData, msg: DeltaMessage): LiveData {
  switch (msg.type) {
    case 'container.upsert': {
      const key = keyOf(msg.data)
      const containers = new Map(state.containers).set(key, msg.data)
      if (!isRunning(msg.data) && (state.stats.has(key) || state.rates.has(key))) {
        return { ...state, containers, ...withoutSamples(state, (k) => k === key) }
      }
      return { ...state, containers }
    }
    case 'container.remove': {
      const key = keyOf(msg.data)
      if (!state.containers.has(key) && !state.stats.has(key)) return state
      const containers = new Map(state.containers)
      containers.delete(key)
      return { ...state, containers, ...withoutSamples(state, (k) => k === key) }
    }
    case 'stats': {
      if (msg.data.samples.length === 0) return state
      const stats = new Map(state.stats)
      const rates = new Map(state.rates)
      for (const s of msg.data.samples) {
        const key = keyOf(s)
        // A sample racing a stop (or naming a container we never saw) has no
        // row to show and would outlive the container.
        if (isRunning(state.containers.get(key))) putSample(stats, rates, state.stats, state.rates, key, s)
      }
      return { ...state, stats, rates }
    }
    case 'event': {
      const events = [msg.data, ...state.events]
      if (events.length > MAX_EVENTS) events.length = MAX_EVENTS
      return { ...state, events }
    }
    case 'engine':
      return applyEngine(state, msg.data)
    case 'unknown':
      return state
  }
}

/**
 * An engine message carries the engine's complete facts and status. While an
 * engine is not up nothing about it is live, so its samples go: showing the
 * last numbers would present stale data as live.
 */
function applyEngine(state: LiveData, info: EngineInfo): LiveData {
  const engines = new Map(state.engines).set(info.engine, info)
  if (info.status === 'up') return { ...state, engines }
  const prefix = `${info.engine}/`
  return { ...state, engines, ...withoutSamples(state, (key) => key.startsWith(prefix)) }
}

/** stats and rates without the entries whose key matches; the same maps when none does. */
function withoutSamples(state: LiveData, drop: (key: string) => boolean): Pick<LiveData, 'stats' | 'rates'> {
  let stats = state.stats
  let rates = state.rates
  for (const key of state.stats.keys()) {
    if (!drop(key)) continue
    if (stats === state.stats) stats = new Map(state.stats)
    ;(stats as Map<string, Stats>).delete(key)
  }
  for (const key of state.rates.keys()) {
    if (!drop(key)) continue
    if (rates === state.rates) rates = new Map(state.rates)
    ;(rates as Map<string, Rates>).delete(key)
  }
  return { stats, rates }
}

// ---------------------------------------------------------------------------
// External store

export interface StoreState {
  data: LiveData
  connection: ConnectionState
  /** Container actions the user started that the engine has not confirmed yet, or that failed; keyed `engine/id`. */
  actions: ReadonlyMap<string, ActionStatus>
  /** Notifications (unexpected deaths, OOM kills, unhealthy, failed actions), oldest first, at most MAX_ALERTS. */
  alerts: readonly Alert[]
}

export type StoreAction =
  | { type: 'message'; message: ServerMessage }
  | { type: 'connection'; connection: ConnectionState }
  /** Forget all data (e.g. switching backends). */
  | { type: 'reset' }
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
  subscribe(listener: () => void): () => void
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
}

export function createLiveStore(options: LiveStoreOptions = {}): LiveStore {
  const scheduler = options.scheduler ?? animationFrameScheduler
  const history = options.history ?? new StatsHistory()
  const view = options.view ?? new ViewRegistry()
  let committed: StoreState = {
    data: options.data ?? emptyLiveData,
    connection: options.connection ?? { status: 'connecting', since: Date.now() },
    actions: new Map(),
    alerts: [],
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
    const alerts = [...working.alerts, ...drafts.map((d) => ({ ...d, id: nextAlertId++ }))]
    working = { ...working, alerts: alerts.slice(-MAX_ALERTS) }
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
            working = { ...working, connection: action.connection }
          }
          break
        case 'reset':
          working = { ...working, data: emptyLiveData, actions: new Map(), alerts: [] }
          history.clear()
          break
        default: {
          const next = reduceAction(
            { actions: working.actions, alerts: working.alerts },
            action,
            (key) => working.data.containers.get(key)?.state,
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

function sameConnection(a: ConnectionState, b: ConnectionState): boolean {
  if (a === b) return true
  const ka = Object.keys(a) as (keyof ConnectionState)[]
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => a[k] === b[k])
}

// ---------------------------------------------------------------------------
// Selectors (memoized per state object, so hooks can return them directly)

const sortedCache = new WeakMap<ReadonlyMap<string, Container>, readonly Container[]>()

/** Display name: Docker's API names start with "/". */
export function containerName(c: Container): string {
  return c.name.startsWith('/') ? c.name.slice(1) : c.name
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Running containers first, then by name; engine and id break ties. */
export function compareContainers(a: Container, b: Container): number {
  const ra = isRunning(a) ? 0 : 1
  const rb = isRunning(b) ? 0 : 1
  if (ra !== rb) return ra - rb
  return (
    collator.compare(containerName(a), containerName(b)) ||
    collator.compare(a.engine, b.engine) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )
}

export function selectSortedContainers(data: LiveData): readonly Container[] {
  let sorted = sortedCache.get(data.containers)
  if (!sorted) {
    sorted = [...data.containers.values()].sort(compareContainers)
    sortedCache.set(data.containers, sorted)
  }
  return sorted
}

const enginesCache = new WeakMap<ReadonlyMap<string, EngineInfo>, readonly EngineInfo[]>()

export function selectEngines(data: LiveData): readonly EngineInfo[] {
  let list = enginesCache.get(data.engines)
  if (!list) {
    list = [...data.engines.values()].sort((a, b) => collator.compare(a.engine, b.engine))
    enginesCache.set(data.engines, list)
  }
  return list
}
