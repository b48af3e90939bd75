// A regular expression's search of a logs view, off the main thread: an
// expression like (a+)+$ can take exponential time on one line, and no
// regular expression can be interrupted on the thread that runs it. The
// lines go to a worker (regex.worker.ts) in batches, one at a time; a batch
// not answered within the time limit terminates the worker, and the search
// says "Expression too slow" instead of freezing the page. Answers are kept
// per line, so lines that arrive later are the only ones sent again. The
// first batch waits until the query has stood still a moment: each key
// typed is an expression of its own, and a worker stuck in one may not stop
// at once when terminated (a regular expression engine checks for that
// only now and then, or never), so fewer are started.

import { errorText } from '../../live/errors'
import { styled } from './ansi'
import type { RegexJob, RegexReply } from './regexJob'
import { NO_RANGES, type Matcher, type Range } from './search'
import type { LogLine } from './types'

/** What the search needs of a worker: the DOM Worker's shape. */
export interface SearchWorker {
  postMessage(job: RegexJob): void
  terminate(): void
  onmessage: ((ev: { data: RegexReply }) => void) | null
  onerror: ((ev: { message?: string }) => void) | null
}

export type SearchWorkerFactory = () => SearchWorker

/** The browser's worker running regex.worker.ts (bundled by Vite as its own file in dist/assets). */
export function browserSearchWorker(): SearchWorker {
  return new Worker(new URL('./regex.worker.ts', import.meta.url), { type: 'module', name: 'log search' }) as unknown as SearchWorker
}

/** Lines a batch holds. */
export const REGEX_BATCH_LINES = 2000
/** The longest a batch may take before the expression counts as too slow. */
export const REGEX_LIMIT_MS = 2000
/** Most often a search under way shows what it found so far. */
const PUBLISH_MS = 200
/** How long the expression must stand before the first batch goes. */
export const REGEX_SETTLE_MS = 300

export interface RegexSearchState {
  /** The matches found so far; null before any answer, or when the search failed. */
  matcher: Matcher | null
  /** Lines of the list are still being searched. */
  pending: boolean
  error?: string
}

export interface RegexSearchOptions {
  worker: SearchWorkerFactory
  limitMs?: number
  batchLines?: number
  publishMs?: number
  settleMs?: number
}

export function tooSlowText(lines: number, limitMs: number): string {
  return (
    `Expression too slow: it ran over ${limitMs / 1000} s on ${lines.toLocaleString('en-US')} lines and was stopped. ` +
    'Repeats inside repeats, such as (a+)+, can take forever on some lines: try a simpler expression.'
  )
}

export class RegexSearch {
  private readonly limitMs: number
  private readonly batchLines: number
  private readonly publishMs: number
  private readonly settleMs: number
  /** Until the settle time has passed, nothing is sent. */
  private settled = false
  private settleTimer: ReturnType<typeof setTimeout> | null = null
  private readonly listeners = new Set<() => void>()
  /** Each searched line's matches, with the generation of the answer that brought them. */
  private readonly found = new WeakMap<LogLine, { gen: number; ranges: readonly Range[] }>()
  private gen = 0
  private list: readonly LogLine[] = []
  /** Lines of list before this index are all searched. */
  private scanned = 0
  private worker: SearchWorker | null = null
  private batch: { id: number; lines: readonly LogLine[] } | null = null
  private nextId = 0
  private limitTimer: ReturnType<typeof setTimeout> | null = null
  private publishTimer: ReturnType<typeof setTimeout> | null = null
  private failed: string | null = null
  private matcherOf: { gen: number; matcher: Matcher } | null = null
  private state: RegexSearchState = { matcher: null, pending: true }

  constructor(
    readonly source: string,
    readonly flags: string,
    private readonly options: RegexSearchOptions,
  ) {
    this.limitMs = options.limitMs ?? REGEX_LIMIT_MS
    this.batchLines = options.batchLines ?? REGEX_BATCH_LINES
    this.publishMs = options.publishMs ?? PUBLISH_MS
    this.settleMs = options.settleMs ?? REGEX_SETTLE_MS
    this.settled = this.settleMs <= 0
  }

  getState = (): RegexSearchState => this.state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The lines to search (the view's list, as it is now); starts, or resumes after stop(). */
  setLines(list: readonly LogLine[]): void {
    if (list !== this.list) {
      this.list = list
      this.scanned = 0
    }
    this.pump()
    if (this.state.pending !== this.pending()) this.publish()
  }

  /** Ends the worker; setLines starts another. */
  stop(): void {
    this.worker?.terminate()
    this.worker = null
    this.batch = null
    this.scanned = 0 // the batch under way was not answered: send it again
    this.clearTimers()
  }

  private pending(): boolean {
    return this.failed === null && (this.batch !== null || this.settleTimer !== null)
  }

  private pump(): void {
    if (this.failed !== null || this.batch !== null) return
    if (!this.settled) {
      this.settleTimer ??= setTimeout(() => {
        this.settleTimer = null
        this.settled = true
        this.pump()
        if (this.state.pending !== this.pending()) this.publish()
      }, this.settleMs)
      return
    }
    const lines: LogLine[] = []
    const list = this.list
    let i = this.scanned
    for (; i < list.length && lines.length < this.batchLines; i++) {
      if (!this.found.has(list[i]!)) lines.push(list[i]!)
    }
    this.scanned = lines.length < this.batchLines ? list.length : i
    if (lines.length === 0) return
    let worker = this.worker
    if (!worker) {
      try {
        worker = this.options.worker()
      } catch (err) {
        this.fail(`Cannot search by regular expression here: ${errorText(err)}`)
        return
      }
      worker.onmessage = (ev) => this.onReply(ev.data)
      worker.onerror = (ev) => this.fail(`Cannot search by regular expression: the search worker failed${ev.message ? ` (${ev.message})` : ''}`)
      this.worker = worker
    }
    const id = ++this.nextId
    this.batch = { id, lines }
    worker.postMessage({ id, source: this.source, flags: this.flags, texts: lines.map((l) => styled(l).plain) })
    this.limitTimer = setTimeout(() => this.fail(tooSlowText(lines.length, this.limitMs)), this.limitMs)
  }

  private onReply(reply: RegexReply): void {
    const batch = this.batch
    if (!batch || reply.id !== batch.id) return
    if (reply.error !== undefined) {
      this.fail(`Cannot search by regular expression: ${reply.error}`)
      return
    }
    if (this.limitTimer !== null) clearTimeout(this.limitTimer)
    this.limitTimer = null
    const each: Range[][] = []
    const h = reply.hits
    for (let k = 0; k + 2 < h.length; k += 3) (each[h[k]!] ??= []).push([h[k + 1]!, h[k + 2]!])
    const gen = ++this.gen
    batch.lines.forEach((line, i) => this.found.set(line, { gen, ranges: each[i] ?? NO_RANGES }))
    this.batch = null
    this.pump()
    if (!this.pending()) this.publish()
    else this.publishTimer ??= setTimeout(() => this.publish(), this.publishMs)
  }

  private fail(reason: string): void {
    if (this.failed !== null) return
    this.failed = reason
    this.stop()
    this.publish()
  }

  private clearTimers(): void {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer)
    this.settleTimer = null
    if (this.limitTimer !== null) clearTimeout(this.limitTimer)
    this.limitTimer = null
    if (this.publishTimer !== null) clearTimeout(this.publishTimer)
    this.publishTimer = null
  }

  /** The matches answered up to now: a matcher whose answers never change (search.ts reuses them by matcher). */
  private matcher(): Matcher | null {
    if (this.gen === 0) return null
    if (this.matcherOf?.gen !== this.gen) {
      const gen = this.gen
      const found = this.found
      this.matcherOf = {
        gen,
        matcher: {
          ranges(line) {
            const f = found.get(line)
            return f && f.gen <= gen ? f.ranges : NO_RANGES
          },
        },
      }
    }
    return this.matcherOf.matcher
  }

  private publish(): void {
    if (this.publishTimer !== null) clearTimeout(this.publishTimer)
    this.publishTimer = null
    this.state = this.failed !== null ? { matcher: null, pending: false, error: this.failed } : { matcher: this.matcher(), pending: this.pending() }
    for (const l of [...this.listeners]) l()
  }
}
