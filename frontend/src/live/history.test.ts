import { describe, expect, it, vi } from 'vitest'
import { container, msg, stats } from '../livetest'
import { StatsHistory } from './history'
import { createLiveStore } from './store'

describe('StatsHistory', () => {
  it('keeps samples oldest first, skips stale ones and is bounded', () => {
    const h = new StatsHistory(3, 2)
    h.record('a', stats({ read: 1000, cpuPercent: 1 }), undefined)
    h.record('a', stats({ read: 1000, cpuPercent: 9 }), undefined) // same read: skipped
    h.record('a', stats({ read: 2000, cpuPercent: 2 }), { netRx: 5, netTx: 6, blockRead: 7, blockWrite: 8 })
    h.record('a', stats({ read: 3000, cpuPercent: 3 }), undefined)
    h.record('a', stats({ read: 4000, cpuPercent: 4 }), undefined)
    const s = h.series('a')!
    expect([...s.time]).toEqual([2, 3, 4])
    expect([...s.cpu]).toEqual([2, 3, 4])
    expect(s.netRx[0]).toBe(5)
    expect(Number.isNaN(s.netRx[1]!)).toBe(true)

    // At most two containers: the least recently updated goes.
    h.record('b', stats({ read: 1000 }), undefined)
    h.record('a', stats({ read: 5000 }), undefined)
    h.record('c', stats({ read: 1000 }), undefined)
    expect(h.series('b')).toBeNull()
    expect(h.series('a')).not.toBeNull()
    expect(h.size).toBe(2)
  })

  it('shows only the last window of time', () => {
    const h = new StatsHistory(400)
    for (let t = 0; t <= 400; t++) h.record('a', stats({ read: t * 1000 }), undefined)
    const s = h.series('a', 300)!
    expect(s.time[0]).toBe(100)
    expect(s.time.length).toBe(301)
  })

  it('hands out the same series until the history changes', () => {
    const h = new StatsHistory()
    h.record('a', stats({ read: 1000 }), undefined)
    const first = h.series('a')
    h.record('a', stats({ read: 1000 }), undefined) // not newer: no change
    expect(h.series('a')).toBe(first)
    expect(h.series('a', 60)).not.toBe(first)
    h.record('a', stats({ read: 2000 }), undefined)
    const second = h.series('a')
    expect(second).not.toBe(first)
    expect([...second!.time]).toEqual([1, 2])
    expect([...first!.time]).toEqual([1])
  })

  it('is fed by the store and forgets removed containers', () => {
    const store = createLiveStore({ scheduler: { request: () => {} } })
    store.dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [container({ id: 'a' })], stats: [stats({ id: 'a', read: 1000 })] }) })
    store.dispatch({ type: 'message', message: msg.stats(2, [stats({ id: 'a', read: 2000 }), stats({ id: 'ghost', read: 2000 })]) })
    expect(store.history.series('local/a')?.time.length).toBe(2)
    expect(store.history.series('local/ghost')).toBeNull()
    store.dispatch({ type: 'message', message: msg.remove(3, 'local', 'a') })
    expect(store.history.series('local/a')).toBeNull()
  })
})

describe('StatsHistory.merge', () => {
  const at = (read: number, extra: Partial<Parameters<typeof stats>[0]> = {}) =>
    stats({ read, cpuPercent: read / 1000, networkRx: read, ...extra })

  it('fills what the page did not see, every read time once, in order', () => {
    const h = new StatsHistory(10)
    // The stream since the load: 4 s and 5 s, the first without rates.
    h.record('a', at(4000), undefined)
    h.record('a', at(5000), { netRx: 1000, netTx: 0, blockRead: 0, blockWrite: 0 })
    // The backend's history: 1 s to 4 s (4 s both ways), then a gap while the socket was down, then 7 s.
    expect(h.merge('a', [at(1000), at(2000), at(3000), at(4000), at(7000)])).toBe(true)
    const s = h.series('a')!
    expect([...s.time]).toEqual([1, 2, 3, 4, 5, 7])
    expect([...s.cpu]).toEqual([1, 2, 3, 4, 5, 7])
    // 4 s had no rate on the page; the backend's history has its predecessor.
    expect(s.netRx[3]).toBe(1000)
    expect(Number.isNaN(s.netRx[0]!)).toBe(true)
    // Merging the same again changes nothing, and hands out the same series.
    expect(h.merge('a', [at(1000), at(2000), at(3000), at(4000), at(7000)])).toBe(false)
    expect(h.series('a')).toBe(s)
    // Later live samples go on after the merged ones.
    h.record('a', at(6000), undefined) // older than the newest kept: dropped
    h.record('a', at(8000), undefined)
    expect([...h.series('a')!.time]).toEqual([1, 2, 3, 4, 5, 7, 8])
  })

  it("keeps the stream's values where both have a sample", () => {
    const h = new StatsHistory(10)
    h.record('a', at(2000, { cpuPercent: 50 }), undefined)
    h.merge('a', [at(1000), at(2000, { cpuPercent: 49 })])
    expect([...h.series('a')!.cpu]).toEqual([1, 50])
  })

  it('starts a history from the backend alone, within the bounds', () => {
    const h = new StatsHistory(3, 1)
    h.record('b', at(1000), undefined)
    expect(h.merge('a', [at(1000), at(2000), at(3000), at(4000), at(5000)])).toBe(true)
    const s = h.series('a')!
    expect([...s.time]).toEqual([3, 4, 5])
    expect(s.memoryLimit).toBe(at(5000).memoryLimit)
    expect(h.size).toBe(1) // b made room
    expect(h.merge('c', [])).toBe(false)
    expect(h.series('c')).toBeNull()
  })

  it('is applied by the store for known containers only, and commits', () => {
    const listener = vi.fn()
    const store = createLiveStore({ scheduler: { request: (commit) => commit() } })
    store.dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [container({ id: 'a' })] }) })
    store.subscribe(listener)
    store.dispatch({ type: 'history', key: 'local/ghost', samples: [at(1000)] })
    expect(listener).not.toHaveBeenCalled()
    store.dispatch({ type: 'history', key: 'local/a', samples: [at(1000), at(2000)] })
    expect(listener).toHaveBeenCalledTimes(1)
    expect([...store.history.series('local/a')!.time]).toEqual([1, 2])
  })
})
