// The status line of a logs view, in words: where its lines come from now
// (the live socket, polling, nothing) and what each container's stream is
// doing (following, stopped, removed, interrupted).

import type { LogState } from '../types'
import type { LogsSocketStatus } from './socket'

export interface LogStatus {
  text: string
  tone: 'live' | 'polling' | 'offline' | 'ended'
}

/** The last poll while the socket is down. */
export type PollOutcome = { ok: true; at: number } | { ok: false; at: number; reason: string }

export interface StatusInputs {
  socket: LogsSocketStatus
  poll: PollOutcome | null
  pollMs: number
  /** The containers followed, in the order shown. */
  containers: readonly { id: string; name: string }[]
  /** Each container's last logs.state, by id. */
  states: ReadonlyMap<string, LogState>
  /** Why the socket is down: its last failure since it was live; null before any. */
  downReason: string | null
}

function names(list: readonly { name: string }[]): string {
  return list.map((c) => c.name).join(', ')
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

/** What the stream says while the socket is live. */
function liveStatus(containers: StatusInputs['containers'], states: StatusInputs['states']): LogStatus {
  const by = (s: string) => containers.filter((c) => states.get(c.id)?.state === s)
  const removed = by('removed')
  const stopped = by('stopped')
  const interrupted = by('interrupted')
  const one = containers.length === 1
  if (removed.length === containers.length) {
    return { tone: 'ended', text: one ? 'Removed: its log is over' : 'Every container was removed: their logs are over' }
  }
  if (interrupted.length > 0) {
    const reason = states.get(interrupted[0]!.id)?.reason || 'the engine connection was lost'
    return {
      tone: 'offline',
      text: one ? `Interrupted: ${reason}; resuming by itself` : `Interrupted for ${names(interrupted)}: ${reason}; resuming by itself`,
    }
  }
  if (one) {
    if (stopped.length === 1) return { tone: 'ended', text: 'Stopped: every line up to its exit is here; follows again when it starts' }
    return { tone: 'live', text: 'Live' }
  }
  const following = containers.length - removed.length - stopped.length
  const parts = [`Live: ${following} of ${containers.length} following`]
  if (stopped.length > 0) parts.push(`${names(stopped)} stopped`)
  if (removed.length > 0) parts.push(`${names(removed)} removed`)
  return { tone: following > 0 ? 'live' : 'ended', text: parts.join('; ') }
}

export function logStatus(s: StatusInputs): LogStatus {
  switch (s.socket.kind) {
    case 'live':
      return liveStatus(s.containers, s.states)
    case 'closed':
      return liveStatus(s.containers, s.states)
    case 'connecting':
      if (s.poll === null && s.downReason === null) return { tone: 'offline', text: 'Connecting…' }
      break
    case 'waiting':
      break
  }
  const down = s.downReason ?? 'reconnecting'
  if (s.poll === null) return { tone: 'offline', text: `Reconnecting: ${down}` }
  if (s.poll.ok) return { tone: 'polling', text: `Polling every ${seconds(s.pollMs)}: the live stream is down (${down})` }
  return { tone: 'offline', text: `Offline: ${s.poll.reason}; retrying` }
}
