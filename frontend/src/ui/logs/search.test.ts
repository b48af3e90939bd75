import { expect, test } from 'vitest'
import { collectMatches, compileSearch, matchAt, matchNumber, MAX_PER_LINE } from './search'
import type { LogLine } from './types'

const line = (text: string): LogLine => ({ engine: 'e', id: 'c', time: '2026-12-02T06:00:00.000000000Z', stream: 'stdout', text })

test('plain text is literal, case-insensitive unless asked', () => {
  const m = compileSearch('a.b', { regex: false, matchCase: false })!.matcher!
  expect(m.ranges(line('A.B axb a.b'))).toEqual([
    [0, 3],
    [8, 11],
  ])
  expect(compileSearch('A', { regex: false, matchCase: true })!.matcher!.ranges(line('aA'))).toEqual([[1, 2]])
})

test('an empty query searches nothing; an invalid expression is an error, not a throw', () => {
  expect(compileSearch('', { regex: true, matchCase: false })).toBeNull()
  const bad = compileSearch('a[', { regex: true, matchCase: false })
  expect(bad?.matcher).toBeUndefined()
  expect(bad?.error).toMatch(/^Not a valid regular expression: /)
})

test('empty matches are stepped over; a line has at most MAX_PER_LINE matches', () => {
  const empty = compileSearch('x*', { regex: true, matchCase: false })!.matcher!
  expect(empty.ranges(line('axxb'))).toEqual([[1, 3]])
  expect(empty.ranges(line('abc'))).toEqual([])
  const any = compileSearch('.', { regex: true, matchCase: false })!.matcher!
  expect(any.ranges(line('y'.repeat(5000)))).toHaveLength(MAX_PER_LINE)
})

test('match numbers and their lines, both ways', () => {
  const m = compileSearch('x', { regex: false, matchCase: false })!.matcher!
  const list = ['x', 'none', 'x x x', 'none', 'x'].map(line)
  const all = collectMatches(list, m)
  expect(all.total).toBe(5)
  expect([0, 1, 2, 3, 4].map((k) => matchAt(all, k))).toEqual([
    { index: 0, n: 0 },
    { index: 2, n: 0 },
    { index: 2, n: 1 },
    { index: 2, n: 2 },
    { index: 4, n: 0 },
  ])
  expect(matchAt(all, 5)).toBeNull()
  expect(matchNumber(all, 2, 1)).toBe(2)
  // A line without a match: the number of the next match.
  expect(matchNumber(all, 1, 0)).toBe(1)
  expect(matchNumber(all, 3, 0)).toBe(4)
  expect(matchNumber(all, 5, 0)).toBe(5)
})

test('matches collected from the previous list equal matches collected afresh', () => {
  const m = compileSearch('x', { regex: false, matchCase: false })!.matcher!
  const all = Array.from({ length: 300 }, (_, i) => line(i % 7 === 0 ? 'x' : i % 11 === 0 ? 'x and x' : `${i}`))
  const changes: [number, number, number, number][] = [
    [0, 100, 0, 150], // appended
    [0, 100, 40, 160], // appended, the oldest dropped
    [100, 200, 50, 200], // earlier lines loaded
    [0, 300, 120, 300], // only dropped
    [0, 50, 200, 260], // replaced
  ]
  for (const [a, b, c, d] of changes) {
    const before = all.slice(a, b)
    const after = all.slice(c, d)
    const prev = { list: before, matcher: m, matches: collectMatches(before, m) }
    expect(collectMatches(after, m, prev)).toEqual(collectMatches(after, m))
  }
  // Another matcher's matches are not reused.
  const other = compileSearch('and', { regex: false, matchCase: false })!.matcher!
  const list = all.slice(0, 100)
  expect(collectMatches(list, other, { list, matcher: m, matches: collectMatches(list, m) })).toEqual(collectMatches(list, other))
})
