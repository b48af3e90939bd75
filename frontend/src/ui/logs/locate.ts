import type { LogLine } from './types'

/**
 * Where a line is in a list, by identity, looked for outward from where it
 * was: lines come and go at the ends, so it is seldom far. -1 when gone.
 */
export function locate(list: readonly LogLine[], line: LogLine, hint: number): number {
  const h = Math.min(Math.max(hint, 0), list.length - 1)
  for (let d = 0; h - d >= 0 || h + d < list.length; d++) {
    if (list[h - d] === line) return h - d
    if (list[h + d] === line) return h + d
  }
  return -1
}
