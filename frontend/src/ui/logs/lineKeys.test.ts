import { expect, test } from 'vitest'
import { keysFor, lineKey } from './lineKeys'
import { makeLines } from './testLines'
import type { LogLine } from './types'

const make = (n: number): LogLine[] => makeLines(n)

const direct = (lines: readonly LogLine[]) => Int32Array.from(lines, lineKey)

test.each([
  ['appended', (l: LogLine[]) => l.slice(0, 60), (l: LogLine[]) => l.slice(0, 100)],
  ['appended with the oldest dropped', (l: LogLine[]) => l.slice(0, 60), (l: LogLine[]) => l.slice(30, 100)],
  ['earlier lines loaded', (l: LogLine[]) => l.slice(40), (l: LogLine[]) => l],
  ['only dropped', (l: LogLine[]) => l, (l: LogLine[]) => l.slice(50)],
  ['filtered', (l: LogLine[]) => l, (l: LogLine[]) => l.filter((_, i) => i % 3 === 0)],
  ['replaced', (l: LogLine[]) => l.slice(0, 50), () => make(20)],
  ['emptied', (l: LogLine[]) => l, () => []],
  ['from empty', () => [], (l: LogLine[]) => l],
])('%s: the same keys as line by line', (_name, before, after) => {
  const all = make(100)
  const a = before(all)
  const b = after(all)
  const prev = { lines: a, keys: direct(a) }
  expect(keysFor(b, prev)).toEqual(direct(b))
})

test('a line keeps its key; different lines have different keys', () => {
  const [x, y] = make(2)
  expect(lineKey(x!)).toBe(lineKey(x!))
  expect(lineKey(x!)).not.toBe(lineKey(y!))
  // Equal content is not the same line.
  expect(lineKey({ ...x! })).not.toBe(lineKey(x!))
})
