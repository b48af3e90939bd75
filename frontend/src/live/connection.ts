// LiveConnection runs the push source and, while push is not live, the polling
// fallback; it feeds both into the store and derives the ConnectionState the
// UI shows.
//
// Rules:
//   - Push (WebSocket) is always running and retrying.
//   - Polling starts once push has not been live for pollGraceMs (so a quick
//     reconnect does not cost a snapshot fetch), and stops the moment push
//     delivers a snapshot. Poll results that arrive after that are dropped.
//   - Latency is measured on pushed events only: now - event.timeNano,
//     smoothed with an exponential moving average.
//
// Transitions of ConnectionState:
//   connecting   --snapshot pushed-->  connected
//   any          --snapshot pushed-->  connected
//   connected    --socket lost------>  reconnecting (attempt n, next try at)
//   reconnecting --poll ok---------->  polling      (degraded, still retrying push)
//   reconnecting --poll failed------>  offline
//   polling      <--poll ok/failed-->  offline
//
// A poll refused with 401 means the server on the port does not know this
// page's token (a restarted `dockpulse serve` makes a new one; the HTTP
// backend reports a failed challenge, another program on the port, so too):
// offline, with `unauthorized` so that the UI can say what to do instead of
// "retrying". A refused code (403, 410: the link was already used or is from
// another launch) is offline with `linkRefused`, for the same reason.

import type { Backend } from './backend'
import { PollingSource, type PollStatus } from './pollingSource'
import type { LiveSource } from './source'
import type { LiveStore } from './store'
import type { ConnectionState, ContainerKey, ServerMessage } from './types'
import type { ViewRegistry } from './view'
import { WebSocketSource, type SocketStatus, type WebSocketSourceOptions } from './websocketSource'

/** A push source that can be told to start over (WebSocketSource). */
export interface PushSource extends LiveSource<SocketStatus> {
  resync(reason: string): void
  /** Reports what the user sees live (see view.ts). */
  setView(keys: readonly ContainerKey[] | null): void
}

export interface LiveConnectionOptions {
  store: LiveStore
  push: PushSource
  poll: LiveSource<PollStatus>
  /** What the user sees live, passed on to push; default: nothing reported. */
  view?: ViewRegistry
  /** How often the poll source polls, shown as how old polled data may be; default 2000 ms. */
  pollIntervalMs?: number
  /** How long push may be down before polling starts; default 1000 ms. */
  pollGraceMs?: number
  /** Weight of the newest latency sample, 0..1; default 0.2. */
  latencySmoothing?: number
  now?: () => number
}

export class LiveConnection {
  private readonly store: LiveStore
  private readonly push: PushSource
  private readonly poll: LiveSource<PollStatus>
  private readonly pollGraceMs: number
  private readonly pollIntervalMs: number
  private readonly alpha: number
  private readonly now: () => number
  private readonly view: ViewRegistry | null

  private running = false
  private unsubscribeView: (() => void) | null = null
  private socket: SocketStatus = { kind: 'connecting', attempt: 0 }
  /** The last push failure since push was last live; null before any. */
  private lastFailure: Extract<SocketStatus, { kind: 'waiting' }> | null = null
  private polling = false
  private lastPoll: PollStatus | null = null
  private lastGoodPollAt = 0
  private graceTimer: ReturnType<typeof setTimeout> | null = null
  private latencyMs: number | null = null
  private current: ConnectionState

  constructor(options: LiveConnectionOptions) {
    this.store = options.store
    this.push = options.push
    this.poll = options.poll
    this.pollGraceMs = options.pollGraceMs ?? 1000
    this.pollIntervalMs =
      options.pollIntervalMs ?? (options.poll instanceof PollingSource ? options.poll.interval : 2000)
    this.alpha = options.latencySmoothing ?? 0.2
    this.now = options.now ?? Date.now
    this.view = options.view ?? null
    this.current = { status: 'connecting', since: this.now() }
  }

  /** The state last handed to the store. */
  get state(): ConnectionState {
    return this.current
  }

  /** Whether the polling fallback is running. */
  get isPolling(): boolean {
    return this.polling
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.socket = { kind: 'connecting', attempt: 0 }
    this.lastFailure = null
    this.lastPoll = null
    this.latencyMs = null
    this.current = { status: 'connecting', since: this.now() }
    this.publish()
    this.push.start({
      message: (msg) => this.onPushMessage(msg),
      status: (status) => this.onPushStatus(status),
    })
    const view = this.view
    if (view) {
      this.unsubscribeView = view.subscribe(() => this.push.setView(view.current()))
      this.push.setView(view.current())
    }
    this.armGrace()
  }

  stop(): void {
    if (!this.running) return
    this.running = false
    this.unsubscribeView?.()
    this.unsubscribeView = null
    this.clearGrace()
    this.stopPolling()
    this.push.stop()
  }

  private onPushMessage(msg: ServerMessage): void {
    if (msg.type === 'event') this.sampleLatency(msg.data.timeNano)
    const result = this.store.dispatch({ type: 'message', message: msg })
    // The push source checks seq itself; this catches the store disagreeing
    // with it, e.g. after a poll snapshot slipped in between.
    if (!result.ok) this.push.resync(`store expected seq ${result.gap.expected ?? 'snapshot'}, got ${result.gap.got}`)
  }

  private onPushStatus(status: SocketStatus): void {
    this.socket = status
    switch (status.kind) {
      case 'live':
        this.lastFailure = null
        this.clearGrace()
        this.stopPolling()
        break
      case 'waiting':
        this.lastFailure = status
        this.armGrace()
        break
      case 'connecting':
        break
    }
    this.publish()
  }

  private onPollMessage(msg: ServerMessage): void {
    if (!this.polling || this.socket.kind === 'live') return
    this.store.dispatch({ type: 'message', message: msg })
  }

  private onPollStatus(status: PollStatus): void {
    if (!this.polling) return
    this.lastPoll = status
    if (status.kind === 'ok') this.lastGoodPollAt = status.at
    this.publish()
  }

  private armGrace(): void {
    if (this.polling || this.graceTimer !== null || !this.running) return
    this.graceTimer = setTimeout(() => {
      this.graceTimer = null
      if (this.running && this.socket.kind !== 'live') this.startPolling()
    }, this.pollGraceMs)
  }

  private clearGrace(): void {
    if (this.graceTimer !== null) clearTimeout(this.graceTimer)
    this.graceTimer = null
  }

  private startPolling(): void {
    if (this.polling) return
    this.polling = true
    this.lastPoll = null
    this.poll.start({
      message: (msg) => this.onPollMessage(msg),
      status: (status) => this.onPollStatus(status),
    })
  }

  private stopPolling(): void {
    if (!this.polling) return
    this.polling = false
    this.lastPoll = null
    this.poll.stop()
  }

  private sampleLatency(timeNano: number): void {
    if (!Number.isFinite(timeNano) || timeNano <= 0) return
    // timeNano / 1e6 keeps float precision; Date.now() * 1e6 would not.
    const sample = Math.max(0, this.now() - timeNano / 1e6)
    this.latencyMs = this.latencyMs === null ? sample : this.latencyMs + this.alpha * (sample - this.latencyMs)
    if (this.socket.kind === 'live') this.publish()
  }

  private derive(): ConnectionState {
    const now = this.now()
    const since = (status: ConnectionState['status']) => (this.current.status === status ? this.current.since : now)
    // While an attempt is in flight there is no scheduled retry.
    const nextRetryAt = this.socket.kind === 'waiting' ? this.socket.retryAt : null

    if (this.socket.kind === 'live') {
      return { status: 'connected', since: since('connected'), latencyMs: this.latencyMs }
    }
    if (this.polling && this.lastPoll) {
      if (this.lastPoll.kind === 'ok') {
        return {
          status: 'polling',
          since: since('polling'),
          lastPollAt: this.lastGoodPollAt,
          intervalMs: this.pollIntervalMs,
          attempt: this.lastFailure?.attempt ?? 0,
          nextRetryAt,
        }
      }
      const pushReason = this.lastFailure ? `; live updates: ${this.lastFailure.reason}` : ''
      const offline: ConnectionState = {
        status: 'offline',
        since: since('offline'),
        reason: `${this.lastPoll.reason}${pushReason}`,
        nextRetryAt,
      }
      const refused = this.lastPoll.httpStatus
      if (refused === 401) offline.unauthorized = true
      else if (refused === 403 || refused === 410) offline.linkRefused = true
      return offline
    }
    if (this.lastFailure) {
      return {
        status: 'reconnecting',
        since: since('reconnecting'),
        attempt: this.lastFailure.attempt,
        nextRetryAt: this.lastFailure.retryAt,
        reason: this.lastFailure.reason,
      }
    }
    return { status: 'connecting', since: since('connecting') }
  }

  private publish(): void {
    if (!this.running) return
    this.current = this.derive()
    this.store.dispatch({ type: 'connection', connection: this.current })
  }
}

export interface CreateLiveConnectionOptions {
  /** Overrides for the WebSocket source (tests pass a fake WebSocket). */
  socket?: Partial<WebSocketSourceOptions>
  pollIntervalMs?: number
  pollGraceMs?: number
}

/** Wires the real sources for a backend. Start it in an effect; stop it in the cleanup. */
export function createLiveConnection(
  store: LiveStore,
  backend: Backend,
  options: CreateLiveConnectionOptions = {},
): LiveConnection {
  const push = new WebSocketSource({ url: () => backend.socketUrl(), ...options.socket })
  const poll = new PollingSource({ fetchSnapshot: () => backend.snapshot(), intervalMs: options.pollIntervalMs })
  return new LiveConnection({
    store,
    push,
    poll,
    view: store.view,
    pollGraceMs: options.pollGraceMs,
    pollIntervalMs: poll.interval,
  })
}
