// Where a logs view is drawn: the viewer, fed with what useLogs gives.

import type { LogsView } from '../../live'
import './LogsOutput.css'

export interface LogsOutputProps extends LogsView {
  variant: 'panel' | 'full'
  onOpenFull?: () => void
  onClose?: () => void
}

/** The newest lines a plain list draws (the viewer draws every line, virtualized). */
const SHOWN = 500

export function LogsOutput(props: LogsOutputProps) {
  const { lines, status, notices, canLoadEarlier, loadingEarlier, onLoadEarlier, variant, onOpenFull, onClose } = props
  const shown = lines.slice(-SHOWN)
  return (
    <section className="logs-output" data-variant={variant} aria-label="Logs">
      <header className="logs-output-head">
        <span className="logs-status" data-tone={status.tone} role="status">
          {status.text}
        </span>
        <span className="muted">{lines.length} lines</span>
        {onOpenFull && (
          <button type="button" onClick={onOpenFull}>
            Open full view
          </button>
        )}
        {onClose && (
          <button type="button" onClick={onClose}>
            Close logs
          </button>
        )}
      </header>
      {notices.map((n) => (
        <p key={n.key} className="logs-notice">
          {n.text}
          {n.action && (
            <button type="button" className="link" onClick={() => n.action!.run()}>
              {n.action.label}
            </button>
          )}
        </p>
      ))}
      {canLoadEarlier && (
        <button type="button" onClick={onLoadEarlier} disabled={loadingEarlier}>
          {loadingEarlier ? 'Loading earlier lines…' : 'Load earlier'}
        </button>
      )}
      <ol className="logs-lines mono" role="log" aria-label="Log lines">
        {shown.map((l, i) => (
          <li key={`${l.id}-${l.time}-${i}`} data-stream={l.stream}>
            {l.text}
          </li>
        ))}
      </ol>
    </section>
  )
}
