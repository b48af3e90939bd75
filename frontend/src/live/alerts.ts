// The alert policy: which events raise a notification. A container killed
// for want of memory, one that died with a non-zero code when nobody asked
// it to stop, and one that turned unhealthy each raise one; so does an
// action that failed (actions.ts drafts that one). The store numbers the
// drafts and keeps the last MAX_ALERTS.

import type { ActionStatus } from './actions'
import { eventContainerKey, eventSubject, healthOf } from './events'
import type { LiveData } from './reducer'
import type { DockerEvent } from './types'

/** Alerts kept at once; the oldest go first. */
export const MAX_ALERTS = 5

export type AlertKind = 'died' | 'oom' | 'unhealthy' | 'action-failed'

export interface AlertDraft {
  kind: AlertKind
  tone: 'bad' | 'warn'
  /** One line, readable alone: "web-1 died unexpectedly (exit 1)". */
  title: string
  detail?: string
  /** Unix ms. */
  at: number
  /** The container it is about, `engine/id`. */
  key?: string
}

export interface Alert extends AlertDraft {
  id: number
}

/** Seconds within which a kill or stop explains a die, and an oom explains it. */
const EXPLAINS_WINDOW_NS = 30e9

/**
 * Alerts for fresh events: an OOM kill, a container that died with a
 * non-zero code without anyone stopping or killing it, and a container that
 * turned unhealthy. `data` is the state after the message (its events include
 * the fresh ones).
 */
export function alertsAfterMessage(
  fresh: readonly DockerEvent[],
  data: LiveData,
  actions: ReadonlyMap<string, ActionStatus>,
): AlertDraft[] {
  const out: AlertDraft[] = []
  for (const e of fresh) {
    // A past event (read back from the engine's history) is not news.
    if (e.type !== 'container' || e.backfill) continue
    const key = eventContainerKey(e)
    const name = eventSubject(e, data)
    const at = Math.round(e.timeNano / 1e6)
    const earlier = (actionsNamed: string[]) =>
      data.events.some(
        (o) =>
          o !== e &&
          o.type === 'container' &&
          o.actorId === e.actorId &&
          o.engine === e.engine &&
          actionsNamed.includes(o.action) &&
          o.timeNano <= e.timeNano &&
          e.timeNano - o.timeNano < EXPLAINS_WINDOW_NS,
      )
    if (e.action === 'oom') {
      out.push({ kind: 'oom', tone: 'bad', title: `${name} was killed: out of memory`, at, key })
      continue
    }
    if (e.action === 'die') {
      const code = Number(e.attributes?.exitCode ?? '0')
      if (code === 0) continue
      if (earlier(['oom'])) continue // the oom alert said it
      if (earlier(['kill', 'stop'])) continue // someone asked for it
      const own = actions.get(key)
      if (own && own.phase === 'pending') continue
      out.push({ kind: 'died', tone: 'bad', title: `${name} died unexpectedly (exit ${code})`, at, key })
      continue
    }
    if (healthOf(e) === 'unhealthy') {
      out.push({ kind: 'unhealthy', tone: 'warn', title: `${name} is unhealthy`, at, key })
    }
  }
  return out
}
