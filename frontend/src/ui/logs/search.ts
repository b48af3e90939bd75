// Search in the lines' plain text (escapes removed): a plain string or a
// regular expression, every match of every line, and the way from "match k
// of n" to its line and back. Matching a line is findRanges, on the main
// thread for plain text and in a worker for a regular expression.

import { styled } from './ansi'
import { sharedRun } from './locate'
import type { LogLine } from './types'

/** A match: [start, end) in the line's plain text. */
export type Range = readonly [number, number]

export interface SearchOptions {
  regex: boolean
  matchCase: boolean
}

export interface Matcher {
  /** The ranges in one line, cached per line for this matcher. */
  ranges(line: LogLine): readonly Range[]
}

export type Compiled = { matcher: Matcher; error?: undefined } | { matcher?: undefined; error: string }

/** At most this many matches a line: a pattern like `.` must not build millions. */
export const MAX_PER_LINE = 1000

export const NO_RANGES: readonly Range[] = []

/** What a search runs: the expression's source and flags, or why there is none. */
export type SearchExpression = { source: string; flags: string; error?: undefined } | { source?: undefined; error: string }

/**
 * The expression a query searches with: building it runs nothing, so it is
 * cheap whatever the query. Null for an empty query; an error (never a
 * throw) for an invalid expression.
 */
export function searchExpression(query: string, { regex, matchCase }: SearchOptions): SearchExpression | null {
  if (query === '') return null
  const source = regex ? query : escapeRegExp(query)
  const flags = matchCase ? 'g' : 'gi'
  try {
    new RegExp(source, flags)
  } catch (err) {
    return { error: `Not a valid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}` }
  }
  return { source, flags }
}

/**
 * Matches on the calling thread. Plain text searches this way; a regular
 * expression, which can take forever on some lines, searches in a worker
 * (regexSearch.ts) with the same findRanges.
 */
export function compileSearch(query: string, options: SearchOptions): Compiled | null {
  const expr = searchExpression(query, options)
  if (expr === null || expr.error !== undefined) return expr
  const re = new RegExp(expr.source, expr.flags)
  const cache = new WeakMap<LogLine, readonly Range[]>()
  return {
    matcher: {
      ranges(line) {
        let r = cache.get(line)
        if (!r) {
          r = findRanges(re, styled(line).plain)
          cache.set(line, r)
        }
        return r
      },
    },
  }
}

/** Every match of re (a global expression) in text, empty ones stepped over, at most MAX_PER_LINE. */
export function findRanges(re: RegExp, text: string): readonly Range[] {
  re.lastIndex = 0
  let found: Range[] | null = null
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index
    const end = start + m[0].length
    if (end === start) {
      // An empty match highlights nothing; step over it.
      re.lastIndex = start + 1
      if (start >= text.length) break
      continue
    }
    ;(found ??= []).push([start, end])
    if (found.length >= MAX_PER_LINE) break
  }
  return found ?? NO_RANGES
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Every match in a list of lines: the lines that have some, and a running count. */
export interface Matches {
  total: number
  /** Indexes (in the list) of the lines with a match, ascending. */
  lines: Int32Array
  /** before[i] = how many matches come before lines[i]'s first. */
  before: Int32Array
}

export const NO_MATCHES: Matches = { total: 0, lines: new Int32Array(0), before: new Int32Array(0) }

/** The list a Matches was collected from, to collect the next list's from it. */
export interface Collected {
  list: readonly LogLine[]
  matcher: Matcher
  matches: Matches
}

/**
 * Every match in the list. With the previous list's matches (same matcher),
 * the lines it shares with that list are not searched again: lines come and
 * go at the ends of a buffer of 100,000.
 */
export function collectMatches(list: readonly LogLine[], matcher: Matcher, prev: Collected | null = null): Matches {
  const run = prev && prev.matcher === matcher ? sharedRun(prev.list, list) : null
  const lines: number[] = []
  const counts: number[] = []
  const scan = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const n = matcher.ranges(list[i]!).length
      if (n > 0) {
        lines.push(i)
        counts.push(n)
      }
    }
  }
  if (run) {
    const old = prev!.matches
    scan(0, run.from + run.shift)
    // The shared run's matching lines, moved by the shift, without searching them.
    let k = firstAtOrAfter(old.lines, run.from)
    for (; k < old.lines.length && old.lines[k]! < run.to; k++) {
      const next = k + 1 < old.lines.length ? old.before[k + 1]! : old.total
      lines.push(old.lines[k]! + run.shift)
      counts.push(next - old.before[k]!)
    }
    scan(run.to + run.shift, list.length)
  } else scan(0, list.length)
  const before = new Int32Array(lines.length)
  let total = 0
  for (let i = 0; i < lines.length; i++) {
    before[i] = total
    total += counts[i]!
  }
  return { total, lines: Int32Array.from(lines), before }
}

function firstAtOrAfter(a: Int32Array, value: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (a[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Where in the list match k (0-based) is: its line's index and which of that line's matches. */
export function matchAt(m: Matches, k: number): { index: number; n: number } | null {
  if (k < 0 || k >= m.total) return null
  // The last entry whose `before` is at most k.
  let lo = 0
  let hi = m.lines.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (m.before[mid]! <= k) lo = mid
    else hi = mid - 1
  }
  return { index: m.lines[lo]!, n: k - m.before[lo]! }
}

/** The number k of the n-th match of the line at index, or the position it would take. */
export function matchNumber(m: Matches, index: number, n: number): number {
  const lo = firstAtOrAfter(m.lines, index)
  if (lo < m.lines.length && m.lines[lo] === index) return m.before[lo]! + n
  return lo < m.lines.length ? m.before[lo]! : m.total
}
