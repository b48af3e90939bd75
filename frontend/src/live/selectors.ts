// Selectors over LiveData and the order containers are listed in. Each is
// memoized per state object, so hooks can return its result directly.

import { isRunning, type LiveData } from './reducer'
import type { Container, EngineInfo } from './types'

/** Display name: Docker's API names start with "/". */
export function containerName(c: Container): string {
  return c.name.startsWith('/') ? c.name.slice(1) : c.name
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Running containers first, then by name; engine and id break ties. */
export function compareContainers(a: Container, b: Container): number {
  const ra = isRunning(a) ? 0 : 1
  const rb = isRunning(b) ? 0 : 1
  if (ra !== rb) return ra - rb
  return (
    collator.compare(containerName(a), containerName(b)) ||
    collator.compare(a.engine, b.engine) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )
}

const sortedCache = new WeakMap<ReadonlyMap<string, Container>, readonly Container[]>()

export function selectSortedContainers(data: LiveData): readonly Container[] {
  let sorted = sortedCache.get(data.containers)
  if (!sorted) {
    sorted = [...data.containers.values()].sort(compareContainers)
    sortedCache.set(data.containers, sorted)
  }
  return sorted
}

const eventsCache = new WeakMap<readonly unknown[], { containers: LiveData['containers']; engines: LiveData['engines']; data: LiveData }>()

/**
 * The data that event lines read (the events, the containers they name, the
 * engines), as one object that stays the same while only stats change: a
 * stats batch is a new LiveData every second, and the events feed need not
 * render again for it. Its stats and rates may be old: do not read them.
 */
export function selectEventsData(data: LiveData): LiveData {
  const last = eventsCache.get(data.events)
  if (last && last.containers === data.containers && last.engines === data.engines) return last.data
  eventsCache.set(data.events, { containers: data.containers, engines: data.engines, data })
  return data
}

const enginesCache = new WeakMap<ReadonlyMap<string, EngineInfo>, readonly EngineInfo[]>()

export function selectEngines(data: LiveData): readonly EngineInfo[] {
  let list = enginesCache.get(data.engines)
  if (!list) {
    list = [...data.engines.values()].sort((a, b) => collator.compare(a.engine, b.engine))
    enginesCache.set(data.engines, list)
  }
  return list
}
