// Keys for lines: a number per line object, for React and for the
// virtualizer's measured heights. A buffer of 100,000 lines changes at its
// ends, so a new list's keys are mostly the previous list's, moved: copied
// in one go instead of looked up line by line.

import { useEffect, useMemo, useRef } from 'react'
import { sharedRun } from './locate'
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
  const run = prev ? sharedRun(prev.lines, lines) : null
  if (run) keys.set(prev!.keys.subarray(run.from, run.to), run.from + run.shift)
  const skipFrom = run ? run.from + run.shift : n
  const skipTo = run ? run.to + run.shift : n
  for (let i = 0; i < n; i++) {
    if (i === skipFrom) i = skipTo
    if (i < n) keys[i] = lineKey(lines[i]!)
  }
  return keys
}

const NO_KEYS = new Int32Array(0)

/** The keys of a list, from the previous list's where they share lines; none while not wanted. */
export function useLineKeys(lines: readonly LogLine[], wanted = true): Int32Array {
  const prev = useRef<Keyed | null>(null)
  const keys = useMemo(() => (wanted ? keysFor(lines, prev.current) : NO_KEYS), [lines, wanted])
  useEffect(() => {
    prev.current = wanted ? { lines, keys } : null
  })
  return keys
}
