// Small pieces shared by the table and the detail panel.

import { useEffect, useState } from 'react'
import {
  ACTION_LABELS,
  availableActions,
  containerName,
  type ActionStatus,
  type Container,
  type ContainerAction,
  type RunAction,
} from '../live'
import { formatPercent } from '../format'
import { Icon, type IconName } from './Icon'

/** Re-renders every `ms` while active, for clocks and countdowns. */
export function useNow(ms = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms, active])
  return now
}

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

/** A value with a thin bar under it; fraction is 0..1. */
export function Meter({ text, fraction, title }: { text: string; fraction: number | null; title?: string }) {
  const f = fraction === null || !Number.isFinite(fraction) ? 0 : Math.min(1, Math.max(0, fraction))
  const tone = f >= 0.9 ? 'bad' : f >= 0.7 ? 'warn' : 'ok'
  return (
    <span className="meter" title={title}>
      <span className="meter-text">{text}</span>
      <span className="meter-track" aria-hidden="true">
        <span className="meter-fill" data-tone={fraction === null ? 'idle' : tone} style={{ transform: `scaleX(${f})` }} />
      </span>
    </span>
  )
}

export function cpuFraction(cpuPercent: number, onlineCpus: number): number {
  return cpuPercent / (100 * Math.max(1, onlineCpus))
}

export function cpuTitle(cpuPercent: number, onlineCpus: number): string {
  return `${formatPercent(cpuPercent)} of one CPU; ${onlineCpus} CPU${onlineCpus === 1 ? '' : 's'} available`
}

interface ActionSpec {
  action: ContainerAction
  icon: IconName
  /** Shortcut key shown in the tooltip. */
  key: string
}

const ROW_ACTIONS: ActionSpec[] = [
  { action: 'start', icon: 'play', key: 's' },
  { action: 'stop', icon: 'stop', key: 's' },
  { action: 'pause', icon: 'pause', key: 'p' },
  { action: 'unpause', icon: 'play', key: 'p' },
  { action: 'restart', icon: 'restart', key: 'r' },
  { action: 'kill', icon: 'kill', key: 'K' },
  { action: 'remove', icon: 'trash', key: 'Del' },
]

/**
 * Action buttons for a container. compact: icon buttons for a table row
 * (start/stop, pause/resume, restart, remove); otherwise labelled buttons
 * with kill too.
 */
export function ActionButtons({
  container,
  status,
  run,
  onRemove,
  compact,
}: {
  container: Container
  status: ActionStatus | undefined
  run: RunAction
  onRemove: () => void
  compact?: boolean
}) {
  const can = availableActions(container)
  const busy = status?.phase === 'pending'
  const name = containerName(container)
  const shown = ROW_ACTIONS.filter((a) => {
    if (a.action === 'start') return !can.stop
    if (a.action === 'stop') return can.stop
    if (a.action === 'pause') return !can.unpause
    if (a.action === 'unpause') return can.unpause
    if (a.action === 'kill') return !compact
    return true
  })
  return (
    <span className={compact ? 'actions actions-compact' : 'actions'}>
      {shown.map(({ action, icon, key }) => {
        const label = ACTION_LABELS[action].verb
        const disabled = busy || !can[action]
        return (
          <button
            key={action}
            type="button"
            className="action"
            data-action={action}
            disabled={disabled}
            aria-label={`${label} ${name}`}
            title={`${label} (${key})`}
            onClick={(e) => {
              e.stopPropagation()
              if (action === 'remove') onRemove()
              else void run({ engine: container.engine, id: container.id, name }, action)
            }}
          >
            <Icon name={icon} />
            {!compact && <span>{label}</span>}
          </button>
        )
      })}
    </span>
  )
}
