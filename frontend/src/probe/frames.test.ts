import { describe, expect, it } from 'vitest'
import { FrameProbe, summarizeFrames, type FrameSummary } from './frames'

describe('summarizeFrames', () => {
  it('counts gaps over 50 ms, the worst and the 99th percentile', () => {
    // 100 frames at 10 ms, then one gap of 60 ms and one of 200 ms.
    const times = Array.from({ length: 100 }, (_, i) => i * 10)
    times.push(990 + 60, 990 + 60 + 200)
    const s = summarizeFrames(times)
    expect(s.frames).toBe(102)
    expect(s.windowMs).toBe(1250)
    expect(s.over50).toBe(2)
    expect(s.worstMs).toBe(200)
    // 101 gaps: nearest rank ceil(0.99*101) = 100th smallest, the 60 ms one.
    expect(s.p99Ms).toBe(60)
  })

  it('does not count a gap of exactly 50 ms as late', () => {
    expect(summarizeFrames([0, 50, 100]).over50).toBe(0)
    expect(summarizeFrames([0, 50.5]).over50).toBe(1)
  })

  it('leaves the gaps unknown with fewer than two frames', () => {
    expect(summarizeFrames([5])).toEqual({ frames: 1, windowMs: 0, over50: 0, worstMs: null, p99Ms: null })
    expect(summarizeFrames([])).toEqual({ frames: 0, windowMs: 0, over50: 0, worstMs: null, p99Ms: null })
  })
})

describe('FrameProbe', () => {
  it('reports back-to-back windows, each gap once, in the window where it ends', () => {
    let pending: FrameRequestCallback | null = null
    const raf = (cb: FrameRequestCallback) => {
      pending = cb
      return 1
    }
    const reports: [FrameSummary, number][] = []
    const probe = new FrameProbe(100, (s, seq) => reports.push([s, seq]), raf)
    probe.start()
    const frame = (t: number) => {
      const cb = pending!
      pending = null
      cb(t)
    }
    for (const t of [0, 20, 40, 60, 80]) frame(t)
    expect(reports).toEqual([])
    frame(180) // a 100 ms gap closes the first window
    for (const t of [200, 220, 240, 260]) frame(t)
    frame(290) // 290 - 180 >= 100: the second window
    expect(reports.map(([s, seq]) => [seq, s.frames, s.windowMs, s.over50, s.worstMs])).toEqual([
      [1, 6, 180, 1, 100],
      [2, 6, 110, 0, 30],
    ])
    probe.stop()
    frame(1000)
    expect(reports).toHaveLength(2)
    expect(pending).toBeNull()
  })

  it('refuses a window that is not positive', () => {
    expect(() => new FrameProbe(0, () => {})).toThrow(/window 0 ms/)
  })
})
