// Keys for lines: a number per line object, for React and for the
// virtualizer's measured heights. A buffer of 100,000 lines changes at its
// ends, so a new list's keys are mostly the previous list's, moved: copied
// in one go instead of looked up line by line.

import { useEffect, useMemo, useRef } from 'react'
import { locate } from './locate'
import type { LogLine } from './types'

const ids = new WeakMap<LogLine, number>()
let next = 0

export function lineKey(line: LogLine): number {
  let k = ids.get(line)
  if (k === undefined) {
    k = next++
    ids.set(line, k)
  }
  return k
}

export interface Keyed {
  lines: readonly LogLine[]
  keys: Int32Array
}

export function keysFor(lines: readonly LogLine[], prev: Keyed | null): Int32Array {
  const n = lines.length
  const keys = new Int32Array(n)
  let from = 0
  let to = 0
  let shift = 0
  if (prev && prev.lines.length > 0 && n > 0) {
    // new index = old index + shift: lines loaded before (shift > 0) or dropped (shift < 0).
    const at = locate(lines, prev.lines[0]!, 0)
    if (at >= 0) shift = at
    else {
      const gone = locate(prev.lines, lines[0]!, 0)
      shift = gone >= 0 ? -gone : n
    }
    from = Math.max(0, -shift)
    to = from
    while (to < prev.lines.length && to + shift < n && prev.lines[to] === lines[to + shift]) to++
    if (to > from) keys.set(prev.keys.subarray(from, to), from + shift)
  }
  const sharedStart = from + shift
  const sharedEnd = to + shift
  for (let i = 0; i < n; i++) {
    if (i === sharedStart && sharedEnd > sharedStart) i = sharedEnd
    if (i < n) keys[i] = lineKey(lines[i]!)
  }
  return keys
}

/** The keys of a list, from the previous list's where they share lines. */
export function useLineKeys(lines: readonly LogLine[]): Int32Array {
  const prev = useRef<Keyed | null>(null)
  const keys = useMemo(() => keysFor(lines, prev.current), [lines])
  useEffect(() => {
    prev.current = { lines, keys }
  })
  return keys
}
