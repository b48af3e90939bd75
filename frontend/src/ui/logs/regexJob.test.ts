import { expect, test } from 'vitest'
import { regexRunner } from './regexJob'
import { MAX_PER_LINE } from './search'

test('answers each match as (text index, start, end), empty matches stepped over, at most MAX_PER_LINE a line', () => {
  const run = regexRunner()
  const r = run({ id: 7, source: 'x+', flags: 'gi', texts: ['axxb X', 'none', '', 'x'] })
  expect(r.id).toBe(7)
  expect([...r.hits!]).toEqual([0, 1, 3, 0, 5, 6, 3, 0, 1])
  expect([...run({ id: 8, source: 'x*', flags: 'g', texts: ['abc'] }).hits!]).toEqual([])
  expect(run({ id: 9, source: '.', flags: 'g', texts: ['y'.repeat(5000)] }).hits).toHaveLength(3 * MAX_PER_LINE)
})

test('match case is the flags’ business, and a new expression replaces the last', () => {
  const run = regexRunner()
  expect([...run({ id: 1, source: 'A', flags: 'g', texts: ['aA'] }).hits!]).toEqual([0, 1, 2])
  expect([...run({ id: 2, source: 'A', flags: 'gi', texts: ['aA'] }).hits!]).toEqual([0, 0, 1, 0, 1, 2])
  expect([...run({ id: 3, source: '^a', flags: 'gi', texts: ['aA'] }).hits!]).toEqual([0, 0, 1])
})

test('an expression it cannot build is an answer, not a throw', () => {
  expect(regexRunner()({ id: 4, source: 'a[', flags: 'g', texts: ['a'] })).toEqual({ id: 4, error: expect.stringMatching(/Invalid regular expression/) as unknown })
})
