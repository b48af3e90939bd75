// One line of the log, memoized: a row renders again only when its line, its
// matches or how lines are shown change, not when lines come or go around it.

import { Fragment, memo } from 'react'
import { styled } from './ansi'
import { fullTime, shortTime } from './logTime'
import { rowPieces } from './pieces'
import type { Range } from './search'
import type { LogLine } from './types'

export interface LogRowProps {
  line: LogLine
  ranges: readonly Range[]
  /** Which of the line's matches is the current one, or -1. */
  active: number
  timestamps: boolean
  /** A project's container: its name and palette slot. */
  container?: { name: string; slot: number }
}

const bytes = new Intl.NumberFormat()

export const LogRow = memo(function LogRow({ line, ranges, active, timestamps, container }: LogRowProps) {
  const pieces = rowPieces(styled(line).runs, ranges)
  return (
    <>
      {timestamps && (
        <time className="log-time" dateTime={line.time} title={fullTime(line.time)}>
          {shortTime(line.time)}
        </time>
      )}
      {container && (
        <span className="log-container" data-slot={container.slot} title={`container ${container.name}`}>
          {container.name}
          <span className="visually-hidden">:</span>
        </span>
      )}
      {line.stream === 'stderr' && (
        <span className="log-stream" title="Written to stderr">
          err
        </span>
      )}
      <span className="log-text">
        {pieces.map((p, i) => {
          const content = p.match === undefined ? p.text : (
            <mark className="log-hit" data-active={p.match === active || undefined}>
              {p.text}
            </mark>
          )
          return p.className || p.style ? (
            <span key={i} className={p.className} style={p.style}>
              {content}
            </span>
          ) : (
            <Fragment key={i}>{content}</Fragment>
          )
        })}
        {line.cut ? <span className="log-cut">… {bytes.format(line.cut)} bytes cut</span> : null}
        {line.partial && (
          <span className="log-partial" title="No newline yet: the container has not finished this line">
            <span aria-hidden="true">⋯</span>
            <span className="visually-hidden"> (line not finished)</span>
          </span>
        )}
      </span>
    </>
  )
})
