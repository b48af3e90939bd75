// What a logs view is of, from what the table knows: one container, or the
// containers of a compose project on one engine.

import { containerName, type Container, type LogTarget } from '../../live'
import { COMPOSE_PROJECT } from '../tableModel'

/** Most containers one logs socket follows (the server's limit). */
export const MAX_LOG_CONTAINERS = 64

/** One container's logs; removed: it is gone, show what Dockpulse kept of it. */
export function containerTarget(c: Pick<Container, 'engine' | 'id' | 'name'>, removed = false): LogTarget {
  const name = c.name.replace(/^\//, '') || c.id.slice(0, 12)
  return { engine: c.engine, containers: [{ id: c.id, name }], name, ...(removed ? { removed } : {}) }
}

/**
 * A project's containers, oldest first so that each keeps its colour. A
 * socket follows one engine: a project found on several follows the engine
 * with most of its containers (engine names the others).
 */
export function projectTarget(all: readonly Container[], project: string): { target: LogTarget | null; otherEngines: string[] } {
  const mine = all.filter((c) => c.labels[COMPOSE_PROJECT] === project)
  const perEngine = new Map<string, Container[]>()
  for (const c of mine) perEngine.set(c.engine, [...(perEngine.get(c.engine) ?? []), c])
  const [engine, list] = [...perEngine].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0] ?? []
  if (!engine || !list) return { target: null, otherEngines: [] }
  const containers = [...list]
    .sort((a, b) => a.created - b.created || containerName(a).localeCompare(containerName(b)))
    .slice(0, MAX_LOG_CONTAINERS)
    .map((c) => ({ id: c.id, name: containerName(c) }))
  return { target: { engine, containers, name: project }, otherEngines: [...perEngine.keys()].filter((e) => e !== engine) }
}
