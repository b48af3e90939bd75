import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { RegexSearch, tooSlowText } from './regexSearch'
import { compileSearch, NO_RANGES } from './search'
import { makeLines } from './testLines'
import { inPageWorker, stuckWorker, type TestWorker } from './testWorker'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function search(source: string, make: () => TestWorker = inPageWorker, more: { limitMs?: number; batchLines?: number; settleMs?: number } = {}) {
  const workers: TestWorker[] = []
  const s = new RegexSearch(source, 'gi', {
    worker: () => {
      const w = make()
      workers.push(w)
      return w
    },
    batchLines: 1000,
    settleMs: 0,
    ...more,
  })
  const heard = vi.fn()
  s.subscribe(heard)
  return { s, workers, heard }
}

test('searches every line in batches off the page, with the same matches as the main thread’s search', async () => {
  const lines = makeLines(4500, 0, {}).map((l, i) => (i % 7 === 0 ? { ...l, text: `\x1b[31m${l.text}\x1b[0m err${i}` } : l))
  const { s, workers } = search('line \\d*9$|err\\d')
  s.setLines(lines)
  expect(s.getState()).toEqual({ matcher: null, pending: true })
  await vi.runAllTimersAsync()
  expect(workers).toHaveLength(1)
  expect(workers[0]!.jobs.map((j) => j.texts.length)).toEqual([1000, 1000, 1000, 1000, 500])
  // The plain text is searched, not the escapes.
  expect(workers[0]!.jobs[0]!.texts[0]).toBe('line 0 err0')
  const state = s.getState()
  expect(state.pending).toBe(false)
  const main = compileSearch('line \\d*9$|err\\d', { regex: true, matchCase: false })!.matcher!
  for (const l of lines) expect(state.matcher!.ranges(l)).toEqual(main.ranges(l))
  s.stop()
})

test('sends only the lines it has not searched; an earlier matcher keeps its answers', async () => {
  const first = makeLines(10)
  const { s, workers } = search('line')
  s.setLines(first)
  await vi.runAllTimersAsync()
  const before = s.getState().matcher!
  const more = [...first, ...makeLines(3, 10)]
  s.setLines(more)
  expect(s.getState().pending).toBe(true)
  await vi.runAllTimersAsync()
  expect(workers[0]!.jobs.map((j) => j.texts)).toEqual([first.map((l) => l.text), ['line 10', 'line 11', 'line 12']])
  expect(s.getState().matcher!.ranges(more[12]!)).toEqual([[0, 4]])
  // A matcher once handed out never changes its answers (collectMatches reuses counts by matcher).
  expect(before.ranges(more[12]!)).toBe(NO_RANGES)
  expect(before.ranges(first[0]!)).toEqual([[0, 4]])
  // The same list again sends nothing.
  s.setLines(more)
  await vi.runAllTimersAsync()
  expect(workers[0]!.jobs).toHaveLength(2)
  s.stop()
})

test('a batch not answered within the time limit ends the worker and says the expression is too slow', async () => {
  const { s, workers, heard } = search('(a+)+$', stuckWorker, { limitMs: 2000 })
  s.setLines(makeLines(1500, 0, { text: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' }))
  await vi.advanceTimersByTimeAsync(1999)
  expect(s.getState().error).toBeUndefined()
  expect(workers[0]!.terminated).toBe(false)
  await vi.advanceTimersByTimeAsync(1)
  expect(workers[0]!.terminated).toBe(true)
  expect(s.getState()).toEqual({ matcher: null, pending: false, error: tooSlowText(1000, 2000) })
  expect(s.getState().error).toMatch(/^Expression too slow: it ran over 2 s on 1,000 lines and was stopped\./)
  expect(heard).toHaveBeenCalled()
  // It stays stopped: more lines start no worker.
  s.setLines(makeLines(5))
  await vi.runAllTimersAsync()
  expect(workers).toHaveLength(1)
})

test('a worker that cannot start, or fails, is an error to show, not a throw', async () => {
  const none = new RegexSearch('x', 'g', {
    settleMs: 0,
    worker: () => {
      throw new ReferenceError('Worker is not defined')
    },
  })
  none.setLines(makeLines(3))
  expect(none.getState()).toEqual({ matcher: null, pending: false, error: 'Cannot search by regular expression here: Worker is not defined' })

  const { s, workers } = search('x', stuckWorker)
  s.setLines(makeLines(3))
  workers[0]!.onerror?.({})
  expect(s.getState().error).toBe('Cannot search by regular expression: the search worker failed')
  expect(workers[0]!.terminated).toBe(true)
  await vi.runAllTimersAsync()
})

test('stopped with a batch under way, it sends that batch again to a new worker', async () => {
  const lines = makeLines(5)
  const { s, workers } = search('line 3')
  s.setLines(lines)
  s.stop()
  expect(workers[0]!.terminated).toBe(true)
  s.setLines(lines)
  await vi.runAllTimersAsync()
  expect(workers).toHaveLength(2)
  expect(workers[1]!.jobs[0]!.texts).toHaveLength(5)
  expect(s.getState().matcher!.ranges(lines[3]!)).toEqual([[0, 6]])
  s.stop()
})

test('sends nothing until the expression has stood still for the settle time', async () => {
  const { s, workers } = search('line', inPageWorker, { settleMs: 300 })
  s.setLines(makeLines(5))
  await vi.advanceTimersByTimeAsync(299)
  expect(workers).toHaveLength(0)
  expect(s.getState().pending).toBe(true)
  await vi.advanceTimersByTimeAsync(1)
  expect(workers).toHaveLength(1)
  await vi.runAllTimersAsync()
  expect(s.getState().pending).toBe(false)
  // Stopped before it settles (the next key came): no worker at all.
  const next = search('line 1', inPageWorker, { settleMs: 300 })
  next.s.setLines(makeLines(5))
  next.s.stop()
  await vi.runAllTimersAsync()
  expect(next.workers).toHaveLength(0)
  s.stop()
})
