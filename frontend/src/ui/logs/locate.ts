import type { LogLine } from './types'

/**
 * Where a line is in a list, by identity, looked for outward from where it
 * was: lines come and go at the ends, so it is seldom far. -1 when gone.
 */
export function locate(list: readonly LogLine[], line: LogLine, hint: number): number {
  const n = list.length
  const h = Math.min(Math.max(hint, 0), n - 1)
  // Never read past either end: out-of-bounds reads are slow.
  const far = Math.max(h, n - 1 - h)
  for (let d = 0; d <= far; d++) {
    if (h - d >= 0 && list[h - d] === line) return h - d
    if (h + d < n && list[h + d] === line) return h + d
  }
  return -1
}

/** Where a new list repeats a run of the previous one: prev[from..to) is list[from+shift..to+shift). */
export interface SharedRun {
  from: number
  to: number
  shift: number
}

/**
 * The run of lines a new list shares with the previous one, found from the
 * previous list's first line (lines loaded before it: shift > 0) or the new
 * list's first line (the oldest dropped: shift < 0); lines appended or a list
 * filtered differently end it. Null when they share nothing at the start.
 */
export function sharedRun(prev: readonly LogLine[], list: readonly LogLine[]): SharedRun | null {
  if (prev.length === 0 || list.length === 0) return null
  // Both ways at once, nearest first: the cost is the shift, not the length.
  const first = prev[0]
  const now = list[0]
  let shift: number | null = null
  for (let d = 0; d < Math.max(prev.length, list.length); d++) {
    if (d < list.length && list[d] === first) {
      shift = d
      break
    }
    if (d < prev.length && prev[d] === now) {
      shift = -d
      break
    }
  }
  if (shift === null) return null
  const from = Math.max(0, -shift)
  let to = from
  while (to < prev.length && to + shift < list.length && prev[to] === list[to + shift]) to++
  return to > from ? { from, to, shift } : null
}
