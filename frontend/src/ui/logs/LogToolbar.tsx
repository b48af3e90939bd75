// What is shown and how: the stream and container filters, timestamps,
// wrapping; and what to do with the lines: copy, download.

import type { StreamFilter } from './settings'
import type { LogContainer } from './types'
import { containerKey } from './palette'

const STREAMS: readonly { value: StreamFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'stdout', label: 'stdout' },
  { value: 'stderr', label: 'stderr' },
]

export const ALL_CONTAINERS = 'all'

export function LogFilters({
  stream,
  onStream,
  containers,
  container,
  onContainer,
  timestamps,
  onTimestamps,
  wrap,
  onWrap,
}: {
  stream: StreamFilter
  onStream: (stream: StreamFilter) => void
  /** With more than one, the container filter shows. */
  containers: readonly LogContainer[]
  container: string
  onContainer: (key: string) => void
  timestamps: boolean
  onTimestamps: (on: boolean) => void
  wrap: boolean
  onWrap: (on: boolean) => void
}) {
  return (
    <>
      <div className="segmented" role="radiogroup" aria-label="Stream">
        {STREAMS.map((s) => (
          <button key={s.value} type="button" role="radio" aria-checked={stream === s.value} onClick={() => onStream(s.value)}>
            {s.label}
          </button>
        ))}
      </div>
      {containers.length > 1 && (
        <select aria-label="Container" value={container} onChange={(e) => onContainer(e.target.value)}>
          <option value={ALL_CONTAINERS}>All containers</option>
          {containers.map((c) => (
            <option key={containerKey(c)} value={containerKey(c)}>
              {c.name}
            </option>
          ))}
        </select>
      )}
      <label className="toggle">
        <input type="checkbox" checked={timestamps} onChange={(e) => onTimestamps(e.target.checked)} />
        Timestamps
      </label>
      <label className="toggle">
        <input type="checkbox" checked={wrap} onChange={(e) => onWrap(e.target.checked)} />
        Wrap
      </label>
    </>
  )
}

export function LogActions({
  onCopyShown,
  onCopyAll,
  onDownload,
  filtered,
  fileName,
  said,
}: {
  onCopyShown: () => void
  onCopyAll: () => void
  onDownload: () => void
  /** Whether a filter hides some lines (then "shown" and "all" differ). */
  filtered: boolean
  fileName: string
  said: { ok: boolean; text: string } | null
}) {
  return (
    <div className="log-actions">
      <button type="button" className="small-button" onClick={onCopyShown} title={filtered ? 'Copy the lines the filters show' : 'Copy every line'}>
        {filtered ? 'Copy shown' : 'Copy'}
      </button>
      {filtered && (
        <button type="button" className="small-button" onClick={onCopyAll} title="Copy every line, whatever the filters">
          Copy all
        </button>
      )}
      <button type="button" className="small-button" onClick={onDownload} title={`Download every line, with its time and stream, as ${fileName}`}>
        Download
      </button>
      <span role="status" className={said?.ok === false ? 'log-said bad-text' : 'log-said muted'}>
        {said?.text}
      </span>
    </div>
  )
}
