// What it costs to add lines to a full buffer: rows that did not change do
// not render again. Each render of a row cuts its line into pieces once
// (rowPieces), so counting those calls counts row renders.

import { act, fireEvent, render, screen } from '@testing-library/react'
import { beforeEach, expect, test, vi } from 'vitest'
import { LogView } from './LogView'
import { rowPieces } from './pieces'
import { makeLines, viewProps } from './testLines'
import type { LogLine } from './types'

vi.mock('./pieces', async (importOriginal) => {
  const real = await importOriginal<typeof import('./pieces')>()
  return { ...real, rowPieces: vi.fn(real.rowPieces) }
})

const BOUND = 100_000

const lines = (from: number, n: number) => makeLines(n, from)
const props = (l: readonly LogLine[]) => viewProps({ lines: l })

const log = () => screen.getByRole('log')
const settle = () => act(() => void fireEvent.scroll(log()))
const rendered = () => vi.mocked(rowPieces).mock.calls.length

beforeEach(() => {
  localStorage.clear()
  vi.mocked(rowPieces).mockClear()
})

test('appending 1,000 lines to 100,000 renders only the rows that come into view', () => {
  const all = lines(0, BOUND + 6000)
  const { rerender } = render(<LogView {...props(all.slice(0, BOUND))} />)
  settle()
  const inView = screen.getAllByRole('listitem').length
  expect(inView).toBeLessThan(100)

  const times: number[] = []
  // The buffer at its bound: each time 1,000 in, the 1,000 oldest out. The first is a warm-up.
  for (let k = 1; k <= 6; k++) {
    vi.mocked(rowPieces).mockClear()
    const t0 = performance.now()
    rerender(<LogView {...props(all.slice(k * 1000, BOUND + k * 1000))} />)
    settle()
    if (k > 1) times.push(performance.now() - t0)
    // Following: the window moved to new lines, so each row in it is new, and renders once.
    expect(rendered()).toBeGreaterThan(0)
    expect(rendered()).toBeLessThanOrEqual(inView)
    expect(screen.getAllByRole('listitem').at(-1)).toHaveTextContent(`line ${BOUND + k * 1000 - 1}`)
  }
  times.sort((a, b) => a - b)
  console.log(`append 1,000 to ${BOUND.toLocaleString()} while following (jsdom): median ${times[2]!.toFixed(1)} ms, at most ${inView} rows rendered`)
})

test('following at the bound, the rows in view stay the same elements and show the new lines', () => {
  const all = lines(0, BOUND + 2000)
  const { rerender } = render(<LogView {...props(all.slice(0, BOUND))} />)
  settle()
  const rows = screen.getAllByRole('listitem')
  // The view's 20 rows (400 px), and two above them.
  expect(rows).toHaveLength(22)
  rerender(<LogView {...props(all.slice(2000, BOUND + 2000))} />)
  settle()
  const after = screen.getAllByRole('listitem')
  expect(after).toHaveLength(rows.length)
  expect(after.filter((r, i) => r !== rows[i])).toEqual([])
  expect(after.at(-1)).toHaveTextContent(`line ${BOUND + 1999}`)
})

test('while paused, appending 1,000 lines renders no row again', () => {
  const all = lines(0, BOUND + 2000)
  const { rerender } = render(<LogView {...props(all.slice(0, BOUND))} />)
  settle()
  act(() => {
    fireEvent.wheel(log())
    log().scrollTop = 500_000
    fireEvent.scroll(log())
  })
  expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused')
  const before = screen.getAllByRole('listitem').map((r) => r.textContent)
  // Paused, twelve rows on each side of the view's 20 are ready for a scroll.
  expect(before).toHaveLength(44)

  vi.mocked(rowPieces).mockClear()
  const t0 = performance.now()
  rerender(<LogView {...props(all.slice(0, BOUND + 1000))} />)
  settle()
  const ms = performance.now() - t0
  expect(rendered()).toBe(0)
  expect(screen.getAllByRole('listitem').map((r) => r.textContent)).toEqual(before)
  expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused: 1,000 new lines')

  // At the bound, the oldest lines go: the rows being read stay, still without rendering again.
  vi.mocked(rowPieces).mockClear()
  rerender(<LogView {...props(all.slice(2000, BOUND + 2000))} />)
  settle()
  expect(rendered()).toBe(0)
  expect(screen.getAllByRole('listitem').map((r) => r.textContent)).toEqual(before)
  expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused: 2,000 new lines')
  console.log(`append 1,000 to ${BOUND.toLocaleString()} while paused: ${rendered()} rows rendered, ${ms.toFixed(1)} ms`)
})
