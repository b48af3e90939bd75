// LogsSocket: one /ws/logs connection at a time for a set of containers,
// reconnecting with the state socket's backoff (backoff.ts). Each message's
// seq must follow the last one's, counting from 1 on each connection; a gap
// or a message this client cannot read closes the socket and reconnects
// (the caller's url() resumes from its last line). The client sends nothing.
// Once the caller says the stream is over (every container removed), the
// server's close is the end, not a failure.

import { backoffDelay, type BackoffOptions } from '../backoff'
import { errorText } from '../errors'
import type { LogServerMessage } from '../types'
import { describeClose, detachAndClose, withoutToken, type WebSocketConstructor, type WebSocketLike } from '../websocketSource'
import { parseLogMessage } from './protocol'

export type LogsSocketStatus =
  /** An attempt is under way; attempt counts the failures before it. */
  | { kind: 'connecting'; attempt: number }
  /** hello arrived: lines flow. */
  | { kind: 'live'; since: number }
  /** The socket is down; the next try is at retryAt (Unix ms). */
  | { kind: 'waiting'; attempt: number; retryAt: number; reason: string }
  /** The stream is over (finish() was called and the socket closed). */
  | { kind: 'closed' }

export interface LogsSocketSink {
  message(msg: LogServerMessage): void
  status(status: LogsSocketStatus): void
}

export interface LogsSocketOptions {
  /** The URL (with token) for each attempt, resuming where the caller's lines end; a rejection is a failed attempt. */
  url: () => Promise<string>
  WebSocket?: WebSocketConstructor
  backoff?: BackoffOptions
  random?: () => number
  now?: () => number
}

/** Close code for "client gave up on this connection". */
const CLOSE_RETRY = 4000

export class LogsSocket {
  private readonly opts: LogsSocketOptions
  private readonly WS: WebSocketConstructor
  private readonly now: () => number
  private sink: LogsSocketSink | null = null
  private socket: WebSocketLike | null = null
  private generation = 0
  private failures = 0
  private lastSeq = 0
  private finished = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null

  constructor(options: LogsSocketOptions) {
    this.opts = options
    this.WS = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor)
    this.now = options.now ?? Date.now
  }

  start(sink: LogsSocketSink): void {
    if (this.sink) throw new Error('LogsSocket already started')
    this.sink = sink
    void this.connect()
  }

  stop(): void {
    this.sink = null
    this.generation++
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.close(1000, 'client stopped')
  }

  /** Every container's stream is over: the server closes next, and that is the end. */
  finish(): void {
    this.finished = true
  }

  private async connect(): Promise<void> {
    this.retryTimer = null
    const gen = ++this.generation
    this.sink?.status({ kind: 'connecting', attempt: this.failures })
    let url: string
    try {
      url = await this.opts.url()
    } catch (err) {
      if (gen === this.generation) this.fail(`no logs endpoint: ${errorText(err)}`)
      return
    }
    if (gen !== this.generation) return
    let ws: WebSocketLike
    try {
      ws = new this.WS(url)
    } catch (err) {
      this.fail(`cannot open the logs socket: ${errorText(err)}`)
      return
    }
    this.socket = ws
    this.lastSeq = 0
    ws.onopen = () => {}
    ws.onerror = () => {} // close follows, and says more
    ws.onmessage = (ev) => {
      if (gen === this.generation) this.onFrame(ev.data)
    }
    ws.onclose = (ev) => {
      if (gen !== this.generation) return
      this.socket = null
      if (this.finished) {
        this.generation++
        this.sink?.status({ kind: 'closed' })
        return
      }
      this.fail(describeClose(ev))
    }
  }

  /** One WebSocket message: one envelope, or several separated by newlines. */
  private onFrame(data: unknown): void {
    if (typeof data !== 'string') {
      this.fail('unexpected binary frame on the logs socket')
      return
    }
    const gen = this.generation
    for (const text of data.split('\n')) {
      if (text === '') continue
      this.onEnvelope(text)
      if (gen !== this.generation) return
    }
  }

  private onEnvelope(text: string): void {
    let msg
    try {
      msg = parseLogMessage(text)
    } catch (err) {
      this.fail(errorText(err))
      return
    }
    if (msg.seq !== this.lastSeq + 1) {
      this.fail(`missed log messages: expected seq ${this.lastSeq + 1}, got ${msg.seq} (${msg.type === 'unknown' ? msg.rawType : msg.type})`)
      return
    }
    this.lastSeq = msg.seq
    if (msg.type === 'unknown') return
    if (msg.type === 'logs.hello') {
      this.failures = 0
      this.sink?.status({ kind: 'live', since: this.now() })
    }
    this.sink?.message(msg)
  }

  private fail(rawReason: string): void {
    if (!this.sink) return
    const reason = withoutToken(rawReason)
    this.generation++
    this.close(CLOSE_RETRY, reason)
    this.failures++
    const delay = backoffDelay(this.failures, this.opts.backoff, this.opts.random)
    this.sink.status({ kind: 'waiting', attempt: this.failures, retryAt: this.now() + delay, reason })
    this.retryTimer = setTimeout(() => void this.connect(), delay)
  }

  private close(code: number, reason: string): void {
    const ws = this.socket
    this.socket = null
    if (ws) detachAndClose(ws, code, reason)
  }
}
