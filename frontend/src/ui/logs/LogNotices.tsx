// Above the lines, what the logs client has to say (lines skipped, the
// container removed…), each with its action; below them, the stream's
// status and whether the view follows the newest line.

import type { LogNotice, LogStatus, LogTone } from './types'

const TONES: Record<LogTone, string> = { live: 'ok', polling: 'warn', offline: 'bad', ended: 'idle' }

export function LogNotices({ notices }: { notices: readonly LogNotice[] }) {
  if (notices.length === 0) return null
  return (
    <ul className="log-notices" aria-label="Log notices">
      {notices.map((n) => (
        <li key={n.key} className="log-notice">
          <span>{n.text}</span>
          {n.action && (
            <button type="button" className="small-button" onClick={() => n.action!.run()}>
              {n.action.label}
            </button>
          )}
        </li>
      ))}
    </ul>
  )
}

export function LogStatusLine({
  status,
  following,
  newLines,
  onFollow,
  shown,
  all,
}: {
  status: LogStatus
  following: boolean
  newLines: number
  onFollow: () => void
  shown: number
  all: number
}) {
  return (
    <div className="log-statusline">
      <span className="indicator" data-tone={TONES[status.tone]} role="status" aria-label="Log stream">
        <span className="dot" aria-hidden="true" />
        <span className="indicator-text">{status.text}</span>
      </span>
      <span className="muted small log-lines-count">
        {shown === all ? `${all.toLocaleString()} ${all === 1 ? 'line' : 'lines'}` : `${shown.toLocaleString()} of ${all.toLocaleString()} lines`}
      </span>
      <span className="toolbar-spacer" />
      <span role="status" aria-label="Follow" className="log-follow">
        {following ? (
          <span className="muted small">Following the newest line</span>
        ) : (
          <span className="log-paused">
            Paused: {newLines.toLocaleString()} new {newLines === 1 ? 'line' : 'lines'}
          </span>
        )}
      </span>
      {!following && (
        <button type="button" className="small-button" onClick={onFollow} aria-keyshortcuts="End" title="Follow the newest line (End)">
          Follow
        </button>
      )}
    </div>
  )
}
