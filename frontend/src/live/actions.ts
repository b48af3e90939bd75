// Container actions: the part of the store that comes from the user (an
// action started, its call settled).
//
// An action is pending from the click until the engine confirms it: a
// container event that the action causes (see CONFIRMED_BY), a change of the
// container's state, or its removal. A call that resolves without any of
// these (e.g. starting a running container is a no-op) is settled by the
// runner after settleMs. A call that rejects turns the entry into a failure
// with the engine's message, which the row shows, and raises an alert (the
// other alerts come from events: alerts.ts).
//
// Everything here is pure except createActionRunner, which calls the backend.

import { UnreachableError } from './backend'
import { errorText } from './errors'
import { alertSubject, type AlertDraft } from './alerts'
import { eventContainerKey } from './events'
import { keyOf } from './protocol'
import type { LiveData } from './reducer'
import type { ActionOptions, Container, ContainerAction, DockerEvent } from './types'

export interface ActionStatus {
  action: ContainerAction
  /** Identifies one run, so that a late settle of an older run does nothing. */
  token: number
  phase: 'pending' | 'failed'
  /** Unix ms of the click. */
  startedAt: number
  /** The container's state when the action started. */
  stateBefore: string
  /** The call has returned successfully; waiting for the engine's event. */
  resolved: boolean
  /** Why it failed, in the engine's words. */
  error?: string
  /**
   * It failed for want of an answer (the backend was out of reach), not by
   * the engine's refusal: the failure says nothing once the connection is back.
   */
  transport?: boolean
}

export type UiAction =
  | { type: 'action.start'; key: string; action: ContainerAction; token: number; at: number }
  | { type: 'action.resolved'; key: string; token: number }
  | { type: 'action.failed'; key: string; token: number; error: string; name: string; at: number; transport?: boolean }
  /** The runner's timer: drops the entry if it is still the same run. */
  | { type: 'action.settle'; key: string; token: number }
  | { type: 'alert.dismiss'; id: number }

/** Engine messages quote 64-hex container ids in full; 12 characters say as much. */
export function shortenIds(text: string): string {
  return text.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1')
}

/**
 * Engine event actions that confirm each user action. Pause and resume have
 * one outcome, a new state, and the container that carries it arrives a
 * moment after the engine's event (the backend inspects the container after
 * it): the event alone would end "Pausing…" while the row still says
 * Running, so only the state change confirms them.
 */
export const CONFIRMED_BY: Record<ContainerAction, readonly string[]> = {
  start: ['start'],
  stop: ['die', 'stop'],
  restart: ['start', 'restart'],
  pause: [],
  unpause: [],
  kill: ['die', 'kill'],
  remove: ['destroy'],
}

export const ACTION_LABELS: Record<ContainerAction, { verb: string; doing: string }> = {
  start: { verb: 'Start', doing: 'Starting' },
  stop: { verb: 'Stop', doing: 'Stopping' },
  restart: { verb: 'Restart', doing: 'Restarting' },
  pause: { verb: 'Pause', doing: 'Pausing' },
  unpause: { verb: 'Resume', doing: 'Resuming' },
  kill: { verb: 'Kill', doing: 'Killing' },
  remove: { verb: 'Remove', doing: 'Removing' },
}

/** Which actions make sense for a container in its current state. */
export function availableActions(c: Pick<Container, 'state'>): Record<ContainerAction, boolean> {
  const s = c.state
  const live = s === 'running' || s === 'paused' || s === 'restarting'
  return {
    start: s === 'created' || s === 'exited' || s === 'dead',
    stop: s === 'running' || s === 'restarting' || s === 'paused',
    restart: s !== 'removing' && s !== 'dead',
    pause: s === 'running',
    unpause: s === 'paused',
    kill: live,
    remove: s !== 'removing',
  }
}

interface UiSlice {
  actions: ReadonlyMap<string, ActionStatus>
  alerts: readonly { id: number }[]
}

/** Applies a user-side action; newAlerts are for the store to number and add. */
export function reduceAction<S extends UiSlice>(
  slice: S,
  action: UiAction,
  /** The container's current state, recorded when an action starts. */
  stateOf: (key: string) => string | undefined = () => undefined,
  /** The engine to name in an alert about the container (alertEngine): none with a single engine. */
  engineOf: (key: string) => string | undefined = () => undefined,
): { actions: S['actions']; alerts: S['alerts']; newAlerts: AlertDraft[] } {
  const { actions, alerts } = slice
  const same = { actions, alerts, newAlerts: [] as AlertDraft[] }
  const current = 'key' in action ? actions.get(action.key) : undefined
  switch (action.type) {
    case 'action.start': {
      const next = new Map(actions).set(action.key, {
        action: action.action,
        token: action.token,
        phase: 'pending',
        startedAt: action.at,
        stateBefore: stateOf(action.key) ?? '',
        resolved: false,
      })
      return { ...same, actions: next }
    }
    case 'action.resolved': {
      if (!current || current.token !== action.token || current.phase !== 'pending') return same
      return { ...same, actions: new Map(actions).set(action.key, { ...current, resolved: true }) }
    }
    case 'action.failed': {
      if (!current || current.token !== action.token) return same
      const failed: ActionStatus = { ...current, phase: 'failed', error: shortenIds(action.error) }
      if (action.transport) failed.transport = true
      const next = new Map(actions).set(action.key, failed)
      const verb = ACTION_LABELS[current.action].verb.toLowerCase()
      const engine = engineOf(action.key)
      return {
        actions: next,
        alerts,
        newAlerts: [
          {
            kind: 'action-failed',
            tone: 'bad',
            title: `Could not ${verb} ${alertSubject(action.name, engine)}`,
            detail: shortenIds(action.error),
            at: action.at,
            key: action.key,
            name: action.name,
            ...(engine ? { engine } : {}),
            ...(action.transport ? { transport: true } : {}),
          },
        ],
      }
    }
    case 'action.settle': {
      if (!current || current.token !== action.token) return same
      const next = new Map(actions)
      next.delete(action.key)
      return { ...same, actions: next }
    }
    case 'alert.dismiss': {
      if (!alerts.some((a) => a.id === action.id)) return same
      return { ...same, alerts: alerts.filter((a) => a.id !== action.id) }
    }
  }
}

/** Clears pending actions the engine has confirmed. Returns the same map when nothing changed. */
export function actionsAfterMessage(
  actions: ReadonlyMap<string, ActionStatus>,
  data: LiveData,
  fresh: readonly DockerEvent[],
): ReadonlyMap<string, ActionStatus> {
  if (actions.size === 0) return actions
  let next: Map<string, ActionStatus> | null = null
  for (const [key, status] of actions) {
    const c = data.containers.get(key)
    // Fill in the state at the time of the click if it was not known then.
    if (status.stateBefore === '' && c) {
      next ??= new Map(actions)
      next.set(key, { ...status, stateBefore: c.state })
      continue
    }
    if (status.phase !== 'pending') {
      // An engine's refusal holds until the next action or a change of state.
      if (c && status.stateBefore !== '' && c.state !== status.stateBefore) {
        next ??= new Map(actions)
        next.delete(key)
      }
      continue
    }
    const confirming = CONFIRMED_BY[status.action]
    const confirmed =
      !c ||
      (status.action !== 'restart' && status.stateBefore !== '' && c.state !== status.stateBefore) ||
      fresh.some((e) => e.type === 'container' && eventContainerKey(e) === key && confirming.includes(e.action))
    if (confirmed) {
      next ??= new Map(actions)
      next.delete(key)
    }
  }
  return next ?? actions
}

/**
 * Drops the failures that only said the backend was out of reach: once the
 * connection is back they are stale. Returns the same map when none.
 */
export function withoutTransportFailures(actions: ReadonlyMap<string, ActionStatus>): ReadonlyMap<string, ActionStatus> {
  let next: Map<string, ActionStatus> | null = null
  for (const [key, status] of actions) {
    if (status.phase === 'failed' && status.transport) {
      next ??= new Map(actions)
      next.delete(key)
    }
  }
  return next ?? actions
}

export interface ActionRunnerOptions {
  /** How long a resolved action may wait for the engine's event; default 4000 ms. */
  settleMs?: number
  /** How long a failure stays on its row; default 12000 ms. */
  failureMs?: number
  now?: () => number
}

/** Carries out one action on a container of one engine (Backend.containerAction). */
export type PerformAction = (engine: string, id: string, action: ContainerAction, options?: ActionOptions) => Promise<void>

export interface ActionTarget {
  engine: string
  id: string
  name: string
}

export type RunAction = (target: ActionTarget, action: ContainerAction, options?: ActionOptions) => Promise<boolean>

/** Starts actions, records them in the store and settles them. Resolves true on success. */
export function createActionRunner(
  dispatch: (action: UiAction) => void,
  perform: PerformAction,
  options: ActionRunnerOptions = {},
): RunAction {
  const settleMs = options.settleMs ?? 4000
  const failureMs = options.failureMs ?? 12000
  const now = options.now ?? Date.now
  let token = 0
  return async (target, action, actionOptions) => {
    const key = keyOf(target)
    const t = ++token
    dispatch({ type: 'action.start', key, action, token: t, at: now() })
    try {
      await perform(target.engine, target.id, action, actionOptions)
    } catch (err) {
      const transport = err instanceof UnreachableError
      dispatch({ type: 'action.failed', key, token: t, error: errorText(err), name: target.name, at: now(), transport })
      setTimeout(() => dispatch({ type: 'action.settle', key, token: t }), failureMs)
      return false
    }
    dispatch({ type: 'action.resolved', key, token: t })
    setTimeout(() => dispatch({ type: 'action.settle', key, token: t }), settleMs)
    return true
  }
}
