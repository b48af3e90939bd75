// React access to the live store. Components read the store only through
// these hooks; they never touch a transport.

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type ReactNode,
} from 'react'
import { createActionRunner, type ActionStatus, type PerformAction, type RunAction } from './actions'
import type { Alert } from './alerts'
import type { Series } from './history'
import { keyOf } from './protocol'
import type { LiveData } from './reducer'
import { selectEngines, selectEventsData, selectSortedContainers } from './selectors'
import type { LiveStore, StoreState } from './store'
import type { ConnectionState, Container, ContainerHistory, ContainerKey, EngineInfo, Rates, Stats } from './types'
import { watchVisibility } from './visibility'
import { InspectContext, noInspect, type FetchInspect } from './useInspect'

const StoreContext = createContext<LiveStore | null>(null)
const ActionContext = createContext<RunAction | null>(null)
const HistoryContext = createContext<FetchHistory | null>(null)

/** Reads a container's recent samples from the backend (Backend.history). */
export type FetchHistory = (key: ContainerKey) => Promise<ContainerHistory>

const noBackend: PerformAction = () => Promise.reject(new Error('no backend to act on containers'))

export interface LiveProviderProps {
  store: LiveStore
  /**
   * Starts whatever feeds the store (normally a LiveConnection) and returns
   * how to stop it. Run in an effect, so StrictMode's double mount opens and
   * closes a first connection before the real one.
   */
  connect?: (store: LiveStore) => () => void
  /** Carries out container actions (Backend.containerAction). */
  perform?: PerformAction
  /** Asks for a container's full inspect (Backend.inspect). */
  inspect?: FetchInspect
  /** Asks the desktop host whether the window is minimised (wailsMinimised). */
  isMinimised?: () => Promise<boolean>
  /** Reads the backend's recent samples of a container, for its charts (Backend.history). */
  fetchHistory?: FetchHistory
  children?: ReactNode
}

export function LiveProvider({ store, connect, perform, inspect, isMinimised, fetchHistory, children }: LiveProviderProps) {
  useEffect(() => (connect ? connect(store) : undefined), [store, connect])
  // A hidden or minimised window shows nothing live, whatever is rendered in it.
  useEffect(() => watchVisibility((hidden) => store.view.setHidden(hidden), { isMinimised }), [store, isMinimised])
  const run = useMemo(() => createActionRunner((a) => store.dispatch(a), perform ?? noBackend), [store, perform])
  return (
    <StoreContext.Provider value={store}>
      <ActionContext.Provider value={run}>
        <HistoryContext.Provider value={fetchHistory ?? null}>
          <InspectContext.Provider value={inspect ?? noInspect}>{children}</InspectContext.Provider>
        </HistoryContext.Provider>
      </ActionContext.Provider>
    </StoreContext.Provider>
  )
}

/** Starts a container action; the row shows it pending until the engine confirms. */
export function useRunAction(): RunAction {
  const run = useContext(ActionContext)
  if (!run) throw new Error('live hooks need a <LiveProvider>')
  return run
}

/** Pending and failed actions, keyed `engine/id`. */
export function useActionStatuses(): ReadonlyMap<string, ActionStatus> {
  return useLiveSelector((s) => s.actions)
}

export function useActionStatus(key: string | null): ActionStatus | undefined {
  return useLiveSelector((s) => (key === null ? undefined : s.actions.get(key)))
}

export function useAlerts(): readonly Alert[] {
  return useLiveSelector((s) => s.alerts)
}

export function useDismissAlert(): (id: number) => void {
  const store = useLiveStore()
  return useCallback((id: number) => void store.dispatch({ type: 'alert.dismiss', id }), [store])
}

/** Every notification so far, repeats grouped, oldest first. */
export function useAlertHistory(): readonly Alert[] {
  return useLiveSelector((s) => s.history)
}

/** Containers (`engine/id`) whose alerts are muted. */
export function useMuted(): ReadonlySet<string> {
  return useLiveSelector((s) => s.muted)
}

export function useAlertControls(): { mute: (key: string, muted: boolean) => void; clearHistory: () => void } {
  const store = useLiveStore()
  return useMemo(
    () => ({
      mute: (key: string, muted: boolean) => void store.dispatch({ type: 'alerts.mute', key, muted }),
      clearHistory: () => void store.dispatch({ type: 'alerts.clearHistory' }),
    }),
    [store],
  )
}

/** I/O rates per running container, keyed `engine/id`. */
export function useRates(): ReadonlyMap<string, Rates> {
  return useLiveSelector((s) => s.data.rates)
}

/**
 * The container's recent history (see history.ts), re-read whenever a frame
 * commits. Null without history.
 *
 * With a FetchHistory from the provider it also asks the backend for the
 * minutes the page did not see, and merges them: when the key is first
 * shown (a reload, a newly opened panel), each time push becomes live again
 * (the minutes it was down), and every poll interval while the page polls
 * (the stream's 1 s samples the 2 s snapshots skip). A fetch that fails
 * leaves the charts with what they have; the connection status already says
 * what is wrong with the backend.
 */
export function useStatsHistory(key: string | null): Series | null {
  const store = useLiveStore()
  const fetchHistory = useContext(HistoryContext)
  const container = useLiveSelector((s) => (key === null ? undefined : s.data.containers.get(key)))
  const connection = useLiveSelector((s) => s.connection)
  const engine = container?.engine
  const id = container?.id
  const pollEvery = connection.status === 'polling' ? connection.intervalMs : null
  const reachable = connection.status === 'connected' || connection.status === 'polling'
  useEffect(() => {
    if (!fetchHistory || key === null || engine === undefined || id === undefined || !reachable) return
    let current = true
    const load = () =>
      fetchHistory({ engine, id }).then(
        (h) => {
          if (current) store.dispatch({ type: 'history', key, samples: h.samples })
        },
        () => {},
      )
    void load()
    const timer = pollEvery === null ? undefined : setInterval(() => void load(), pollEvery)
    return () => {
      current = false
      clearInterval(timer)
    }
  }, [store, fetchHistory, key, engine, id, reachable, pollEvery])
  // The history is mutable and lives beside the state; series() hands out the
  // same object until the container's history changes, as a snapshot must.
  return useLiveSelector(() => (key === null ? null : store.history.series(key)))
}

/**
 * Reports the containers one part of the UI shows live (see view.ts), and
 * withdraws them when the part unmounts. A new array with the same
 * containers changes nothing: the registry tells its listeners only about
 * real changes.
 */
export function useReportView(part: string, keys: readonly ContainerKey[]): void {
  const store = useLiveStore()
  useEffect(() => store.view.set(part, keys), [store, part, keys])
  useEffect(() => () => store.view.set(part, null), [store, part])
}

export function useLiveStore(): LiveStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('live hooks need a <LiveProvider>')
  return store
}

/**
 * Subscribes to a slice of the store. The selector must return the same
 * object for the same state (a field, or a memoized selector from selectors.ts),
 * or React re-renders forever.
 */
export function useLiveSelector<T>(selector: (state: StoreState) => T): T {
  const store = useLiveStore()
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()))
}

export function useLiveData(): LiveData {
  return useLiveSelector((s) => s.data)
}

/**
 * The events with the containers and engines they name, unchanged by stats
 * (selectEventsData): what event lines read.
 */
export function useEventsData(): LiveData {
  return useLiveSelector((s) => selectEventsData(s.data))
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
  rates: Rates | undefined
}

const bareCache = new WeakMap<Container, ContainerRow>()
const rowCache = new WeakMap<Container, ContainerRow>()

/**
 * Sorted containers as rows without figures (stats and rates undefined): the
 * same array, and each container the same row object, until the containers
 * change. A stats batch changes nothing here; what reads figures reads them
 * per row (useContainerFigures) or joins them on (useRowsWithFigures).
 */
export function useContainerList(): readonly ContainerRow[] {
  const containers = useContainers()
  return useMemo(
    () =>
      containers.map((container) => {
        let row = bareCache.get(container)
        if (!row) bareCache.set(container, (row = { key: keyOf(container), container, stats: undefined, rates: undefined }))
        return row
      }),
    [containers],
  )
}

/**
 * The rows joined with their latest stats and rates, when `on`; the rows as
 * given (and no subscription to the figures) when not. A row object is reused
 * while its container, sample and rates are the same.
 */
export function useRowsWithFigures(rows: readonly ContainerRow[], on: boolean): readonly ContainerRow[] {
  const stats = useLiveSelector((s) => (on ? s.data.stats : null))
  const rates = useLiveSelector((s) => (on ? s.data.rates : null))
  return useMemo(
    () =>
      stats === null || rates === null
        ? rows
        : rows.map((bare) => {
            const cached = rowCache.get(bare.container)
            const s = stats.get(bare.key)
            const r = rates.get(bare.key)
            if (cached && cached.stats === s && cached.rates === r) return cached
            const row = { key: bare.key, container: bare.container, stats: s, rates: r }
            rowCache.set(bare.container, row)
            return row
          }),
    [rows, stats, rates],
  )
}

/**
 * Sorted containers joined with their latest stats and rates. A row object is
 * reused while its container, sample and rates are the same.
 */
export function useContainerRows(): readonly ContainerRow[] {
  return useRowsWithFigures(useContainerList(), true)
}

/**
 * One container's latest sample and rates: a component reading them renders
 * again only when they change, not for every stats batch.
 */
export function useContainerFigures(key: string): { stats: Stats | undefined; rates: Rates | undefined } {
  const stats = useLiveSelector((s) => s.data.stats.get(key))
  const rates = useLiveSelector((s) => s.data.rates.get(key))
  return useMemo(() => ({ stats, rates }), [stats, rates])
}

export function useEngines(): readonly EngineInfo[] {
  return useLiveSelector((s) => selectEngines(s.data))
}

export function useConnection(): ConnectionState {
  return useLiveSelector((s) => s.connection)
}

/** False until the first snapshot, and after a gap until the next one. */
export function useSynced(): boolean {
  return useLiveSelector((s) => s.data.synced)
}
