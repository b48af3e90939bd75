// PollingSource, the pull source: fetches a full snapshot every 2 s. The
// fallback while push is down.

import { errorText } from './errors'
import { snapshotMessage } from './protocol'
import type { LiveSource, SourceSink } from './source'
import type { Snapshot } from './types'

export type PollStatus =
  | { kind: 'ok'; at: number }
  /** httpStatus: the backend's HTTP status, when it answered (401: the token is no longer valid). */
  | { kind: 'failed'; at: number; reason: string; httpStatus?: number }

export interface PollingSourceOptions {
  /** Fetches a full snapshot: a bound method in Wails, GET /api/snapshot in a browser. */
  fetchSnapshot: () => Promise<Snapshot>
  /** Pause between the end of one poll and the start of the next; default 2000 ms. */
  intervalMs?: number
  /** A poll that takes longer fails; default 5000 ms. */
  timeoutMs?: number
  now?: () => number
}

export class PollingSource implements LiveSource<PollStatus> {
  private readonly fetchSnapshot: () => Promise<Snapshot>
  private readonly intervalMs: number
  private readonly timeoutMs: number
  private readonly now: () => number
  private sink: SourceSink<PollStatus> | null = null
  private generation = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(options: PollingSourceOptions) {
    this.fetchSnapshot = options.fetchSnapshot
    this.intervalMs = options.intervalMs ?? 2000
    this.timeoutMs = options.timeoutMs ?? 5000
    this.now = options.now ?? Date.now
  }

  get running(): boolean {
    return this.sink !== null
  }

  /** Pause between polls: how old polled data can be. */
  get interval(): number {
    return this.intervalMs
  }

  start(sink: SourceSink<PollStatus>): void {
    if (this.sink) throw new Error('PollingSource already started')
    this.sink = sink
    void this.poll(++this.generation)
  }

  stop(): void {
    this.sink = null
    this.generation++
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private async poll(gen: number): Promise<void> {
    this.timer = null
    let snapshot: Snapshot
    let failure: string | null = null
    let httpStatus: number | undefined
    try {
      snapshot = await withTimeout(this.fetchSnapshot(), this.timeoutMs)
    } catch (err) {
      failure = errorText(err)
      const status = (err as { status?: unknown } | null)?.status
      if (typeof status === 'number') httpStatus = status
    }
    // A poll that resolves after stop() must not overwrite fresher push data.
    if (gen !== this.generation || !this.sink) return
    if (failure === null) {
      this.sink.message(snapshotMessage(snapshot!))
      this.sink.status({ kind: 'ok', at: this.now() })
    } else {
      this.sink.status({ kind: 'failed', at: this.now(), reason: failure, ...(httpStatus ? { httpStatus } : {}) })
    }
    if (gen === this.generation && this.sink) {
      this.timer = setTimeout(() => void this.poll(gen), this.intervalMs)
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        clearTimeout(timer)
        // Keep the error itself: it may carry an HTTP status.
        reject(err instanceof Error ? err : new Error(errorText(err)))
      },
    )
  })
}
