import { describe, expect, it } from 'vitest'
import type { LogLine } from '../types'
import { packLines, unpackLines } from './linePack'

const T = (s: number) => `2026-12-02T06:43:${String(s).padStart(2, '0')}.123456789Z`

describe('packLines and unpackLines', () => {
  it('give back the lines as they were: containers, streams, empty and non-ASCII texts, cuts and partial lines', () => {
    const lines: LogLine[] = [
      { engine: 'default', id: 'web', time: T(1), stream: 'stdout', text: 'GET / 200' },
      { engine: 'default', id: 'db', time: T(1), stream: 'stderr', text: '' },
      { engine: 'other', id: 'web', time: T(2), stream: 'stdout', text: 'naïve 🐳 \u001b[32mgreen\u001b[0m', cut: 4096 },
      { engine: 'default', id: 'web', time: T(3), stream: 'stderr', text: 'zero cut', cut: 0 },
      { engine: 'default', id: 'db', time: T(4), stream: 'stdout', text: 'no newline yet', partial: true },
    ]
    const { pack, transfer } = packLines(lines)
    expect(pack.sources).toEqual([
      { engine: 'default', id: 'web' },
      { engine: 'default', id: 'db' },
      { engine: 'other', id: 'web' },
    ])
    expect(transfer).toEqual([pack.source.buffer, pack.ends.buffer])
    // What a postMessage does to it.
    const back = unpackLines(structuredClone(pack, { transfer }))
    expect(back).toEqual(lines)
    expect(back.map((l) => Object.keys(l))).toEqual(lines.map((l) => Object.keys(l)))
    expect(unpackLines(packLines([]).pack)).toEqual([])
  })

  it('refuses a time of another width, and a pack that does not hold its lines', () => {
    expect(() => packLines([{ engine: 'e', id: 'c', time: '2026-12-02T06:43:01Z', stream: 'stdout', text: 'x' }])).toThrow(/pack line 0: time .* is not 30 characters/)
    const { pack } = packLines([{ engine: 'e', id: 'c', time: T(1), stream: 'stdout', text: 'abc' }])
    expect(() => unpackLines({ ...pack, texts: 'ab' })).toThrow(/a pack of 1 lines does not hold them: .* 2 text characters/)
    expect(() => unpackLines({ ...pack, sources: [] })).toThrow(/pack line 0: no container 0 of 0/)
  })
})
