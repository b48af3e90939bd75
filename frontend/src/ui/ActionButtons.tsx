// The buttons that act on a container: icon buttons in a table row, labelled
// ones in the detail panel.

import {
  ACTION_LABELS,
  availableActions,
  containerName,
  type ActionStatus,
  type Container,
  type ContainerAction,
  type RunAction,
} from '../live'
import { Icon, type IconName } from './Icon'
import { waitsForStop } from './StopCountdown'

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
  // A stop waiting out the grace period can be escalated: Kill stays.
  const stopping = waitsForStop(status, container)
  const name = containerName(container)
  const shown = ROW_ACTIONS.filter((a) => {
    if (a.action === 'start') return !can.stop
    if (a.action === 'stop') return can.stop
    if (a.action === 'pause') return !can.unpause
    if (a.action === 'unpause') return can.unpause
    if (a.action === 'kill') return !compact || stopping
    return true
  })
  return (
    <span className={compact ? 'actions actions-compact' : 'actions'}>
      {shown.map(({ action, icon, key }) => {
        const label = ACTION_LABELS[action].verb
        const disabled = (busy && !(stopping && action === 'kill')) || !can[action]
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
