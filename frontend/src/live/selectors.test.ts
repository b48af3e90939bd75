import { describe, expect, it } from 'vitest'
import { container, snapshot } from '../livetest'
import { applySnapshot, emptyLiveData } from './reducer'
import { compareContainers, selectEventsData, selectSortedContainers } from './selectors'

describe('selectSortedContainers', () => {
  it('puts running containers first, then sorts by name', () => {
    const s = applySnapshot(
      emptyLiveData,
      snapshot({
        containers: [
          container({ id: '1', name: 'zeta', state: 'running' }),
          container({ id: '2', name: 'alpha', state: 'exited' }),
          container({ id: '3', name: '/beta', state: 'running' }),
          container({ id: '4', name: 'app10', state: 'running' }),
          container({ id: '5', name: 'app9', state: 'running' }),
        ],
      }),
    )
    expect(selectSortedContainers(s).map((c) => c.id)).toEqual(['5', '4', '3', '1', '2'])
    // memoized per containers map
    expect(selectSortedContainers(s)).toBe(selectSortedContainers(s))
  })
})

describe('selectEventsData', () => {
  it('stays the same object while only stats change, and follows events and containers', () => {
    const s = applySnapshot(emptyLiveData, snapshot({ containers: [container({ id: '1', name: 'web', state: 'running' })] }))
    const first = selectEventsData(s)
    // A stats batch: a new LiveData with new stats, the same events and containers.
    const withStats = { ...s, stats: new Map(s.stats) }
    expect(selectEventsData(withStats)).toBe(first)
    const withEvents = { ...s, events: [...s.events] }
    expect(selectEventsData(withEvents)).toBe(withEvents)
    const withContainers = { ...withEvents, containers: new Map(s.containers) }
    expect(selectEventsData(withContainers)).toBe(withContainers)
  })
})

describe('selectSortedContainers after changes', () => {
  it('equals a full sort after each of many random creations, changes and removals', () => {
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const states = ['running', 'exited', 'paused', 'created'] as const
    const make = (id: number) =>
      container({ id: String(id), name: `app${Math.floor(random() * 50)}`, state: states[Math.floor(random() * states.length)]! })
    let data = applySnapshot(emptyLiveData, snapshot({ containers: Array.from({ length: 200 }, (_, i) => make(i)) }))
    let next = 200
    for (let step = 0; step < 300; step++) {
      const containers = new Map(data.containers)
      // Mostly a few changes (the incremental path), now and then many (the full sort).
      const n = step % 50 === 0 ? 100 : 1 + Math.floor(random() * 4)
      for (let i = 0; i < n; i++) {
        const keys = [...containers.keys()]
        const r = random()
        if (r < 0.2 && keys.length > 0) containers.delete(keys[Math.floor(random() * keys.length)]!)
        else if (r < 0.4) {
          const c = make(next++)
          containers.set(`${c.engine}/${c.id}`, c)
        } else if (keys.length > 0) {
          const key = keys[Math.floor(random() * keys.length)]!
          const c = containers.get(key)!
          containers.set(key, { ...c, state: states[Math.floor(random() * states.length)]! })
        }
      }
      data = { ...data, containers }
      const got = selectSortedContainers(data).map((c) => c.id)
      expect(got).toEqual([...containers.values()].sort(compareContainers).map((c) => c.id))
    }
  })
})
