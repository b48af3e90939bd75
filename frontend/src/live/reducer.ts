// The pure reducer: how protocol messages change LiveData, the picture of
// every engine the UI renders. The store (store.ts) runs it; nothing here
// keeps state of its own.
//
// Rules:
//   - A snapshot replaces everything and sets lastSeq.
//   - Each delta must carry lastSeq + 1. Anything else (or a delta before the
//     first snapshot) is a gap (checkSequence, protocol.ts): the delta is not
//     applied, the state is marked unsynced, and the caller must resync
//     (reconnect for a fresh snapshot).
//   - A heartbeat carries the current seq without advancing it; one that
//     disagrees with lastSeq also reveals a gap (a lost trailing delta).
//   - Stats are kept only for running and paused containers (a paused one is
//     frozen but holds its memory). When a sample replaces an
//     older one of the same container, the network and block I/O rates
//     between the two are computed (computeRates) and kept beside it.
//   - Events are newest first and bounded by MAX_EVENTS.
//   - An engine message for a new name adds that engine; engine.remove drops
//     an engine with its containers and samples, but not its events.
//
// State objects are immutable: every change produces new Maps/arrays, so
// React can compare by reference.

import { checkSequence, keyOf, type Gap } from './protocol'
import type {
  Container,
  DeltaMessage,
  DockerEvent,
  EngineInfo,
  Hello,
  ServerMessage,
  Rates,
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
  /** Latest sample of each running or paused container, keyed `engine/id`. */
  stats: ReadonlyMap<string, Stats>
  /** I/O rates between the latest two samples, keyed like stats. */
  rates: ReadonlyMap<string, Rates>
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
  rates: new Map(),
  engines: new Map(),
  events: [],
})

export type ApplyResult = { ok: true; state: LiveData } | { ok: false; gap: Gap; state: LiveData }

/** Whether a container is running. */
export function isRunning(c: Container | undefined): boolean {
  return c !== undefined && c.state === 'running'
}

/** Whether a container's samples are kept: running, or paused (frozen, holding its memory). */
export function isSampled(c: Container | undefined): boolean {
  return c !== undefined && (c.state === 'running' || c.state === 'paused')
}

function newestFirst(a: DockerEvent, b: DockerEvent): number {
  return b.timeNano - a.timeNano
}

/**
 * Bytes per second between two samples of one container, or undefined when
 * they cannot be compared (no earlier sample, same or older read time).
 * Counters restart from zero with the container; a counter that went down
 * gives a rate of 0 rather than a negative one.
 */
export function computeRates(prev: Stats | undefined, next: Stats): Rates | undefined {
  if (!prev || !(next.read > prev.read)) return undefined
  const seconds = (next.read - prev.read) / 1000
  const rate = (before: number, after: number) => (after >= before ? (after - before) / seconds : 0)
  return {
    netRx: rate(prev.networkRx, next.networkRx),
    netTx: rate(prev.networkTx, next.networkTx),
    blockRead: rate(prev.blockRead, next.blockRead),
    blockWrite: rate(prev.blockWrite, next.blockWrite),
  }
}

/** Stores a new sample and, when it is newer than the last, the rates since it. */
function putSample(
  stats: Map<string, Stats>,
  rates: Map<string, Rates>,
  prevStats: ReadonlyMap<string, Stats>,
  prevRates: ReadonlyMap<string, Rates>,
  key: string,
  sample: Stats,
): void {
  const prev = prevStats.get(key)
  stats.set(key, sample)
  const r = computeRates(prev, sample)
  if (r) rates.set(key, r)
  else if (prev && prev.read === sample.read && prevRates.has(key)) rates.set(key, prevRates.get(key)!)
  else rates.delete(key)
}

/** Replaces the whole picture with a snapshot. */
export function applySnapshot(state: LiveData, snapshot: Snapshot): LiveData {
  const containers = new Map<string, Container>()
  for (const c of snapshot.containers) containers.set(keyOf(c), c)

  const engines = new Map<string, EngineInfo>()
  for (const e of snapshot.engines) engines.set(e.engine, e)

  const stats = new Map<string, Stats>()
  const rates = new Map<string, Rates>()
  for (const s of snapshot.stats) {
    const key = keyOf(s)
    if (isSampled(containers.get(key)) && sampling(engines, s.engine)) putSample(stats, rates, state.stats, state.rates, key, s)
  }

  const events = [...snapshot.events].sort(newestFirst).slice(0, MAX_EVENTS)

  return { synced: true, lastSeq: snapshot.seq, hello: state.hello, containers, stats, rates, engines, events }
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
      if (!isSampled(msg.data) && (state.stats.has(key) || state.rates.has(key))) {
        return { ...state, containers, ...withoutSamples(state, (k) => k === key) }
      }
      return { ...state, containers }
    }
    case 'container.remove': {
      const key = keyOf(msg.data)
      if (!state.containers.has(key) && !state.stats.has(key)) return state
      const containers = new Map(state.containers)
      containers.delete(key)
      return { ...state, containers, ...withoutSamples(state, (k) => k === key) }
    }
    case 'stats': {
      if (msg.data.samples.length === 0) return state
      const stats = new Map(state.stats)
      const rates = new Map(state.rates)
      for (const s of msg.data.samples) {
        const key = keyOf(s)
        // A sample racing a stop (or naming a container we never saw) has no
        // row to show and would outlive the container.
        // Nor has one of an engine that is not up: its figures are not live.
        if (isSampled(state.containers.get(key)) && sampling(state.engines, s.engine)) {
          putSample(stats, rates, state.stats, state.rates, key, s)
        }
      }
      return { ...state, stats, rates }
    }
    case 'event': {
      const events = [msg.data, ...state.events]
      if (events.length > MAX_EVENTS) events.length = MAX_EVENTS
      return { ...state, events }
    }
    case 'engine':
      return applyEngine(state, msg.data)
    case 'engine.remove':
      return removeEngine(state, msg.data.engine)
    case 'unknown':
      return state
  }
}

/**
 * Whether an engine's samples are live: it is up (or not described, which a
 * backend without engine facts does not do). A sample of an engine that is
 * down or connecting would show its last figures as live ones.
 */
function sampling(engines: ReadonlyMap<string, EngineInfo>, engine: string): boolean {
  const info = engines.get(engine)
  return info === undefined || info.status === 'up'
}

/**
 * An engine message carries the engine's complete facts and status. While an
 * engine is not up nothing about it is live, so its samples go: showing the
 * last numbers would present stale data as live.
 */
function applyEngine(state: LiveData, info: EngineInfo): LiveData {
  const engines = new Map(state.engines).set(info.engine, info)
  if (info.status === 'up') return { ...state, engines }
  const prefix = `${info.engine}/`
  return { ...state, engines, ...withoutSamples(state, (key) => key.startsWith(prefix)) }
}

/**
 * An engine no longer watched goes with all its containers, samples and
 * status. Its events stay: they are history.
 */
function removeEngine(state: LiveData, engine: string): LiveData {
  const prefix = `${engine}/`
  const mine = (key: string) => key.startsWith(prefix)
  if (!state.engines.has(engine) && ![...state.containers.keys()].some(mine)) return state
  const engines = new Map(state.engines)
  engines.delete(engine)
  const containers = new Map(state.containers)
  for (const key of state.containers.keys()) if (mine(key)) containers.delete(key)
  return { ...state, engines, containers, ...withoutSamples(state, mine) }
}

/** stats and rates without the entries whose key matches; the same maps when none does. */
function withoutSamples(state: LiveData, drop: (key: string) => boolean): Pick<LiveData, 'stats' | 'rates'> {
  let stats = state.stats
  let rates = state.rates
  for (const key of state.stats.keys()) {
    if (!drop(key)) continue
    if (stats === state.stats) stats = new Map(state.stats)
    ;(stats as Map<string, Stats>).delete(key)
  }
  for (const key of state.rates.keys()) {
    if (!drop(key)) continue
    if (rates === state.rates) rates = new Map(state.rates)
    ;(rates as Map<string, Rates>).delete(key)
  }
  return { stats, rates }
}
