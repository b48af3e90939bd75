import { describe, expect, it } from 'vitest'
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
