import { describe, expect, it } from 'vitest'
import { container, snapshot } from '../livetest'
import { applySnapshot, emptyLiveData } from './reducer'
import { selectSortedContainers } from './selectors'

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
