// React access to the live store. Components read the store only through
// these hooks; they never touch a transport.

import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react'
import { keyOf } from './protocol'
import { selectEngines, selectSortedContainers, type LiveData, type LiveStore, type StoreState } from './store'
import type { ConnectionState, Container, DockerEvent, EngineInfo, Stats } from './types'

const StoreContext = createContext<LiveStore | null>(null)

export interface LiveProviderProps {
  store: LiveStore
  /**
   * Starts whatever feeds the store (normally a LiveConnection) and returns
   * how to stop it. Run in an effect, so StrictMode's double mount opens and
   * closes a first connection before the real one.
   */
  connect?: (store: LiveStore) => () => void
  children?: ReactNode
}

export function LiveProvider({ store, connect, children }: LiveProviderProps) {
  useEffect(() => (connect ? connect(store) : undefined), [store, connect])
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>
}

export function useLiveStore(): LiveStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('live hooks need a <LiveProvider>')
  return store
}

/**
 * Subscribes to a slice of the store. The selector must return the same
 * object for the same state (a field, or a memoized selector from store.ts),
 * or React re-renders forever.
 */
export function useLiveSelector<T>(selector: (state: StoreState) => T): T {
  const store = useLiveStore()
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()))
}

export function useLiveData(): LiveData {
  return useLiveSelector((s) => s.data)
}

/** Containers, running first then by name. */
export function useContainers(): readonly Container[] {
  return useLiveSelector((s) => selectSortedContainers(s.data))
}

/** Latest sample per running container, keyed `engine/id`. */
export function useStats(): ReadonlyMap<string, Stats> {
  return useLiveSelector((s) => s.data.stats)
}

export interface ContainerRow {
  key: string
  container: Container
  stats: Stats | undefined
}

/** Sorted containers joined with their latest stats. */
export function useContainerRows(): readonly ContainerRow[] {
  const containers = useContainers()
  const stats = useStats()
  return useMemo(
    () =>
      containers.map((container) => {
        const key = keyOf(container)
        return { key, container, stats: stats.get(key) }
      }),
    [containers, stats],
  )
}

export function useEngines(): readonly EngineInfo[] {
  return useLiveSelector((s) => selectEngines(s.data))
}

/** Recent events, newest first. */
export function useEvents(): readonly DockerEvent[] {
  return useLiveSelector((s) => s.data.events)
}

export function useConnection(): ConnectionState {
  return useLiveSelector((s) => s.connection)
}

/** False until the first snapshot, and after a gap until the next one. */
export function useSynced(): boolean {
  return useLiveSelector((s) => s.data.synced)
}
