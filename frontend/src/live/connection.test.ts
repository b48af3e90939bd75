import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeWebSocket, ManualScheduler, container, event, msg, snapshot } from '../livetest'
import { LiveConnection } from './connection'
import { PollingSource } from './pollingSource'
import { createLiveStore, type LiveStore } from './store'
import type { Snapshot } from './types'
import { WebSocketSource } from './websocketSource'

describe('LiveConnection', () => {
  let scheduler: ManualScheduler
  let store: LiveStore
  let fetchSnapshot: ReturnType<typeof vi.fn<() => Promise<Snapshot>>>
  let push: WebSocketSource
  let conn: LiveConnection

  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
    FakeWebSocket.reset()
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler })
    fetchSnapshot = vi.fn(() => Promise.resolve(snapshot({ seq: 500, containers: [container({ id: 'polled', name: 'polled' })] })))
    push = new WebSocketSource({
      url: () => Promise.resolve('ws://127.0.0.1:9/ws?token=t'),
      WebSocket: FakeWebSocket,
      random: () => 0,
    })
    conn = new LiveConnection({
      store,
      push,
      poll: new PollingSource({ fetchSnapshot }),
      view: store.view,
      pollGraceMs: 1000,
    })
  })

  afterEach(() => {
    conn.stop()
    vi.useRealTimers()
  })

  /** What React would render after the next frame. */
  const rendered = () => {
    scheduler.frame()
    return store.getState()
  }

  it('goes from connecting to connected without polling when push is quick', async () => {
    conn.start()
    expect(rendered().connection).toEqual({ status: 'connecting', since: 1_000_000 })
    await vi.advanceTimersByTimeAsync(50)
    FakeWebSocket.last.handshake({ seq: 3, containers: [container()] })
    const state = rendered()
    expect(state.connection).toEqual({ status: 'connected', since: 1_000_050, latencyMs: null })
    expect(state.data.containers.has('local/c1')).toBe(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(fetchSnapshot).not.toHaveBeenCalled()
  })

  it('passes what the UI shows to a server that samples by view, until stopped', async () => {
    store.view.set('table', [{ engine: 'local', id: 'a' }])
    conn.start()
    await vi.advanceTimersByTimeAsync(0)
    const ws = FakeWebSocket.last
    ws.handshake({ seq: 3 }, { statsMode: 'visible' })
    store.view.set('detail', [{ engine: 'local', id: 'b' }])
    await vi.advanceTimersByTimeAsync(250)
    expect(ws.viewsSent()).toEqual([['a'], ['a', 'b']])
    conn.stop()
    store.view.set('detail', null)
    await vi.advanceTimersByTimeAsync(1000)
    expect(ws.sent).toHaveLength(2)
  })

  it('polls while push is down and stops as soon as push is back', async () => {
    conn.start()
    await vi.advanceTimersByTimeAsync(0)
    FakeWebSocket.last.handshake({ seq: 3 })
    FakeWebSocket.refuse = true // from now on every attempt is refused
    FakeWebSocket.last.drop()
    expect(rendered().connection).toMatchObject({ status: 'reconnecting', attempt: 1, nextRetryAt: 1_000_250 })

    await vi.advanceTimersByTimeAsync(999)
    expect(fetchSnapshot).not.toHaveBeenCalled() // still within the grace period
    expect(FakeWebSocket.instances.length).toBeGreaterThan(1) // but push is retrying
    await vi.advanceTimersByTimeAsync(1)
    expect(fetchSnapshot).toHaveBeenCalledTimes(1)
    expect(conn.isPolling).toBe(true)
    const degraded = rendered()
    expect(degraded.connection).toMatchObject({ status: 'polling', lastPollAt: 1_001_000 })
    expect(degraded.data.lastSeq).toBe(500)
    expect(degraded.data.containers.has('local/polled')).toBe(true)

    await vi.advanceTimersByTimeAsync(2000)
    expect(fetchSnapshot).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(2000)
    expect(fetchSnapshot).toHaveBeenCalledTimes(3)

    // Push comes back on its next attempt.
    FakeWebSocket.refuse = false
    const attempts = FakeWebSocket.instances.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(FakeWebSocket.instances).toHaveLength(attempts + 1)
    const polls = fetchSnapshot.mock.calls.length
    FakeWebSocket.last.handshake({ seq: 900, containers: [container({ id: 'pushed' })] })
    const back = rendered()
    expect(back.connection.status).toBe('connected')
    expect(back.data.lastSeq).toBe(900)
    expect(back.data.containers.has('local/polled')).toBe(false)
    expect(conn.isPolling).toBe(false)
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(5000)
      FakeWebSocket.last.deliver(msg.heartbeat(900))
    }
    expect(fetchSnapshot).toHaveBeenCalledTimes(polls)
    expect(rendered().connection.status).toBe('connected')
  })

  it('is offline when neither push nor polling reaches the backend', async () => {
    fetchSnapshot.mockRejectedValue(new Error('GET /api/snapshot: Failed to fetch'))
    conn.start()
    await vi.advanceTimersByTimeAsync(0)
    FakeWebSocket.last.drop()
    await vi.advanceTimersByTimeAsync(1000)
    const state = rendered().connection
    expect(state.status).toBe('offline')
    expect(state.status === 'offline' && state.reason).toBe(
      'GET /api/snapshot: Failed to fetch; live updates: connection lost (no close frame)',
    )
    // Recovers straight to connected.
    fetchSnapshot.mockResolvedValue(snapshot())
    await vi.advanceTimersByTimeAsync(5000)
    FakeWebSocket.last.handshake()
    expect(rendered().connection.status).toBe('connected')
  })

  it('ignores a poll answer that lands after push came back', async () => {
    let answer: (s: Snapshot) => void = () => {}
    fetchSnapshot.mockImplementation(() => new Promise((resolve) => (answer = resolve)))
    conn.start()
    await vi.advanceTimersByTimeAsync(1000) // grace over: a poll is in flight
    expect(fetchSnapshot).toHaveBeenCalledTimes(1)
    FakeWebSocket.last.handshake({ seq: 40, containers: [container({ id: 'live' })] })
    answer(snapshot({ seq: 1, containers: [] }))
    await vi.advanceTimersByTimeAsync(0)
    const state = rendered()
    expect(state.data.lastSeq).toBe(40)
    expect(state.data.containers.has('local/live')).toBe(true)
  })

  it('measures latency from pushed events and smooths it', async () => {
    conn.start()
    await vi.advanceTimersByTimeAsync(0)
    FakeWebSocket.last.handshake({ seq: 1 })
    const nowNano = () => Date.now() * 1e6
    FakeWebSocket.last.deliver(msg.event(2, event({ timeNano: nowNano() - 40e6 })))
    expect(rendered().connection).toMatchObject({ status: 'connected', latencyMs: 40 })
    FakeWebSocket.last.deliver(msg.event(3, event({ timeNano: nowNano() - 140e6 })))
    const state = rendered()
    // 40 + 0.2 * (140 - 40)
    expect(state.connection.status === 'connected' && state.connection.latencyMs).toBeCloseTo(60, 3)
    expect(state.data.events).toHaveLength(2)
  })

  it('resyncs when the store reports a gap the socket did not see', async () => {
    conn.start()
    await vi.advanceTimersByTimeAsync(0)
    const ws = FakeWebSocket.last
    ws.handshake({ seq: 10 })
    // Something else moved the store on (a stray snapshot): the next pushed delta no longer fits.
    store.dispatch({ type: 'message', message: msg.snapshot({ seq: 30 }) })
    ws.deliver(msg.upsert(11, container()))
    expect(ws.closedWith?.code).toBe(4000)
    expect(rendered().connection).toMatchObject({
      status: 'reconnecting',
      reason: 'resync: store expected seq 31, got 11',
    })
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  it('stop closes everything and leaves no timers behind', async () => {
    fetchSnapshot.mockRejectedValue(new Error('down'))
    conn.start()
    await vi.advanceTimersByTimeAsync(0)
    FakeWebSocket.last.drop()
    await vi.advanceTimersByTimeAsync(1500)
    expect(conn.isPolling).toBe(true)
    conn.stop()
    expect(conn.isPolling).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
    const sockets = FakeWebSocket.instances.length
    const polls = fetchSnapshot.mock.calls.length
    await vi.advanceTimersByTimeAsync(30_000)
    expect(FakeWebSocket.instances).toHaveLength(sockets)
    expect(fetchSnapshot).toHaveBeenCalledTimes(polls)
  })
})

describe('LiveConnection offline reasons', () => {
  /** A connection whose socket is refused, polling through fetchSnapshot, on fake timers. */
  async function refusedSocket(fetchSnapshot: () => Promise<ReturnType<typeof snapshot>>, run: (state: () => unknown, settle: (ms: number) => Promise<void>) => Promise<void>) {
    vi.useFakeTimers()
    const scheduler = new ManualScheduler()
    const store = createLiveStore({ scheduler })
    const conn = new LiveConnection({
      store,
      push: new WebSocketSource({ url: () => Promise.resolve('ws://x/ws'), WebSocket: FakeWebSocket, random: () => 0 }),
      poll: new PollingSource({ fetchSnapshot, intervalMs: 2000 }),
    })
    try {
      FakeWebSocket.reset()
      FakeWebSocket.refuse = true
      conn.start()
      await run(
        () => store.getState().connection,
        async (ms) => {
          await vi.advanceTimersByTimeAsync(ms)
          scheduler.frame()
        },
      )
    } finally {
      conn.stop()
      vi.useRealTimers()
    }
  }

  it('reports the poll interval while polling and a refused token as unauthorized', async () => {
    let refuse = false
    const fetchSnapshot = vi.fn(() =>
      refuse
        ? Promise.reject(Object.assign(new Error('GET /api/snapshot: token (HTTP 401 Unauthorized)'), { status: 401 }))
        : Promise.resolve(snapshot({ seq: 1 })),
    )
    await refusedSocket(fetchSnapshot, async (state, settle) => {
      await settle(1000)
      expect(state()).toMatchObject({ status: 'polling', intervalMs: 2000 })
      refuse = true
      await settle(2000)
      expect(state()).toMatchObject({ status: 'offline', unauthorized: true })
    })
  })

  it('reports a refused link (a used or foreign code) as linkRefused, not as a server to wait for', async () => {
    const used = Object.assign(new Error('this link was already used: open Dockpulse through the address it printed last'), {
      status: 410,
    })
    await refusedSocket(
      () => Promise.reject(used),
      async (state, settle) => {
        await settle(1000)
        expect(state()).toMatchObject({ status: 'offline', linkRefused: true })
        expect(state()).not.toHaveProperty('unauthorized')
      },
    )
  })
})
