// The page's side of a logs socket that lives in a worker (socketWorker.ts,
// logs.worker.ts): the same LogsSocketLike as socket.ts's, so the client
// does not know which it has. The worker reads the socket's messages; the
// page answers its URL requests, and turns each pack of lines into lines
// (linePack.ts) and the client's logs.lines. A worker that fails (its
// script does not load, or it throws) is a failed attempt like a dropped
// socket: the status says why, and a new worker starts after the backoff.

import { backoffDelay, type BackoffOptions } from '../backoff'
import { errorText } from '../errors'
import { PROTOCOL_VERSION } from '../types'
import { withoutToken } from '../websocketSource'
import { unpackLines } from './linePack'
import type { LogsSocketLike, LogsSocketSink } from './socket'
import type { FromLogsWorker, ToLogsWorker } from './socketWorker'

/** What the page needs of a worker: the DOM Worker's shape. */
export interface LogsWorker {
  postMessage(message: ToLogsWorker): void
  terminate(): void
  onmessage: ((ev: { data: FromLogsWorker }) => void) | null
  onerror: ((ev: { message?: string }) => void) | null
}

export type LogsWorkerFactory = () => LogsWorker

/** The browser's worker running logs.worker.ts (bundled by Vite as its own file in dist/assets). */
export function browserLogsWorker(): LogsWorker {
  return new Worker(new URL('./logs.worker.ts', import.meta.url), { type: 'module', name: 'logs socket' }) as unknown as LogsWorker
}

export interface WorkerLogsSocketOptions {
  worker: LogsWorkerFactory
  /** The URL (with token) for each attempt, as LogsSocketOptions.url. */
  url: () => Promise<string>
  backoff?: BackoffOptions
  random?: () => number
  now?: () => number
}

export class WorkerLogsSocket implements LogsSocketLike {
  private readonly opts: WorkerLogsSocketOptions
  private readonly now: () => number
  private sink: LogsSocketSink | null = null
  private worker: LogsWorker | null = null
  private generation = 0
  /** Workers that failed in a row. */
  private failures = 0
  private finished = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null

  constructor(options: WorkerLogsSocketOptions) {
    this.opts = options
    this.now = options.now ?? Date.now
  }

  start(sink: LogsSocketSink): void {
    if (this.sink) throw new Error('WorkerLogsSocket already started')
    this.sink = sink
    this.open()
  }

  stop(): void {
    this.sink = null
    this.generation++
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    const w = this.worker
    this.worker = null
    if (!w) return
    w.onmessage = null
    w.onerror = null
    // The worker closes its socket (a clean close the server sees at once) and then itself.
    w.postMessage({ kind: 'stop' })
  }

  finish(): void {
    this.finished = true
    this.worker?.postMessage({ kind: 'finish' })
  }

  private open(): void {
    this.retryTimer = null
    const gen = ++this.generation
    let w: LogsWorker
    try {
      w = this.opts.worker()
    } catch (err) {
      this.fail(`cannot start the logs worker: ${errorText(err)}`)
      return
    }
    this.worker = w
    w.onmessage = (ev) => {
      if (gen === this.generation) this.onWorker(gen, ev.data)
    }
    w.onerror = (ev) => {
      if (gen === this.generation) this.drop(`the logs worker failed: ${ev.message || 'its script did not run'}`)
    }
    w.postMessage({ kind: 'start', backoff: this.opts.backoff })
    if (this.finished) w.postMessage({ kind: 'finish' })
  }

  private onWorker(gen: number, m: FromLogsWorker): void {
    const sink = this.sink
    if (!sink) return
    switch (m.kind) {
      case 'url':
        this.opts.url().then(
          (url) => {
            if (gen === this.generation) this.worker?.postMessage({ kind: 'url', url })
          },
          (err: unknown) => {
            if (gen === this.generation) this.worker?.postMessage({ kind: 'url', error: errorText(err) })
          },
        )
        return
      case 'status':
        if (m.status.kind === 'live') this.failures = 0
        sink.status(m.status)
        return
      case 'message':
        sink.message(m.message)
        return
      case 'lines': {
        let lines
        try {
          lines = unpackLines(m.pack)
        } catch (err) {
          this.drop(`the logs worker sent lines this page cannot read: ${errorText(err)}`)
          return
        }
        sink.message({ v: PROTOCOL_VERSION, type: 'logs.lines', seq: m.seq, data: { lines } })
        return
      }
    }
  }

  /** Ends the current worker (its socket with it) and tries again after the backoff. */
  private drop(reason: string): void {
    const w = this.worker
    this.worker = null
    if (w) {
      w.onmessage = null
      w.onerror = null
      w.terminate()
    }
    this.fail(reason)
  }

  private fail(rawReason: string): void {
    if (!this.sink) return
    const reason = withoutToken(rawReason)
    this.generation++
    this.failures++
    const delay = backoffDelay(this.failures, this.opts.backoff, this.opts.random)
    this.sink.status({ kind: 'waiting', attempt: this.failures, retryAt: this.now() + delay, reason })
    this.retryTimer = setTimeout(() => this.open(), delay)
  }
}
