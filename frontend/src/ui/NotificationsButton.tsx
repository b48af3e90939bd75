// The toolbar's way to the notification history, with how many it holds.

import { useAlertHistory } from '../live'

export function NotificationsButton({ onClick }: { onClick: () => void }) {
  const count = useAlertHistory().length
  return (
    <button
      type="button"
      className="notifications-button"
      title="Past notifications, and muted containers"
      onClick={onClick}
    >
      Notifications <span className="count-badge">{count}</span>
    </button>
  )
}
