// A container's state in a word and a colour, with its health and any
// action pending or failed on it.

import { ACTION_LABELS, type ActionStatus, type Container } from '../live'
import { StopCountdown, waitsForStop } from './StopCountdown'
import { exitAskedFor } from './tableModel'
import './StateBadge.css'

export function stateTone(c: Container): string {
  const { state, health, exitCode, oomKilled } = c
  if (health === 'unhealthy') return 'bad'
  if (state === 'running') return health === 'starting' ? 'pending' : 'ok'
  if (state === 'paused') return 'warn'
  if (state === 'restarting' || state === 'created' || state === 'removing') return 'pending'
  if (state === 'exited' && !oomKilled && (exitCode === 0 || exitAskedFor(c))) return 'idle'
  return 'bad'
}

/** How the last exit came about, in words; unknown says so. */
export function exitCauseText(c: Container): string {
  switch (c.exitCause) {
    case 'stopped':
      return c.exitCode === 137 ? 'Stopped: killed (SIGKILL) when the grace period ended' : 'Stopped on request'
    case 'killed':
      return 'Killed on request (a signal someone sent)'
    case 'oom':
      return 'Killed by the kernel: out of memory'
    case 'unasked':
      return 'Ended by itself: nobody asked it to stop'
    default:
      return 'Cause unknown: Dockpulse did not see this exit'
  }
}

/** The badge's words: the state, with the exit code where it matters. */
export function stateLabel(c: Container): string {
  const s = c.state || 'unknown'
  const text = s[0]!.toUpperCase() + s.slice(1)
  if (s === 'exited' || s === 'dead') {
    if (c.oomKilled) return `${text} (${c.exitCode}, OOM)`
    if (exitAskedFor(c)) return `${text} (${c.exitCode}, ${c.exitCause})`
    return `${text} (${c.exitCode})`
  }
  return text
}

export function StateBadge({
  container,
  pending,
  removed,
  stale,
}: {
  container: Container
  pending?: ActionStatus | undefined
  removed?: boolean | undefined
  /** Its engine (or the backend) is out of reach: this is the last known state, not a live one. */
  stale?: boolean | undefined
}) {
  if (removed) {
    return (
      <span className="badge" data-tone="idle">
        Removed
      </span>
    )
  }
  const health = container.health
  return (
    <span className="badge-group">
      <span
        className="badge"
        data-tone={stateTone(container)}
        title={container.state === 'exited' || container.state === 'dead' ? exitCauseText(container) : undefined}
      >
        {stateLabel(container)}
      </span>
      {stale && (
        <span className="stale-note" title={`The last known state: the engine ${container.engine} is not live`}>
          last known
        </span>
      )}
      {health && container.state === 'running' && (
        <span className="health" data-health={health}>
          {health}
        </span>
      )}
      {pending?.phase === 'pending' && (
        <span className="pending" role="status">
          <span className="spinner" aria-hidden="true" />
          {ACTION_LABELS[pending.action].doing}…
          {waitsForStop(pending, container) && <StopCountdown status={pending} container={container} />}
        </span>
      )}
      {pending?.phase === 'failed' && (
        <span className="failed" title={pending.error}>
          {ACTION_LABELS[pending.action].verb} failed
        </span>
      )}
    </span>
  )
}
