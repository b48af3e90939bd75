// Search in the lines' plain text (escapes removed): a plain string or a
// regular expression, every match of every line, and the way from "match k
// of n" to its line and back.

import { styled } from './ansi'
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

const NONE: readonly Range[] = []

/** Null for an empty query; an error (never a throw) for an invalid expression. */
export function compileSearch(query: string, { regex, matchCase }: SearchOptions): Compiled | null {
  if (query === '') return null
  let re: RegExp
  try {
    re = new RegExp(regex ? query : escapeRegExp(query), matchCase ? 'g' : 'gi')
  } catch (err) {
    return { error: `Not a valid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}` }
  }
  const cache = new WeakMap<LogLine, readonly Range[]>()
  return {
    matcher: {
      ranges(line) {
        let r = cache.get(line)
        if (!r) {
          r = find(re, styled(line).plain)
          cache.set(line, r)
        }
        return r
      },
    },
  }
}

function find(re: RegExp, text: string): readonly Range[] {
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
  return found ?? NONE
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

export function collectMatches(list: readonly LogLine[], matcher: Matcher): Matches {
  const lines: number[] = []
  const before: number[] = []
  let total = 0
  for (let i = 0; i < list.length; i++) {
    const n = matcher.ranges(list[i]!).length
    if (n > 0) {
      lines.push(i)
      before.push(total)
      total += n
    }
  }
  return { total, lines: Int32Array.from(lines), before: Int32Array.from(before) }
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
  let lo = 0
  let hi = m.lines.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (m.lines[mid]! < index) lo = mid + 1
    else hi = mid
  }
  if (lo < m.lines.length && m.lines[lo] === index) return m.before[lo]! + n
  return lo < m.lines.length ? m.before[lo]! : m.total
}
