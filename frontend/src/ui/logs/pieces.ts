// A line's text cut into what one row renders: the ANSI runs, split where a
// search match starts or ends.

import type { Run } from './ansi'
import type { Range } from './search'

export interface Piece {
  text: string
  className?: string
  style?: Run['style']
  /** Which of the line's matches this piece is part of, if any. */
  match?: number
}

export function rowPieces(runs: readonly Run[], ranges: readonly Range[]): readonly Piece[] {
  if (ranges.length === 0) return runs
  const out: Piece[] = []
  let r = 0
  for (const run of runs) {
    const end = run.start + run.text.length
    let at = run.start
    while (at < end) {
      while (r < ranges.length && ranges[r]![1] <= at) r++
      const range = ranges[r]
      let to: number
      let match: number | undefined
      if (range && range[0] <= at) {
        to = Math.min(end, range[1])
        match = r
      } else {
        to = range ? Math.min(end, range[0]) : end
      }
      const piece: Piece = { text: run.text.slice(at - run.start, to - run.start) }
      if (run.className) piece.className = run.className
      if (run.style) piece.style = run.style
      if (match !== undefined) piece.match = match
      out.push(piece)
      at = to
    }
  }
  return out
}
