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
let lastSorted: { containers: ReadonlyMap<string, Container>; sorted: readonly Container[] } | null = null

/**
 * More changed containers than this and a full sort is cheaper than an
 * insertion each.
 */
const RESORT_LIMIT = 64

export function selectSortedContainers(data: LiveData): readonly Container[] {
  let sorted = sortedCache.get(data.containers)
  if (!sorted) {
    // An event changes one container: move it rather than sort 1000 again.
    sorted =
      (lastSorted && resorted(lastSorted.containers, lastSorted.sorted, data.containers)) ??
      [...data.containers.values()].sort(compareContainers)
    sortedCache.set(data.containers, sorted)
    lastSorted = { containers: data.containers, sorted }
  }
  return sorted
}

/**
 * `before`'s sorted list updated to `after`: the containers that changed or
 * went are taken out, the changed and new ones inserted where they sort.
 * Null when too many changed for that to pay.
 */
function resorted(
  before: ReadonlyMap<string, Container>,
  sorted: readonly Container[],
  after: ReadonlyMap<string, Container>,
): readonly Container[] | null {
  const out = new Set<Container>()
  const into: Container[] = []
  for (const [key, c] of after) {
    const old = before.get(key)
    if (old === c) continue
    if (old) out.add(old)
    into.push(c)
    if (into.length > RESORT_LIMIT) return null
  }
  if (before.size - out.size + into.length !== after.size) {
    for (const [key, old] of before) if (!after.has(key)) out.add(old)
  }
  if (out.size > RESORT_LIMIT) return null
  if (out.size === 0 && into.length === 0) return sorted
  const list = out.size === 0 ? [...sorted] : sorted.filter((c) => !out.has(c))
  for (const c of into) {
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareContainers(list[mid]!, c) <= 0) lo = mid + 1
      else hi = mid
    }
    list.splice(lo, 0, c)
  }
  return list
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
