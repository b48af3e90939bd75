// Per-container history of stats samples for the detail panel's charts: the
// last HISTORY_SECONDS at the backend's 1 s resolution, in fixed-size ring
// buffers (typed arrays, no garbage per sample). The number of containers with
// history is bounded too, so memory stays flat however long the app runs and
// however many containers come and go.
//
// The stream brings samples from the moment the page connects; the backend
// keeps the last minutes too (GET .../history), which merge() folds in: a
// sample is known by its read time, so one that came both ways is kept
// once, and those the page missed (before it loaded, while the socket was
// down) fill their places in time.

import { computeRates } from './reducer'
import type { Container, Rates, Stats } from './types'

/** How much history a chart shows. */
export const HISTORY_SECONDS = 300
/** Points kept per container: one a second, plus slack for jittery read times. */
export const HISTORY_POINTS = 330
/** Containers with history at most; the least recently updated go first. */
export const MAX_HISTORIES = 1200

/** The fields a chart can show, in ring order. */
export const SERIES_FIELDS = ['cpu', 'memory', 'netRx', 'netTx', 'blockRead', 'blockWrite'] as const
export type SeriesField = (typeof SERIES_FIELDS)[number]

/** One container's history, oldest first: time in Unix seconds, rates in bytes/s, memory in bytes. */
export interface Series {
  time: Float64Array
  cpu: Float64Array
  memory: Float64Array
  /** Memory limit of the newest sample (0: none). */
  memoryLimit: number
  /** NaN where no rate could be computed (the first sample). */
  netRx: Float64Array
  netTx: Float64Array
  blockRead: Float64Array
  blockWrite: Float64Array
}

/** A sample's values in SERIES_FIELDS order; NaN for rates it has none of. */
function rowOf(sample: Stats, rates: Rates | undefined): number[] {
  return [
    sample.cpuPercent,
    sample.memoryUsage,
    rates?.netRx ?? NaN,
    rates?.netTx ?? NaN,
    rates?.blockRead ?? NaN,
    rates?.blockWrite ?? NaN,
  ]
}

class Ring {
  readonly time: Float64Array
  readonly values: Float64Array[]
  start = 0
  length = 0
  version = 0
  memoryLimit = 0
  /** The last series handed out, kept until the ring changes. */
  cached: { version: number; seconds: number; series: Series } | null = null

  constructor(readonly capacity: number) {
    this.time = new Float64Array(capacity)
    this.values = SERIES_FIELDS.map(() => new Float64Array(capacity))
  }

  get lastTime(): number {
    return this.length === 0 ? -Infinity : this.time[(this.start + this.length - 1) % this.capacity]!
  }

  push(t: number, row: readonly number[]): void {
    let i: number
    if (this.length < this.capacity) {
      i = (this.start + this.length) % this.capacity
      this.length++
    } else {
      i = this.start
      this.start = (this.start + 1) % this.capacity
    }
    this.time[i] = t
    for (let f = 0; f < row.length; f++) this.values[f]![i] = row[f]!
    this.version++
  }
}

export class StatsHistory {
  private readonly rings = new Map<string, Ring>()

  constructor(
    readonly points = HISTORY_POINTS,
    readonly maxContainers = MAX_HISTORIES,
  ) {}

  /** Number of containers that have history. */
  get size(): number {
    return this.rings.size
  }

  /** Appends a sample unless it is not newer than the last one kept. */
  record(key: string, sample: Stats, rates: Rates | undefined): void {
    let ring = this.rings.get(key)
    if (!ring) {
      if (this.rings.size >= this.maxContainers) this.evictOldest()
      ring = new Ring(this.points)
      this.rings.set(key, ring)
    } else if (sample.read <= ring.lastTime * 1000) {
      return
    } else {
      // Map order doubles as recency: move to the end.
      this.rings.delete(key)
      this.rings.set(key, ring)
    }
    ring.memoryLimit = sample.memoryLimit
    ring.push(sample.read / 1000, rowOf(sample, rates))
  }

  /**
   * Folds the backend's history of a container (oldest first) into what the
   * stream brought: every read time once, in order, the newest `points`
   * kept. A sample both sides have keeps the stream's values, but takes the
   * history's rates where the stream had none (the first sample after a
   * load has no predecessor on the page; the backend's history has it).
   * Returns whether anything changed.
   */
  merge(key: string, samples: readonly Stats[]): boolean {
    if (samples.length === 0) return false
    const rows = new Map<number, number[]>()
    let prev: Stats | undefined
    for (const s of samples) {
      if (prev && !(s.read > prev.read)) continue // not in order: not trusted
      rows.set(s.read / 1000, rowOf(s, computeRates(prev, s)))
      prev = s
    }
    const ring = this.rings.get(key)
    let changed = false
    if (ring) {
      for (let j = 0; j < ring.length; j++) {
        const i = (ring.start + j) % ring.capacity
        const t = ring.time[i]!
        const own = ring.values.map((v) => v[i]!)
        const theirs = rows.get(t)
        if (theirs) {
          for (let f = 0; f < own.length; f++) {
            if (Number.isNaN(own[f]!) && !Number.isNaN(theirs[f]!)) changed = true
            else theirs[f] = own[f]!
          }
        } else {
          rows.set(t, own)
        }
      }
      if (rows.size !== ring.length) changed = true
    } else {
      changed = true
    }
    if (!changed) return false
    const merged = new Ring(this.points)
    merged.memoryLimit = ring ? ring.memoryLimit : prev!.memoryLimit
    merged.version = (ring?.version ?? 0) + 1
    const times = [...rows.keys()].sort((a, b) => a - b)
    for (const t of times.slice(-this.points)) merged.push(t, rows.get(t)!)
    if (!ring && this.rings.size >= this.maxContainers) this.evictOldest()
    this.rings.delete(key)
    this.rings.set(key, merged)
    return true
  }

  delete(key: string): void {
    this.rings.delete(key)
  }

  /** Forgets the history of containers that no longer exist. */
  retain(containers: ReadonlyMap<string, Container>): void {
    for (const key of this.rings.keys()) if (!containers.has(key)) this.rings.delete(key)
  }

  clear(): void {
    this.rings.clear()
  }

  /**
   * A copy of the key's last HISTORY_SECONDS, oldest first, or null without
   * history. The same object until the key's history changes, so React can
   * read it as a snapshot; treat it as read-only.
   */
  series(key: string, seconds = HISTORY_SECONDS): Series | null {
    const ring = this.rings.get(key)
    if (!ring || ring.length === 0) return null
    const cached = ring.cached
    if (cached && cached.version === ring.version && cached.seconds === seconds) return cached.series
    const newest = ring.lastTime
    let skip = 0
    while (skip < ring.length && ring.time[(ring.start + skip) % ring.capacity]! < newest - seconds) skip++
    const n = ring.length - skip
    const copy = (src: Float64Array) => {
      const out = new Float64Array(n)
      for (let j = 0; j < n; j++) out[j] = src[(ring.start + skip + j) % ring.capacity]!
      return out
    }
    const [cpu, memory, netRx, netTx, blockRead, blockWrite] = ring.values.map(copy) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ]
    const series = { time: copy(ring.time), cpu, memory, memoryLimit: ring.memoryLimit, netRx, netTx, blockRead, blockWrite }
    ring.cached = { version: ring.version, seconds, series }
    return series
  }

  private evictOldest(): void {
    const oldest = this.rings.keys().next()
    if (!oldest.done) this.rings.delete(oldest.value)
  }
}
