// LogsClient: the logs of one target (a container, or every container of a
// compose project: one engine) as a logs view shows them. It follows them
// over /ws/logs (socket.ts) into a bounded buffer (buffer.ts); while the
// socket is down it polls the polling route with each container's cursor;
// it fetches skipped lines and earlier lines when asked, and shows the last
// words Dockpulse kept of a container that is gone. While the window is
// hidden or minimised (watchHidden) it follows nothing: the socket closes,
// polling stops, and on return the socket resumes from the newest line held,
// as after a drop. What it holds is one
// LogsView at a time (getState), handed to subscribers at once after a
// quiet spell and then at most every notifyMs: a line on its own shows
// the moment it comes, a flood of lines costs one render per interval. A
// view that says it is paused (onPaused) hears of new lines only every
// pausedNotifyMs: it draws none of them, it only counts them; anything
// else still comes within notifyMs.

import type { Backend } from '../backend'
import { isNotFound } from '../backend'
import type { BackoffOptions } from '../backoff'
import { errorText } from '../errors'
import type { LastWords, LogLine, LogServerMessage, LogSkipped, LogState } from '../types'
import type { WebSocketConstructor } from '../websocketSource'
import { LOG_BUFFER_LINES, LogBuffer } from './buffer'
import { LogsSocket, type LogsSocketStatus } from './socket'
import { logStatus, type LogStatus, type PollOutcome } from './status'

/** What a logs view is of. */
export interface LogTarget {
  engine: string
  /** One container, or a project's: all on engine. */
  containers: readonly { id: string; name: string }[]
  /** The container's or the project's name: the download's file name. */
  name: string
  /** The container is gone: show the last lines Dockpulse kept of it. */
  removed?: boolean
}

/** What the client needs of the backend. */
export type LogsBackend = Pick<Backend, 'logsSocketUrl' | 'logs' | 'lastWords'>

export interface LogNotice {
  key: string
  text: string
  action?: { label: string; run: () => void }
}

/** Everything a logs view shows (LogView's props but its variant and its buttons' handlers). */
export interface LogsView {
  lines: readonly LogLine[]
  containers: { engine: string; id: string; name: string }[]
  status: LogStatus
  notices: LogNotice[]
  canLoadEarlier: boolean
  /** Every container's first line is held: "Start of the log" instead of the button. */
  atStart: boolean
  loadingEarlier: boolean
  onLoadEarlier: () => void
  /** The view stopped following the newest line (true) or follows it again (false). */
  onPaused: (paused: boolean) => void
  fileName: string
}

export interface LogsClientOptions {
  backend: LogsBackend
  WebSocket?: WebSocketConstructor
  backoff?: BackoffOptions
  random?: () => number
  now?: () => number
  /** Pause between polls while the socket is down; default 1500 ms. */
  pollMs?: number
  /** Lines kept; default LOG_BUFFER_LINES. */
  bound?: number
  /** Last lines asked for on the first connection; default 500. */
  tail?: number
  /** Lines one "load earlier" asks of each container; default 1000. */
  earlierLines?: number
  /** Most often subscribers hear of a change; default 100 ms. */
  notifyMs?: number
  /**
   * Calls onChange(hidden) now and whenever the window is hidden or shown
   * again (visibility.ts's watchVisibility), until the returned function is
   * called. Without it the window counts as always visible.
   */
  watchHidden?: (onChange: (hidden: boolean) => void) => () => void
  /** Most often a paused view hears of new lines alone; default 1000 ms. */
  pausedNotifyMs?: number
}

/** Most pages one poll reads of a container before it waits (a backlog after a long outage). */
const PAGES_PER_POLL = 5
/** Most lines a page holds (the route's maximum). */
const PAGE_LIMIT = 10000

type KeptWords = { phase: 'loading' } | { phase: 'kept'; words: LastWords } | { phase: 'none' } | { phase: 'failed'; reason: string }

interface SkippedRange extends LogSkipped {
  phase: 'idle' | 'fetching' | 'failed'
  error?: string
}

const count = new Intl.NumberFormat('en-US')

/** A download's file name from what the view is of. */
export function logFileName(name: string): string {
  return `${name.replace(/^\//, '').replace(/[^\w.-]+/g, '_') || 'container'}.log`
}

export class LogsClient {
  private readonly backend: LogsBackend
  private readonly pollMs: number
  private readonly tail: number
  private readonly earlierLines: number
  private readonly notifyMs: number
  private readonly pausedNotifyMs: number
  private readonly buffer: LogBuffer
  private readonly socket: LogsSocket
  private readonly listeners = new Set<() => void>()
  private readonly watchHidden: LogsClientOptions['watchHidden']

  private running = false
  /** The window is hidden or minimised: nothing is followed until it is back. */
  private hidden = false
  private unwatchHidden: (() => void) | null = null
  private socketStatus: LogsSocketStatus = { kind: 'connecting', attempt: 0 }
  private downReason: string | null = null
  private polling = false
  private pollGen = 0
  private pollTimer: ReturnType<typeof setTimeout> | null = null
  private poll: PollOutcome | null = null
  /** Where each container's polling continues, by id; cleared when the socket is live again. */
  private readonly cursors = new Map<string, string>()
  private readonly states = new Map<string, LogState>()
  /** Containers whose stream is over: removed, or unknown to the backend. */
  private readonly gone = new Set<string>()
  private readonly names = new Map<string, string>()
  private readonly skipped = new Map<string, SkippedRange>()
  /** Containers with no lines before those held. */
  private readonly exhausted = new Set<string>()
  private loadingEarlier = false
  /** Whether the held lines were checked for the log's start since the socket went live. */
  private startChecked = false
  private startTimer: ReturnType<typeof setTimeout> | null = null
  private earlierError: string | null = null
  private kept: KeptWords | null = null
  private flushTimer: ReturnType<typeof setTimeout> | null = null
  /** When the pending notification is due (Date.now() ms). */
  private flushDue = 0
  /** When subscribers last heard of a change (Date.now() ms). */
  private lastFlush = -Infinity
  private paused = false
  private state: LogsView

  constructor(
    readonly target: LogTarget,
    options: LogsClientOptions,
  ) {
    this.backend = options.backend
    this.pollMs = options.pollMs ?? 1500
    this.tail = options.tail ?? 500
    this.earlierLines = options.earlierLines ?? 1000
    this.notifyMs = options.notifyMs ?? 100
    this.watchHidden = options.watchHidden
    this.pausedNotifyMs = Math.max(this.notifyMs, options.pausedNotifyMs ?? 1000)
    this.buffer = new LogBuffer(options.bound ?? LOG_BUFFER_LINES)
    for (const c of target.containers) this.names.set(c.id, c.name)
    this.socket = new LogsSocket({
      url: () => this.socketUrl(),
      WebSocket: options.WebSocket,
      backoff: options.backoff,
      random: options.random,
      now: options.now,
    })
    this.state = this.build()
  }

  getState = (): LogsView => this.state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  start(): void {
    if (this.running) return
    this.running = true
    if (this.target.removed) this.showLastWords()
    else {
      this.unwatchHidden = this.watchHidden?.((hidden) => this.setHidden(hidden)) ?? null
      if (!this.hidden) this.follow()
    }
    this.changed()
  }

  stop(): void {
    this.running = false
    this.unwatchHidden?.()
    this.unwatchHidden = null
    this.socket.stop()
    this.stopPolling()
    if (this.startTimer !== null) clearTimeout(this.startTimer)
    this.startTimer = null
    if (this.flushTimer !== null) clearTimeout(this.flushTimer)
    this.flushTimer = null
  }

  /** The view paused (new lines are only counted) or follows again. */
  setPaused = (paused: boolean): void => {
    if (this.paused === paused) return
    this.paused = paused
    if (!paused) this.changed()
  }

  loadEarlier = (): void => {
    if (!this.canLoadEarlier() || this.loadingEarlier) return
    this.loadingEarlier = true
    this.earlierError = null
    this.changed()
    void this.readEarlier()
  }

  // -------------------------------------------------------------------------
  // The socket

  private follow(): void {
    this.socket.start({
      status: (s) => this.onSocketStatus(s),
      message: (m) => this.onMessage(m),
    })
  }

  /**
   * Hidden: the socket closes and polling stops. Shown again: the socket
   * opens from the newest line held (socketUrl), so the lines written
   * meanwhile come once each; more than its queue holds come as a
   * logs.skipped, whose notice offers to fetch them.
   */
  private setHidden(hidden: boolean): void {
    if (hidden === this.hidden) return
    this.hidden = hidden
    // Called from start() too, before the socket is started: start() then follows, or not.
    if (!this.running || this.kept !== null || this.socketStatus.kind === 'closed') return
    if (hidden) {
      this.socket.stop()
      this.stopPolling()
      this.socketStatus = { kind: 'connecting', attempt: 0 }
    } else this.follow()
    this.changed()
  }

  private following(): string[] {
    return this.target.containers.map((c) => c.id).filter((id) => !this.gone.has(id))
  }

  /** Each attempt resumes from the newest line held (duplicates at that time are dropped on arrival). */
  private socketUrl(): Promise<string> {
    const since = this.buffer.lastTime()
    return this.backend.logsSocketUrl(this.target.engine, this.following(), since ? { since } : { tail: this.tail })
  }

  private onSocketStatus(s: LogsSocketStatus): void {
    this.socketStatus = s
    if (s.kind === 'live') {
      this.downReason = null
      this.stopPolling()
      // Once the first tail has arrived, ask whether it reaches the log's start.
      if (!this.startChecked && this.startTimer === null) {
        this.startTimer = setTimeout(() => {
          this.startTimer = null
          void this.checkStart()
        }, this.notifyMs * 3)
      }
    } else if (s.kind === 'waiting') {
      this.downReason = s.reason
      this.startPolling()
    }
    this.changed()
  }

  private onMessage(m: LogServerMessage): void {
    switch (m.type) {
      case 'logs.hello':
        for (const c of m.data.containers) if (c.name) this.names.set(c.id, c.name.replace(/^\//, ''))
        break
      case 'logs.lines':
        this.buffer.add(m.data.lines)
        this.changed(true)
        return
      case 'logs.skipped':
        if (m.data.count > 0) this.skipped.set(`${m.data.id}@${m.data.from}`, { ...m.data, phase: 'idle' })
        break
      case 'logs.state':
        this.states.set(m.data.id, m.data)
        if (m.data.state === 'removed') {
          this.gone.add(m.data.id)
          if (this.following().length === 0) this.socket.finish()
        }
        break
    }
    this.changed()
  }

  // -------------------------------------------------------------------------
  // Polling while the socket is down

  private startPolling(): void {
    if (this.polling || !this.running) return
    this.polling = true
    const gen = ++this.pollGen
    void this.pollOnce(gen)
  }

  private stopPolling(): void {
    this.polling = false
    this.pollGen++
    this.poll = null
    this.cursors.clear()
    if (this.pollTimer !== null) clearTimeout(this.pollTimer)
    this.pollTimer = null
  }

  private async pollOnce(gen: number): Promise<void> {
    this.pollTimer = null
    let failure: string | null = null
    for (const id of this.following()) {
      try {
        for (let i = 0; i < PAGES_PER_POLL; i++) {
          const cursor = this.cursors.get(id)
          const last = this.buffer.lastOf(this.target.engine, id)
          const query = cursor ? { cursor } : last ? { since: last.time, limit: PAGE_LIMIT } : { tail: this.tail }
          const page = await this.backend.logs(this.target.engine, id, query)
          if (gen !== this.pollGen) return
          this.buffer.add(page.lines)
          if ('tail' in query && page.start) this.exhausted.add(id)
          if (page.cursor) this.cursors.set(id, page.cursor)
          if (!page.more) break
        }
      } catch (err) {
        if (gen !== this.pollGen) return
        if (isNotFound(err)) this.gone.add(id)
        else failure = errorText(err)
      }
    }
    if (gen !== this.pollGen) return
    this.poll = failure === null ? { ok: true, at: Date.now() } : { ok: false, at: Date.now(), reason: failure }
    if (this.following().length === 0) {
      this.allGone()
      return
    }
    this.changed()
    this.pollTimer = setTimeout(() => void this.pollOnce(gen), this.pollMs)
  }

  /** The backend knows none of the containers any more. */
  private allGone(): void {
    this.socket.stop()
    this.stopPolling()
    this.socketStatus = { kind: 'closed' }
    for (const c of this.target.containers) {
      if (this.states.get(c.id)?.state !== 'removed') {
        this.states.set(c.id, { engine: this.target.engine, id: c.id, state: 'removed', reason: '' })
      }
    }
    // One container that is gone: what Dockpulse kept of it is all there is.
    if (this.target.containers.length === 1) this.showLastWords()
    this.changed()
  }

  // -------------------------------------------------------------------------
  // Last words

  private showLastWords(): void {
    const c = this.target.containers[0]
    if (!c) return
    this.kept = { phase: 'loading' }
    this.backend.lastWords(this.target.engine, c.id).then(
      (words) => {
        if (!this.running) return
        this.buffer.add(words.lines)
        if (words.name) this.names.set(c.id, words.name.replace(/^\//, ''))
        this.kept = { phase: 'kept', words }
        this.changed()
      },
      (err: unknown) => {
        if (!this.running) return
        this.kept = isNotFound(err) ? { phase: 'none' } : { phase: 'failed', reason: errorText(err) }
        this.changed()
      },
    )
  }

  // -------------------------------------------------------------------------
  // Fetching lines the view does not hold

  /** Reads count lines of one container from..to (inclusive), page by page. */
  private async readRange(id: string, from: string, to: string): Promise<LogLine[]> {
    const out: LogLine[] = []
    let cursor = ''
    for (;;) {
      const page = await this.backend.logs(this.target.engine, id, cursor ? { cursor, until: to, limit: PAGE_LIMIT } : { since: from, until: to, limit: PAGE_LIMIT })
      out.push(...page.lines)
      if (!page.more || !page.cursor || out.length >= this.buffer.bound) return out
      cursor = page.cursor
    }
  }

  private fetchSkipped(key: string): void {
    const range = this.skipped.get(key)
    if (!range || range.phase === 'fetching') return
    range.phase = 'fetching'
    this.changed()
    this.readRange(range.id, range.from, range.to).then(
      (lines) => {
        if (!this.running) return
        this.buffer.add(lines)
        this.skipped.delete(key)
        this.changed()
      },
      (err: unknown) => {
        if (!this.running) return
        range.phase = 'failed'
        range.error = errorText(err)
        this.changed()
      },
    )
  }

  /**
   * Asks, for each container, whether the lines held reach its log's start
   * (a tail up to the oldest line held, as long as the lines held at its
   * time): a short log then says so at once, with no click that finds
   * nothing. Any doubt leaves the button.
   */
  private async checkStart(): Promise<void> {
    if (!this.running || this.kept !== null || this.socketStatus.kind !== 'live') return
    this.startChecked = true
    for (const c of this.target.containers) {
      if (this.exhausted.has(c.id)) continue
      const first = this.buffer.firstOf(this.target.engine, c.id)
      const atFirst = first ? this.buffer.snapshot().filter((l) => l.id === c.id && l.engine === first.engine && l.time === first.time).length : 0
      try {
        const page = await this.backend.logs(this.target.engine, c.id, first ? { tail: atFirst, until: first.time } : { tail: 1 })
        if (page.start && (first ? page.lines.length <= atFirst : page.lines.length === 0)) this.exhausted.add(c.id)
      } catch {
        // Unknown stays unknown: the button stays, and a click asks again.
      }
    }
    if (this.running) this.changed()
  }

  private atStart(): boolean {
    return this.running && this.kept === null && this.buffer.dropped === 0 && this.target.containers.every((c) => this.exhausted.has(c.id))
  }

  private canLoadEarlier(): boolean {
    return this.running && this.kept === null && !this.buffer.full && this.target.containers.some((c) => !this.exhausted.has(c.id))
  }

  private async readEarlier(): Promise<void> {
    const got: LogLine[] = []
    for (const c of this.target.containers) {
      if (this.exhausted.has(c.id)) continue
      const first = this.buffer.firstOf(this.target.engine, c.id)?.time ?? this.buffer.snapshot()[0]?.time
      try {
        const page = await this.backend.logs(this.target.engine, c.id, first ? { tail: this.earlierLines, until: first } : { tail: this.earlierLines })
        got.push(...page.lines)
        if (page.start) this.exhausted.add(c.id)
      } catch (err) {
        if (isNotFound(err)) this.exhausted.add(c.id)
        else this.earlierError = errorText(err)
      }
    }
    if (!this.running) return
    this.buffer.add(got)
    this.loadingEarlier = false
    this.changed()
  }

  // -------------------------------------------------------------------------
  // The view

  /** Something the view shows changed; linesOnly: new lines from the stream, and nothing else. */
  private changed(linesOnly = false): void {
    const delay = linesOnly && this.paused ? this.pausedNotifyMs : this.notifyMs
    // The first change after a quiet spell goes out at once (in a task of
    // its own, with whatever else this one brings); the next ones wait
    // until the interval since the last notification is over.
    const now = Date.now()
    const due = Math.max(now, this.lastFlush + delay)
    if (this.flushTimer !== null) {
      if (this.flushDue <= due) return
      clearTimeout(this.flushTimer)
    }
    this.flushDue = due
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null
      this.lastFlush = Date.now()
      this.state = this.build()
      for (const l of [...this.listeners]) l()
    }, due - now)
  }

  private nameOf(id: string): string {
    return this.names.get(id) ?? id.slice(0, 12)
  }

  private build(): LogsView {
    const { engine } = this.target
    return {
      lines: this.buffer.snapshot(),
      containers: this.target.containers.map((c) => ({ engine, id: c.id, name: this.nameOf(c.id) })),
      status: this.status(),
      notices: this.notices(),
      canLoadEarlier: this.canLoadEarlier(),
      atStart: this.atStart(),
      loadingEarlier: this.loadingEarlier,
      onLoadEarlier: this.loadEarlier,
      onPaused: this.setPaused,
      fileName: logFileName(this.target.name),
    }
  }

  private status(): LogStatus {
    const k = this.kept
    if (k !== null) {
      switch (k.phase) {
        case 'loading':
          return { tone: 'offline', text: 'Reading the lines Dockpulse kept…' }
        case 'kept': {
          const w = k.words
          const cause = w.exitCause === 'oom' ? ', out of memory' : w.exitCause === 'killed' ? ', killed' : ''
          return { tone: 'ended', text: `${w.removed ? 'Removed' : 'Exited'}: exit code ${w.exitCode}${cause}` }
        }
        case 'none':
          return { tone: 'ended', text: 'Removed' }
        case 'failed':
          return { tone: 'offline', text: `Cannot read the lines Dockpulse kept: ${k.reason}` }
      }
    }
    if (this.hidden && this.socketStatus.kind !== 'closed') return { tone: 'offline', text: 'Paused while the window is hidden' }
    return logStatus({
      socket: this.socketStatus,
      poll: this.poll,
      pollMs: this.pollMs,
      containers: this.target.containers.map((c) => ({ id: c.id, name: this.nameOf(c.id) })),
      states: this.states,
      downReason: this.downReason,
    })
  }

  private notices(): LogNotice[] {
    const out: LogNotice[] = []
    const k = this.kept
    if (k?.phase === 'kept') {
      const n = k.words.lines.length
      const what = `${n} ${n === 1 ? 'line' : 'lines'}`
      out.push({
        key: 'lastwords',
        text: k.words.removed
          ? `This container was removed; these are its last ${what}, kept by Dockpulse`
          : `This container died; these are its last ${what}, kept by Dockpulse`,
      })
    } else if (k?.phase === 'none') {
      out.push({ key: 'lastwords', text: 'This container was removed, and Dockpulse kept none of its lines' })
    } else if (k?.phase === 'failed') {
      out.push({ key: 'lastwords', text: `Cannot read the lines Dockpulse kept: ${k.reason}`, action: { label: 'Retry', run: () => this.retryLastWords() } })
    }
    if (this.buffer.dropped > 0) {
      out.push({
        key: 'dropped',
        text: `${count.format(this.buffer.dropped)} older lines left memory: a view keeps the newest ${count.format(this.buffer.bound)}`,
      })
    }
    for (const [key, r] of this.skipped) {
      const n = count.format(r.count)
      const who = this.target.containers.length > 1 ? `${this.nameOf(r.id)}: ` : ''
      if (r.phase === 'fetching') out.push({ key, text: `${who}fetching ${n} skipped lines…` })
      else if (r.phase === 'failed') {
        out.push({ key, text: `${who}cannot fetch the ${n} skipped lines: ${r.error ?? 'failed'}`, action: { label: 'Retry', run: () => this.fetchSkipped(key) } })
      } else {
        out.push({
          key,
          text: `${who}${n} lines were skipped: this view fell behind the stream`,
          action: { label: `Fetch ${n} skipped lines`, run: () => this.fetchSkipped(key) },
        })
      }
    }
    if (this.earlierError !== null) out.push({ key: 'earlier', text: `Cannot load earlier lines: ${this.earlierError}` })
    return out
  }

  private retryLastWords(): void {
    if (!this.running) return
    this.showLastWords()
    this.changed()
  }
}
