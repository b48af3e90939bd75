// WebSocketSource, the push source: hello, snapshot, then deltas (several
// to a message when the server sends a backlog). Reconnects with capped
// exponential backoff and jitter; a watchdog treats a socket that stays
// silent for 2.5 heartbeats as dead; a gap in seq closes the socket and
// reconnects for a fresh snapshot. When hello says the server samples stats
// by view, it also sends the view it was given (setView): 250 ms after a
// change at most, and at once on every new connection.

import { backoffDelay, type BackoffOptions } from './backoff'
import { errorText } from './errors'
import { checkSequence, parseMessage, viewMessage } from './protocol'
import type { LiveSource, SourceSink } from './source'
import { PROTOCOL_VERSION, type ContainerKey, type ServerMessage } from './types'

export type SocketStatus =
  /** An attempt is under way; attempt counts the failures before it (0 = first try). */
  | { kind: 'connecting'; attempt: number }
  /** The snapshot arrived: deltas are flowing. */
  | { kind: 'live'; since: number }
  /** The last attempt failed or the socket died; the next try is at retryAt (Unix ms). */
  | { kind: 'waiting'; attempt: number; retryAt: number; reason: string }

/** The part of the WebSocket API the source uses, so tests can pass a fake. */
export interface WebSocketLike {
  readonly readyState: number
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onerror: ((ev: unknown) => void) | null
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export type WebSocketConstructor = new (url: string) => WebSocketLike

export interface WebSocketSourceOptions {
  /** Resolves the URL (with token) for each attempt; a rejection counts as a failed attempt. */
  url: () => Promise<string>
  WebSocket?: WebSocketConstructor
  backoff?: BackoffOptions
  random?: () => number
  now?: () => number
  /** Heartbeat interval assumed until hello says otherwise; default 5000 ms. */
  heartbeatMs?: number
  /** Silence, in heartbeats, after which the socket counts as dead; default 2.5. */
  watchdogHeartbeats?: number
  /** Least time between two view messages; default 250 ms (the server allows 5 a second). */
  viewDebounceMs?: number
}

const CONNECTING = 0
const OPEN = 1

/** Close code for "client gave up on this connection" (private range 4000-4999). */
const CLOSE_RESYNC = 4000

export class WebSocketSource implements LiveSource<SocketStatus> {
  private readonly opts: Required<Omit<WebSocketSourceOptions, 'backoff'>> & { backoff: BackoffOptions }
  private sink: SourceSink<SocketStatus> | null = null
  private socket: WebSocketLike | null = null
  /** Bumped by every attempt and by stop; callbacks of older attempts check it and do nothing. */
  private generation = 0
  private failures = 0
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private watchdogTimer: ReturnType<typeof setTimeout> | null = null
  private lastFrameAt = 0
  private heartbeatMs: number
  private synced = false
  private lastSeq = 0
  /** The view to report (setView); null: none given, so none is sent. */
  private view: readonly ContainerKey[] | null = null
  /** Whether this connection's server samples by view (hello). */
  private viewsWanted = false
  /** The view message last sent on this connection. */
  private sentView: string | null = null
  private viewTimer: ReturnType<typeof setTimeout> | null = null

  constructor(options: WebSocketSourceOptions) {
    this.opts = {
      url: options.url,
      WebSocket: options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor),
      backoff: options.backoff ?? {},
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      heartbeatMs: options.heartbeatMs ?? 5000,
      watchdogHeartbeats: options.watchdogHeartbeats ?? 2.5,
      viewDebounceMs: options.viewDebounceMs ?? 250,
    }
    this.heartbeatMs = this.opts.heartbeatMs
  }

  start(sink: SourceSink<SocketStatus>): void {
    if (this.sink) throw new Error('WebSocketSource already started')
    this.sink = sink
    this.failures = 0
    void this.connect()
  }

  stop(): void {
    this.sink = null
    this.generation++
    this.clearTimers()
    this.closeSocket(1000, 'client stopped')
  }

  /**
   * Sets the containers the user sees live. Sent only to a server that
   * samples by view, at most once per viewDebounceMs, and again on every
   * new connection; null withdraws nothing already sent but sends no more
   * until a view is given.
   */
  setView(keys: readonly ContainerKey[] | null): void {
    this.view = keys
    if (!this.viewsWanted || this.viewTimer !== null) return
    this.viewTimer = setTimeout(() => {
      this.viewTimer = null
      this.sendView()
    }, this.opts.viewDebounceMs)
  }

  private sendView(): void {
    const ws = this.socket
    if (!this.viewsWanted || this.view === null || !ws || ws.readyState !== OPEN) return
    const frame = viewMessage(this.view)
    if (frame === this.sentView) return
    try {
      ws.send(frame)
    } catch (err) {
      this.fail(`cannot send the view: ${errorText(err)}`)
      return
    }
    this.sentView = frame
  }

  /** Drops the current connection and reconnects for a fresh snapshot (the store saw a gap). */
  resync(reason: string): void {
    if (!this.sink || !this.socket) return
    this.fail(`resync: ${reason}`)
  }

  private emit(status: SocketStatus): void {
    this.sink?.status(status)
  }

  private async connect(): Promise<void> {
    this.retryTimer = null
    const gen = ++this.generation
    this.emit({ kind: 'connecting', attempt: this.failures })
    let url: string
    try {
      url = await this.opts.url()
    } catch (err) {
      if (gen === this.generation) this.fail(`no live endpoint: ${errorText(err)}`)
      return
    }
    // stop() (e.g. a StrictMode effect cleanup) may have run while we waited.
    if (gen !== this.generation) return

    let ws: WebSocketLike
    try {
      ws = new this.opts.WebSocket(url)
    } catch (err) {
      this.fail(`cannot open WebSocket: ${errorText(err)}`)
      return
    }
    this.socket = ws
    this.synced = false
    this.lastSeq = 0
    this.viewsWanted = false
    this.sentView = null
    this.heartbeatMs = this.opts.heartbeatMs
    // The watchdog also bounds how long the handshake may take.
    this.touch()
    this.armWatchdog(gen)

    ws.onopen = () => {
      if (gen === this.generation) this.touch()
    }
    ws.onmessage = (ev) => {
      if (gen === this.generation) this.onFrame(ev.data)
    }
    // An error is always followed by close, which says more.
    ws.onerror = () => {}
    ws.onclose = (ev) => {
      if (gen !== this.generation) return
      this.socket = null
      this.fail(describeClose(ev))
    }
  }

  /**
   * One WebSocket message: one or more envelopes, newline-separated (the
   * server sends a backlog in one write). Each is handled in order; none
   * after one that ended the connection.
   */
  private onFrame(data: unknown): void {
    this.touch()
    if (typeof data !== 'string') {
      this.fail('unexpected binary frame')
      return
    }
    const gen = this.generation
    for (const text of data.split('\n')) {
      this.onEnvelope(text)
      if (gen !== this.generation) return
    }
  }

  private onEnvelope(text: string): void {
    let msg: ServerMessage
    try {
      msg = parseMessage(text)
    } catch (err) {
      this.fail(errorText(err))
      return
    }
    const check = checkSequence(this.synced, this.lastSeq, msg)
    switch (check.kind) {
      case 'gap': {
        const { expected, got, type } = check.gap
        this.fail(
          expected === null
            ? `${type} (seq ${got}) before the snapshot`
            : `missed messages: expected seq ${expected}, got ${got} (${type})`,
        )
        return
      }
      case 'snapshot':
        if (msg.type === 'snapshot') this.lastSeq = msg.data.seq
        this.synced = true
        break
      case 'delta':
        this.lastSeq = msg.seq
        break
      case 'control':
        if (msg.type === 'hello') {
          if (msg.data.protocol !== PROTOCOL_VERSION) {
            this.fail(`server speaks protocol ${msg.data.protocol}, this page ${PROTOCOL_VERSION}`)
            return
          }
          if (msg.data.heartbeatMs > 0 && msg.data.heartbeatMs !== this.heartbeatMs) {
            this.heartbeatMs = msg.data.heartbeatMs
            // The pending check was timed for the old interval; a shorter one must not wait for it.
            if (this.watchdogTimer !== null) clearTimeout(this.watchdogTimer)
            this.armWatchdog(this.generation)
          }
          this.viewsWanted = msg.data.statsMode === 'visible'
        }
        break
    }
    this.sink?.message(msg)
    if (check.kind === 'snapshot') {
      this.failures = 0
      this.emit({ kind: 'live', since: this.opts.now() })
      this.sendView() // what this connection's server has not heard yet
    }
  }

  private touch(): void {
    this.lastFrameAt = this.opts.now()
  }

  /**
   * One timer per connection rather than one per frame: when it fires it
   * checks how long the socket has really been quiet and re-arms for the rest.
   */
  private armWatchdog(gen: number): void {
    const limit = this.heartbeatMs * this.opts.watchdogHeartbeats
    const wait = Math.max(0, this.lastFrameAt + limit - this.opts.now())
    this.watchdogTimer = setTimeout(() => {
      this.watchdogTimer = null
      if (gen !== this.generation) return
      const silentFor = this.opts.now() - this.lastFrameAt
      const currentLimit = this.heartbeatMs * this.opts.watchdogHeartbeats
      if (silentFor >= currentLimit) {
        this.fail(`no message for ${Math.round(silentFor / 100) / 10} s (heartbeat every ${this.heartbeatMs / 1000} s)`)
      } else {
        this.armWatchdog(gen)
      }
    }, wait)
  }

  /** Gives up on the current attempt or connection and schedules the next. */
  private fail(rawReason: string): void {
    if (!this.sink) return
    const reason = withoutToken(rawReason)
    this.generation++
    this.clearTimers()
    this.closeSocket(CLOSE_RESYNC, reason)
    this.synced = false
    this.failures++
    const delay = backoffDelay(this.failures, this.opts.backoff, this.opts.random)
    const retryAt = this.opts.now() + delay
    this.emit({ kind: 'waiting', attempt: this.failures, retryAt, reason })
    this.retryTimer = setTimeout(() => void this.connect(), delay)
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    if (this.watchdogTimer !== null) clearTimeout(this.watchdogTimer)
    if (this.viewTimer !== null) clearTimeout(this.viewTimer)
    this.retryTimer = null
    this.watchdogTimer = null
    this.viewTimer = null
  }

  /**
   * Detaches and closes the socket. We do not wait for its close event: on a
   * dead network the closing handshake can take minutes to time out.
   */
  private closeSocket(code: number, reason: string): void {
    const ws = this.socket
    this.socket = null
    if (ws) detachAndClose(ws, code, reason)
  }
}

/** Takes a socket's handlers off and closes it, without waiting for its close event. */
export function detachAndClose(ws: WebSocketLike, code: number, reason: string): void {
  ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null
  if (ws.readyState === CONNECTING || ws.readyState === OPEN) {
    try {
      ws.close(code, truncateUtf8(reason, 123))
    } catch {
      // Nothing left to do with a socket that refuses to close.
    }
  }
}

/** Reasons are shown on screen; an error that quotes the URL must not show the token. */
export function withoutToken(reason: string): string {
  return reason.replace(/token=[^&\s'"]*/g, 'token=…')
}

/** A socket's close in words. */
export function describeClose(ev: { code: number; reason: string }): string {
  if (ev.code === 1006) return 'connection lost (no close frame)'
  const reason = ev.reason ? `: ${ev.reason}` : ''
  return `closed by server (code ${ev.code}${reason})`
}

/** WebSocket close reasons are limited to 123 bytes of UTF-8. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder()
  if (encoder.encode(text).length <= maxBytes) return text
  let out = text
  while (out.length > 0 && encoder.encode(out).length > maxBytes) out = out.slice(0, -1)
  return out
}
