// Notifications for what should not go unnoticed: a container that died
// unexpectedly, was OOM-killed or turned unhealthy, and actions the engine
// refused. They leave by themselves (a repeat brings its toast back with the
// count); hovering keeps them. Each can mute its container's alerts; the
// history (NotificationHistory) keeps them all.

import { useEffect, useId, useRef, useState } from 'react'
import { alertSubject, useAlertControls, useAlerts, useDismissAlert, type Alert } from '../live'
import { alertTitle } from './alertTitle'
import { formatClock } from '../format'
import { useOpenLogs } from './logs/openLogs'
import './Toasts.css'

const LIFETIME_MS = { bad: 12_000, warn: 8_000 }

/** The alerts whose container's logs say why: it died, was OOM-killed, or turned unhealthy. */
export const LOG_KINDS: ReadonlySet<Alert['kind']> = new Set(['died', 'oom', 'unhealthy'])

export function Toasts({ onSelectContainer }: { onSelectContainer: (key: string) => void }) {
  const alerts = useAlerts()
  const dismiss = useDismissAlert()
  const { mute } = useAlertControls()
  const [hovered, setHovered] = useState(false)
  return (
    <div
      className="toasts"
      role="region"
      aria-label="Notifications"
      onPointerEnter={() => setHovered(true)}
      onPointerLeave={() => setHovered(false)}
    >
      {alerts.map((a) => (
        <Toast
          key={a.id}
          alert={a}
          paused={hovered}
          onDismiss={() => dismiss(a.id)}
          onMute={a.key ? () => mute(a.key!, true) : undefined}
          onSelect={onSelectContainer}
        />
      ))}
    </div>
  )
}

function Toast({
  alert,
  paused,
  onDismiss,
  onMute,
  onSelect,
}: {
  alert: Alert
  paused: boolean
  onDismiss: () => void
  onMute: (() => void) | undefined
  onSelect: (key: string) => void
}) {
  const dismissRef = useRef(onDismiss)
  dismissRef.current = onDismiss
  useEffect(() => {
    if (paused) return
    const timer = setTimeout(() => dismissRef.current(), LIFETIME_MS[alert.tone])
    return () => clearTimeout(timer)
  }, [paused, alert.tone, alert.count])
  const titleId = useId()
  const openLogs = useOpenLogs()
  const key = alert.key
  return (
    <div
      className="toast"
      data-tone={alert.tone}
      data-kind={alert.kind}
      role={alert.tone === 'bad' ? 'alert' : 'status'}
      aria-labelledby={titleId}
    >
      <span className="dot" aria-hidden="true" />
      <div className="toast-body">
        <p className="toast-title" id={titleId}>
          {alert.key ? (
            <button type="button" className="link" onClick={() => onSelect(alert.key!)}>
              {alertTitle(alert)}
            </button>
          ) : (
            alertTitle(alert)
          )}
        </p>
        {alert.detail && <p className="toast-detail">{alert.detail}</p>}
        <time className="muted mono">{formatClock(alert.at)}</time>
        {openLogs && key && LOG_KINDS.has(alert.kind) && (
          <button type="button" className="link toast-logs" onClick={() => openLogs({ kind: 'container', key, name: alert.name })}>
            Open logs{alert.name ? ` of ${alert.name}` : ''}
          </button>
        )}
        {onMute && alert.name && (
          <button type="button" className="link toast-mute" onClick={onMute}>
            Mute {alertSubject(alert.name, alert.engine)}
          </button>
        )}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={onDismiss}>
        ×
      </button>
    </div>
  )
}
