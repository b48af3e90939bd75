// While a stop (or restart) waits out the container's grace period: how long
// until the engine sends SIGKILL. Kill stays available meanwhile
// (ActionButtons), so a slow stop can be escalated.

import { ENGINE_STOP_TIMEOUT_S, type ActionStatus, type Container } from '../live'
import { useNow } from './useNow'
import './StopCountdown.css'

/** The grace period a stop gives c, in seconds: its own, else the engine's default. */
export function stopTimeoutOf(c: Pick<Container, 'stopTimeout'>): number {
  return c.stopTimeout ?? ENGINE_STOP_TIMEOUT_S
}

/** Whether a pending action is a stop waiting for the container to end. */
export function waitsForStop(status: ActionStatus | undefined, c: Container): boolean {
  return (
    status?.phase === 'pending' &&
    (status.action === 'stop' || status.action === 'restart') &&
    (c.state === 'running' || c.state === 'paused' || c.state === 'restarting')
  )
}

export function StopCountdown({ status, container }: { status: ActionStatus; container: Container }) {
  const now = useNow(250)
  const deadline = status.startedAt + stopTimeoutOf(container) * 1000
  const left = Math.ceil((deadline - now) / 1000)
  const text = left > 0 ? `SIGKILL in ${left} s` : 'sending SIGKILL'
  return (
    <span
      className="stop-countdown"
      title={`The engine waits ${stopTimeoutOf(container)} s for the container to exit, then kills it; Kill does it now`}
    >
      {text}
    </span>
  )
}
