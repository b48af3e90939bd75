// The live store: a pure reducer over protocol messages, and a tiny external
// store around it that React reads through useSyncExternalStore (hooks.ts).
//
// Rules:
//   - A snapshot replaces everything and sets lastSeq.
//   - Each delta must carry lastSeq + 1. Anything else (or a delta before the
//     first snapshot) is a gap: the delta is not applied, the state is marked
//     unsynced, and the caller must resync (reconnect for a fresh snapshot).
//   - A heartbeat carries the current seq without advancing it; one that
//     disagrees with lastSeq also reveals a gap (a lost trailing delta).
//   - Stats are kept only for running containers.
//   - Events are newest first and bounded by MAX_EVENTS.
//
// State objects are immutable: every change produces new Maps/arrays, so
// React can compare by reference.

import { keyOf } from './protocol'
import type {
  ConnectionState,
  Container,
  DeltaMessage,
  DockerEvent,
  EngineInfo,
  Hello,
  ServerMessage,
  Snapshot,
  Stats,
} from './types'

/** How many recent events the store keeps. */
export const MAX_EVENTS = 500

export interface LiveData {
  /** True once a snapshot has been applied and no gap was seen since. */
  synced: boolean
  /** seq of the last applied snapshot or delta. */
  lastSeq: number
  /** The current connection's hello, null before the first. */
  hello: Hello | null
  /** Containers keyed `engine/id`. */
  containers: ReadonlyMap<string, Container>
  /** Latest sample of each running container, keyed `engine/id`. */
  stats: ReadonlyMap<string, Stats>
  /** Engines keyed by engine name. */
  engines: ReadonlyMap<string, EngineInfo>
  /** Recent events, newest first, at most MAX_EVENTS. */
  events: readonly DockerEvent[]
}

export const emptyLiveData: LiveData = Object.freeze({
  synced: false,
  lastSeq: 0,
  hello: null,
  containers: new Map(),
  stats: new Map(),
  engines: new Map(),
  events: [],
})

/** A missed message: expected is null when no snapshot was applied yet. */
export interface Gap {
  expected: number | null
  got: number
  type: string
}

export type ApplyResult = { ok: true; state: LiveData } | { ok: false; gap: Gap; state: LiveData }

export type SequenceCheck =
  | { kind: 'snapshot' }
  /** Does not touch seq: hello, heartbeat. */
  | { kind: 'control' }
  | { kind: 'delta' }
  | { kind: 'gap'; gap: Gap }

/**
 * Classifies a message against the sequence seen so far. Shared by the store
 * and by WebSocketSource, which tracks its own stream so it can resync
 * without waiting for the store.
 */
export function checkSequence(synced: boolean, lastSeq: number, msg: ServerMessage): SequenceCheck {
  switch (msg.type) {
    case 'snapshot':
      return { kind: 'snapshot' }
    case 'hello':
      return { kind: 'control' }
    case 'heartbeat':
      if (synced && msg.seq !== lastSeq) {
        return { kind: 'gap', gap: { expected: lastSeq, got: msg.seq, type: msg.type } }
      }
      return { kind: 'control' }
    default:
      if (!synced) return { kind: 'gap', gap: { expected: null, got: msg.seq, type: msg.type } }
      if (msg.seq !== lastSeq + 1) {
        return { kind: 'gap', gap: { expected: lastSeq + 1, got: msg.seq, type: msg.type } }
      }
      return { kind: 'delta' }
  }
}

function isRunning(c: Container | undefined): boolean {
  return c !== undefined && c.state === 'running'
}

function newestFirst(a: DockerEvent, b: DockerEvent): number {
  return b.timeNano - a.timeNano
}

/** Replaces the whole picture with a snapshot. */
export function applySnapshot(state: LiveData, snapshot: Snapshot): LiveData {
  const containers = new Map<string, Container>()
  for (const c of snapshot.containers) containers.set(keyOf(c), c)

  const stats = new Map<string, Stats>()
  for (const s of snapshot.stats) {
    const key = keyOf(s)
    if (isRunning(containers.get(key))) stats.set(key, s)
  }

  const engines = new Map<string, EngineInfo>()
  for (const e of snapshot.engines) engines.set(e.engine, e)

  const events = [...snapshot.events].sort(newestFirst).slice(0, MAX_EVENTS)

  return { synced: true, lastSeq: snapshot.seq, hello: state.hello, containers, stats, engines, events }
}

/**
 * Applies one message. On a gap the delta is dropped and the returned state is
 * marked unsynced, so that every later delta is a gap too until a snapshot.
 */
export function applyMessage(state: LiveData, msg: ServerMessage): ApplyResult {
  if (msg.type === 'snapshot') return { ok: true, state: applySnapshot(state, msg.data) }
  const check = checkSequence(state.synced, state.lastSeq, msg)
  switch (check.kind) {
    case 'gap':
      return { ok: false, gap: check.gap, state: state.synced ? { ...state, synced: false } : state }
    case 'snapshot': // handled above
      return { ok: true, state }
    case 'control':
      return { ok: true, state: msg.type === 'hello' ? { ...state, hello: msg.data } : state }
    case 'delta':
      return { ok: true, state: { ...applyDelta(state, msg as DeltaMessage), lastSeq: msg.seq } }
  }
}

function applyDelta(state: LiveData, msg: DeltaMessage): LiveData {
  switch (msg.type) {
    case 'container.upsert': {
      const key = keyOf(msg.data)
      const containers = new Map(state.containers).set(key, msg.data)
      let stats = state.stats
      if (!isRunning(msg.data) && stats.has(key)) {
        const next = new Map(stats)
        next.delete(key)
        stats = next
      }
      return { ...state, containers, stats }
    }
    case 'container.remove': {
      const key = keyOf(msg.data)
      if (!state.containers.has(key) && !state.stats.has(key)) return state
      const containers = new Map(state.containers)
      containers.delete(key)
      const stats = new Map(state.stats)
      stats.delete(key)
      return { ...state, containers, stats }
    }
    case 'stats': {
      if (msg.data.samples.length === 0) return state
      const stats = new Map(state.stats)
      for (const s of msg.data.samples) {
        const key = keyOf(s)
        // A sample racing a stop (or naming a container we never saw) has no
        // row to show and would outlive the container.
        if (isRunning(state.containers.get(key))) stats.set(key, s)
      }
      return { ...state, stats }
    }
    case 'event': {
      const events = [msg.data, ...state.events]
      if (events.length > MAX_EVENTS) events.length = MAX_EVENTS
      return { ...state, events }
    }
    case 'engine':
      return applyEngine(state, msg.data)
    case 'unknown':
      return state
  }
}

/**
 * An engine message carries the engine's complete facts and status. While an
 * engine is not up nothing about it is live, so its samples go: showing the
 * last numbers would present stale data as live.
 */
function applyEngine(state: LiveData, info: EngineInfo): LiveData {
  const engines = new Map(state.engines).set(info.engine, info)
  if (info.status === 'up') return { ...state, engines }
  let stats = state.stats
  for (const [key, sample] of state.stats) {
    if (sample.engine !== info.engine) continue
    if (stats === state.stats) stats = new Map(state.stats)
    ;(stats as Map<string, Stats>).delete(key)
  }
  return { ...state, engines, stats }
}

// ---------------------------------------------------------------------------
// External store

export interface StoreState {
  data: LiveData
  connection: ConnectionState
}

export type StoreAction =
  | { type: 'message'; message: ServerMessage }
  | { type: 'connection'; connection: ConnectionState }
  /** Forget all data (e.g. switching backends). */
  | { type: 'reset' }

export type DispatchResult = { ok: true } | { ok: false; gap: Gap }

/**
 * Schedules a commit. The default uses requestAnimationFrame, so that however
 * fast messages arrive, React renders at most once per frame; tests inject a
 * manual one.
 */
export interface FrameScheduler {
  request(commit: () => void): void
}

export const animationFrameScheduler: FrameScheduler = {
  request(commit) {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => commit())
    else setTimeout(commit, 16)
  },
}

export interface LiveStore {
  /** The committed state: what React renders. Stable between commits. */
  getState(): StoreState
  subscribe(listener: () => void): () => void
  /**
   * Applies an action to the working state at once (so gaps are reported
   * synchronously) and schedules one commit per frame for listeners.
   */
  dispatch(action: StoreAction): DispatchResult
  /** Commits pending changes now. */
  flush(): void
}

export interface LiveStoreOptions {
  scheduler?: FrameScheduler
  /** Initial connection state; defaults to connecting since now. */
  connection?: ConnectionState
  data?: LiveData
}

export function createLiveStore(options: LiveStoreOptions = {}): LiveStore {
  const scheduler = options.scheduler ?? animationFrameScheduler
  let committed: StoreState = {
    data: options.data ?? emptyLiveData,
    connection: options.connection ?? { status: 'connecting', since: Date.now() },
  }
  let working = committed
  let scheduled = false
  const listeners = new Set<() => void>()

  function flush(): void {
    scheduled = false
    if (working === committed) return
    committed = working
    for (const listener of [...listeners]) listener()
  }

  function schedule(): void {
    if (scheduled) return
    scheduled = true
    // Hidden tabs pause requestAnimationFrame; that only delays the commit,
    // because the working state is already up to date and nothing queues.
    scheduler.request(flush)
  }

  return {
    getState: () => committed,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    dispatch(action) {
      let result: DispatchResult = { ok: true }
      switch (action.type) {
        case 'message': {
          const applied = applyMessage(working.data, action.message)
          if (applied.state !== working.data) working = { ...working, data: applied.state }
          if (!applied.ok) result = { ok: false, gap: applied.gap }
          break
        }
        case 'connection':
          if (!sameConnection(working.connection, action.connection)) {
            working = { ...working, connection: action.connection }
          }
          break
        case 'reset':
          working = { ...working, data: emptyLiveData }
          break
      }
      if (working !== committed) schedule()
      return result
    },
    flush,
  }
}

function sameConnection(a: ConnectionState, b: ConnectionState): boolean {
  if (a === b) return true
  const ka = Object.keys(a) as (keyof ConnectionState)[]
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => a[k] === b[k])
}

// ---------------------------------------------------------------------------
// Selectors (memoized per state object, so hooks can return them directly)

const sortedCache = new WeakMap<ReadonlyMap<string, Container>, readonly Container[]>()

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

export function selectSortedContainers(data: LiveData): readonly Container[] {
  let sorted = sortedCache.get(data.containers)
  if (!sorted) {
    sorted = [...data.containers.values()].sort(compareContainers)
    sortedCache.set(data.containers, sorted)
  }
  return sorted
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
