import { describe, expect, it } from 'vitest'
import { container, snapshot } from '../livetest'
import { applySnapshot, emptyLiveData } from './reducer'
import { selectEventsData, selectSortedContainers } from './selectors'

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
