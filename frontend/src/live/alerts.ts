// The alert policy: which events raise a notification (alertsAfterMessage,
// the one decision every sink shares: the in-app toasts and history here,
// and any other notifier). A container killed for want of memory, one that
// died with a non-zero code when nobody asked it to stop, and one that turned
// unhealthy each raise one; so does an action that failed (actions.ts drafts
// that one).
//
// What the store does with the drafts is pure too (addAlerts): repeats of
// one alert about one container within GROUP_WINDOW_MS become one entry with
// a count (ui/alertTitle.ts: "web died unexpectedly 5 times in 2 min"), so a restart loop takes one toast,
// never pushing out the alert that mattered; every alert goes into a bounded
// history; a muted container's alerts go into the history only.

import type { ActionStatus } from './actions'
import { eventContainerKey, eventSubject, healthOf } from './events'
import type { LiveData } from './reducer'
import type { DockerEvent } from './types'

/** Toasts shown at once; the oldest go first. */
export const MAX_ALERTS = 5

/** Alerts the history keeps; the oldest go first. */
export const MAX_HISTORY = 200

/** Repeats within this long of the previous one join its entry. */
export const GROUP_WINDOW_MS = 5 * 60_000

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
  /** The container's name, for the grouped title. */
  name?: string
  /** The container's engine, set only while more than one engine is known (it is then in the title too). */
  engine?: string
  /** An action that failed because the backend was out of reach. */
  transport?: boolean
}

export interface Alert extends AlertDraft {
  id: number
  /** How many times it happened (1 for a single alert); at is the latest. */
  count: number
  /** Unix ms of the first time. */
  firstAt: number
  /** Its container's alerts are muted: it is in the history, not a toast. */
  muted?: boolean
}

/**
 * The engine an alert about the container `key` names: its engine while more
 * than one is known, none with a single engine (no noise).
 */
export function alertEngine(data: Pick<LiveData, 'engines' | 'containers'>, key: string): string | undefined {
  if (data.engines.size <= 1) return undefined
  return data.containers.get(key)?.engine ?? key.slice(0, key.indexOf('/'))
}

/** Who an alert is about: the container's name, and its engine when one is named. */
export function alertSubject(name: string, engine: string | undefined): string {
  return engine ? `${name} on ${engine}` : name
}

/** Seconds within which a kill or stop explains a die, and an oom explains it. */
const EXPLAINS_WINDOW_NS = 30e9

/**
 * Alerts for fresh events: an OOM kill, a container that died with a
 * non-zero code without anyone stopping or killing it, and a container that
 * turned unhealthy. `data` is the state after the message (its events include
 * the fresh ones).
 *
 * A die event says how the exit came about when the backend could tell
 * (exitCause): only an exit nobody asked for is an alert. Without it (an
 * older backend, an event it could not place) the events before the die
 * decide: a kill, stop or oom shortly before explains it.
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
    const engine = data.engines.size > 1 ? e.engine : undefined
    const who = alertSubject(name, engine)
    const about = { key, name, ...(engine ? { engine } : {}) }
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
      out.push({ kind: 'oom', tone: 'bad', title: `${who} was killed: out of memory`, at, ...about })
      continue
    }
    if (e.action === 'die') {
      const code = Number(e.attributes?.exitCode ?? '0')
      if (code === 0) continue
      if (e.exitCause !== undefined) {
        if (e.exitCause !== 'unasked') continue // asked for, or the oom alert said it
      } else {
        if (earlier(['oom'])) continue // the oom alert said it
        if (earlier(['kill', 'stop'])) continue // someone asked for it
      }
      const own = actions.get(key)
      if (own && own.phase === 'pending') continue
      out.push({ kind: 'died', tone: 'bad', title: `${who} died unexpectedly (exit ${code})`, at, ...about })
      continue
    }
    if (healthOf(e) === 'unhealthy') {
      out.push({ kind: 'unhealthy', tone: 'warn', title: `${who} is unhealthy`, at, ...about })
    }
  }
  return out
}

export interface AlertLists {
  /** Shown as toasts, oldest first, at most MAX_ALERTS. */
  alerts: readonly Alert[]
  /** Every alert, oldest first, at most MAX_HISTORY. */
  history: readonly Alert[]
}

/**
 * Whether a draft repeats an entry: same kind, same container, soon after
 * (a failed action: the same refusal too, since each says something else).
 */
function repeats(a: Alert, d: AlertDraft): boolean {
  return (
    a.key !== undefined &&
    a.key === d.key &&
    a.kind === d.kind &&
    (d.kind !== 'action-failed' || a.detail === d.detail) &&
    d.at - a.at <= GROUP_WINDOW_MS &&
    d.at >= a.firstAt
  )
}

/**
 * Adds drafts to the toasts and the history. A repeat updates its entry (a
 * toast of it comes back, moved last, if it was dismissed); a muted
 * container's alerts reach the history only. nextId numbers new entries.
 */
export function addAlerts(
  lists: AlertLists,
  drafts: readonly AlertDraft[],
  muted: ReadonlySet<string>,
  nextId: () => number,
): AlertLists {
  if (drafts.length === 0) return lists
  let history = [...lists.history]
  let alerts = [...lists.alerts]
  for (const d of drafts) {
    const isMuted = d.key !== undefined && muted.has(d.key)
    let entry: Alert
    const i = findLastIndex(history, (a) => repeats(a, d))
    if (i >= 0) {
      const prev = history[i]!
      entry = { ...prev, ...d, id: prev.id, count: prev.count + 1, firstAt: prev.firstAt }
      history.splice(i, 1)
    } else {
      entry = { ...d, id: nextId(), count: 1, firstAt: d.at }
    }
    if (isMuted) entry.muted = true
    else delete entry.muted
    history.push(entry)
    alerts = alerts.filter((a) => a.id !== entry.id)
    if (!isMuted) alerts.push(entry)
  }
  history = history.slice(-MAX_HISTORY)
  return { alerts: alerts.slice(-MAX_ALERTS), history }
}

function findLastIndex<T>(list: readonly T[], pred: (t: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i]!)) return i
  return -1
}

/** Muted containers (`engine/id`), remembered in localStorage under this key. */
export const MUTED_STORAGE_KEY = 'dockpulse.mutedContainers'

/** The muted set from storage; an unreadable or absent entry is an empty set. */
export function loadMuted(storage: Pick<Storage, 'getItem'> | undefined): Set<string> {
  try {
    const raw = storage?.getItem(MUTED_STORAGE_KEY)
    const list: unknown = raw ? JSON.parse(raw) : []
    return new Set(Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [])
  } catch {
    return new Set()
  }
}

/** Saves the muted set; a full or unavailable storage only loses the memory of it. */
export function saveMuted(storage: Pick<Storage, 'setItem'> | undefined, muted: ReadonlySet<string>): void {
  try {
    storage?.setItem(MUTED_STORAGE_KEY, JSON.stringify([...muted].sort()))
  } catch {
    // Private mode or a full quota: muting still holds for this page's life.
  }
}
