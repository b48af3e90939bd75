// Every notification of this session, newest first, with its time and count,
// and the containers whose alerts are muted (unmute here). Opened from the
// toolbar; bounded by the store (MAX_HISTORY).

import { useId } from 'react'
import { alertEngine, alertSubject, useAlertControls, useAlertHistory, useMuted, useLiveSelector, type Alert } from '../live'
import { alertTitle } from './alertTitle'
import { formatClock } from '../format'
import { useOpenLogs } from './logs/openLogs'
import { LOG_KINDS } from './Toasts'
import { Modal } from './Modal'
import './NotificationHistory.css'

export function NotificationHistory({ onClose, onSelectContainer }: { onClose: () => void; onSelectContainer: (key: string) => void }) {
  const title = useId()
  const history = useAlertHistory()
  const muted = useMuted()
  const { mute, clearHistory } = useAlertControls()
  const data = useLiveSelector((s) => s.data)
  const newestFirst = [...history].reverse()
  const bareName = (key: string) => {
    const c = data.containers.get(key)
    if (c) return c.name.replace(/^\//, '')
    return history.find((a) => a.key === key)?.name ?? key.slice(key.indexOf('/') + 1, key.indexOf('/') + 13)
  }
  const nameOf = (key: string) => alertSubject(bareName(key), alertEngine(data, key))
  return (
    <Modal labelledBy={title} onClose={onClose}>
      <h2 id={title}>Notifications</h2>
      {newestFirst.length === 0 ? (
        <p className="muted">No notifications since Dockpulse opened.</p>
      ) : (
        <ol className="notification-history" aria-label="Past notifications, newest first">
          {newestFirst.map((a) => (
            <HistoryItem
              key={a.id}
              alert={a}
              onClose={onClose}
              onSelect={(key) => {
                onClose()
                onSelectContainer(key)
              }}
            />
          ))}
        </ol>
      )}
      {muted.size > 0 && (
        <section aria-label="Muted containers" className="muted-containers">
          <h3>Muted</h3>
          <ul>
            {[...muted].sort().map((key) => (
              <li key={key}>
                {nameOf(key)}{' '}
                <button type="button" className="link" onClick={() => mute(key, false)}>
                  Unmute {nameOf(key)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={clearHistory} disabled={history.length === 0}>
          Clear history
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}

function HistoryItem({ alert, onSelect, onClose }: { alert: Alert; onSelect: (key: string) => void; onClose: () => void }) {
  const openLogs = useOpenLogs()
  const key = alert.key
  const when = alert.count > 1 ? `${formatClock(alert.firstAt)} – ${formatClock(alert.at)}` : formatClock(alert.at)
  return (
    <li data-tone={alert.tone} data-kind={alert.kind}>
      <time className="muted mono">{when}</time>
      <span className="notification-title">
        {alert.key ? (
          <button type="button" className="link" onClick={() => onSelect(alert.key!)}>
            {alertTitle(alert)}
          </button>
        ) : (
          alertTitle(alert)
        )}
        {alert.muted && <span className="muted"> (muted)</span>}
      </span>
      {alert.detail && <span className="notification-detail muted">{alert.detail}</span>}
      {openLogs && key && LOG_KINDS.has(alert.kind) && (
        <button
          type="button"
          className="link notification-logs"
          onClick={() => {
            onClose()
            openLogs({ kind: 'container', key, name: alert.name })
          }}
        >
          Open logs{alert.name ? ` of ${alert.name}` : ''}
        </button>
      )}
    </li>
  )
}
