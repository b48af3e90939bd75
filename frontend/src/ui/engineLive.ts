// Which engines' pictures are live, per engine: a container, its figures and
// its engine's header entry are live only while the connection to the backend
// is live and that engine is up. One engine down leaves the others live.

import { useMemo, useSyncExternalStore } from 'react'
import { useConnection, useEngines, type EngineInfo } from '../live'

/** Engine status is only as fresh as the connection that reported it. */
export function useConnectionLive(): boolean {
  const { status } = useConnection()
  return status === 'connected' || status === 'polling'
}

/** Whether an engine's picture is live: reported by a live connection, and the engine up. */
export function engineLive(engine: EngineInfo | undefined, connectionLive: boolean): boolean {
  // An engine the backend has not described yet has no status to go by: the connection decides.
  return connectionLive && (engine === undefined || engine.status === 'up')
}

/** The engines whose containers are the last known ones, not live. */
export function useStaleEngines(): ReadonlySet<string> {
  const engines = useEngines()
  const connectionLive = useConnectionLive()
  return useMemo(() => new Set(engines.filter((e) => !engineLive(e, connectionLive)).map((e) => e.engine)), [engines, connectionLive])
}

/** Whether more than one engine is known: then everything names its engine. */
export function useManyEngines(): boolean {
  return useEngines().length > 1
}

// With one engine, the engine column is there when the user asks for it
// (in the settings); the choice is remembered in the browser's storage.

const COLUMN_KEY = 'dockpulse.engineColumn'
const listeners = new Set<() => void>()
let alwaysColumn: boolean | null = null

function readColumn(): boolean {
  if (alwaysColumn === null) {
    try {
      alwaysColumn = localStorage.getItem(COLUMN_KEY) === 'on'
    } catch {
      alwaysColumn = false
    }
  }
  return alwaysColumn
}

export function setEngineColumnAlways(on: boolean): void {
  alwaysColumn = on
  try {
    localStorage.setItem(COLUMN_KEY, on ? 'on' : 'off')
  } catch {
    // Storage may be unavailable: the choice lasts for this page's life.
  }
  listeners.forEach((l) => l())
}

/** Whether the user asked for the engine column even with one engine. */
export function useEngineColumnAlways(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    readColumn,
  )
}

/** For tests: forget the remembered choice as read. */
export function resetEngineColumnSetting(): void {
  alwaysColumn = null
}
