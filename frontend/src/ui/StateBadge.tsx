// A container's state in a word and a colour, with its health and any
// action pending or failed on it.

import { ACTION_LABELS, type ActionStatus, type Container } from '../live'

export function stateTone(c: Container): string {
  const { state, health, exitCode, oomKilled } = c
  if (health === 'unhealthy') return 'bad'
  if (state === 'running') return health === 'starting' ? 'pending' : 'ok'
  if (state === 'paused') return 'warn'
  if (state === 'restarting' || state === 'created' || state === 'removing') return 'pending'
  if (state === 'exited' && exitCode === 0 && !oomKilled) return 'idle'
  return 'bad'
}

/** The badge's words: the state, with the exit code where it matters. */
export function stateLabel(c: Container): string {
  const s = c.state || 'unknown'
  const text = s[0]!.toUpperCase() + s.slice(1)
  if (s === 'exited' || s === 'dead') return c.oomKilled ? `${text} (${c.exitCode}, OOM)` : `${text} (${c.exitCode})`
  return text
}

export function StateBadge({
  container,
  pending,
  removed,
}: {
  container: Container
  pending?: ActionStatus | undefined
  removed?: boolean | undefined
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
      <span className="badge" data-tone={stateTone(container)}>
        {stateLabel(container)}
      </span>
      {health && container.state === 'running' && (
        <span className="health" data-health={health}>
          {health}
        </span>
      )}
      {pending?.phase === 'pending' && (
        <span className="pending" role="status">
          <span className="spinner" aria-hidden="true" />
          {ACTION_LABELS[pending.action].doing}…
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
