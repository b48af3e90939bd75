import { describe, expect, it } from 'vitest'
import type { LogLine } from '../types'
import { LogBuffer } from './buffer'

const T = (s: number) => `2026-12-02T06:43:${String(s).padStart(2, '0')}.000000000Z`
const l = (s: number, text = `${s}`, id = 'a', partial = false): LogLine => ({
  engine: 'default',
  id,
  time: T(s),
  stream: 'stdout',
  text,
  ...(partial ? { partial } : {}),
})
const texts = (b: LogBuffer) => b.snapshot().map((x) => x.text)

describe('LogBuffer', () => {
  it('merges containers’ lines by time, same-time lines in arrival order', () => {
    const b = new LogBuffer()
    expect(b.add([l(1, 'a1'), l(3, 'a3')])).toBe(2)
    expect(b.add([l(2, 'b2', 'b'), l(3, 'b3', 'b'), l(4, 'b4', 'b')])).toBe(3)
    expect(texts(b)).toEqual(['a1', 'b2', 'a3', 'b3', 'b4'])
  })

  it('sorts a batch that is out of order, and keeps its same-time lines in order', () => {
    const b = new LogBuffer()
    b.add([l(5, 'x'), l(2, 'y'), l(5, 'z'), l(1, 'w')])
    expect(texts(b)).toEqual(['w', 'y', 'x', 'z'])
  })

  it('drops a line it holds (same container, time and text), not one of another container', () => {
    const b = new LogBuffer()
    b.add([l(1), l(2, 'same')])
    expect(b.add([l(2, 'same'), l(2, 'same', 'b'), l(3)])).toBe(2)
    expect(texts(b)).toEqual(['1', 'same', 'same', '3'])
    expect(b.add([l(1), l(2, 'same')])).toBe(0)
  })

  it('replaces a partial last line by the whole line', () => {
    const b = new LogBuffer()
    b.add([l(1), l(2, 'half', 'a', true)])
    const v = b.version
    b.add([l(2, 'half and the rest')])
    expect(texts(b)).toEqual(['1', 'half and the rest'])
    expect(b.version).toBeGreaterThan(v)
  })

  it('keeps the newest bound lines and counts those dropped; the snapshot changes only with the lines', () => {
    const b = new LogBuffer(3)
    b.add([l(1), l(2)])
    const first = b.snapshot()
    expect(b.snapshot()).toBe(first)
    b.add([l(3), l(4), l(5)])
    expect(texts(b)).toEqual(['3', '4', '5'])
    expect(b.dropped).toBe(2)
    expect(b.full).toBe(true)
    expect(b.snapshot()).not.toBe(first)
  })

  it('inserts a range in the middle of a large buffer in one pass', () => {
    const b = new LogBuffer()
    const many = Array.from({ length: 50_000 }, (_, i) => ({ ...l(0), time: `2026-12-02T06:43:00.${String(i * 2).padStart(9, '0')}Z`, text: `e${i}` }))
    b.add(many)
    const odd = Array.from({ length: 20_000 }, (_, i) => ({ ...l(0), time: `2026-12-02T06:43:00.${String(i * 2 + 1).padStart(9, '0')}Z`, text: `o${i}` }))
    expect(b.add(odd)).toBe(20_000)
    const times = b.snapshot().map((x) => x.time)
    expect(times).toEqual([...times].sort())
    expect(b.size).toBe(70_000)
  })

  it('holds what a plain sorted list cut to the bound would, across many drops, merges and lookups', () => {
    const bound = 50
    const b = new LogBuffer(bound)
    let model: LogLine[] = []
    let t = 0
    let seed = 7
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    for (let round = 0; round < 400; round++) {
      // Mostly new lines at the end, now and then some a little before the newest held.
      const back = round % 7 === 0 ? rand(5) : 0
      const batch = Array.from({ length: 1 + rand(9) }, (_, i) => ({ ...l(0, `r${round}-${i}`, rand(2) ? 'a' : 'b'), time: `2026-12-02T06:43:00.${String(t - back + i).padStart(9, '0')}Z` }))
      t += batch.length
      b.add(batch)
      model = [...model, ...batch].sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0))
      model = model.slice(Math.max(0, model.length - bound))
      expect(b.size).toBe(model.length)
      expect(b.snapshot().map((x) => x.time)).toEqual(model.map((x) => x.time))
      expect(b.lastTime()).toBe(model.at(-1)!.time)
      for (const id of ['a', 'b']) {
        expect(b.firstOf('default', id)?.time).toBe(model.find((x) => x.id === id)?.time)
        expect(b.lastOf('default', id)?.time).toBe([...model].reverse().find((x) => x.id === id)?.time)
      }
    }
    expect(b.dropped).toBe(t - bound)
  })
})
