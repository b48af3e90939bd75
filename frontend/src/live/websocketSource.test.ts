import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeWebSocket, container, msg, recordSink } from '../livetest'
import { MAX_VIEW_CONTAINERS } from './protocol'
import type { ContainerKey, ServerMessage } from './types'
import { WebSocketSource, type SocketStatus, type WebSocketSourceOptions } from './websocketSource'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(1_000_000)
  FakeWebSocket.reset()
})
afterEach(() => {
  vi.useRealTimers()
})

function source(overrides: Partial<WebSocketSourceOptions> = {}) {
  return new WebSocketSource({
    url: () => Promise.resolve('ws://127.0.0.1:9/ws?token=secret'),
    WebSocket: FakeWebSocket,
    random: () => 0,
    ...overrides,
  })
}

/** Lets the async url() resolve so the socket gets created. */
const settle = () => vi.advanceTimersByTimeAsync(0)

describe('WebSocketSource', () => {
  it('connects, forwards hello and snapshot, and reports live', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    expect(rec.last()).toEqual({ kind: 'connecting', attempt: 0 })
    await settle()
    expect(FakeWebSocket.last.url).toBe('ws://127.0.0.1:9/ws?token=secret')
    FakeWebSocket.last.handshake({ seq: 7 })
    expect(rec.messages.map((m) => m.type)).toEqual(['hello', 'snapshot'])
    expect(rec.last()).toEqual({ kind: 'live', since: 1_000_000 })
    FakeWebSocket.last.deliver(msg.upsert(8, container()))
    expect(rec.messages.at(-1)?.seq).toBe(8)
  })

  it('retries with doubling delays capped at 5 s', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    const gaps: number[] = []
    for (let i = 0; i < 8; i++) {
      const created = FakeWebSocket.instances.length
      FakeWebSocket.last.drop()
      const waiting = rec.last()
      if (waiting?.kind !== 'waiting') throw new Error(`expected waiting, got ${JSON.stringify(waiting)}`)
      expect(waiting.attempt).toBe(i + 1)
      const delay = waiting.retryAt - Date.now()
      gaps.push(delay)
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(FakeWebSocket.instances.length).toBe(created) // not early
      await vi.advanceTimersByTimeAsync(1)
      expect(FakeWebSocket.instances.length).toBe(created + 1)
    }
    expect(gaps).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000])
  })

  it('applies jitter within bounds', async () => {
    const rec = recordSink<SocketStatus>()
    source({ random: () => 1 }).start(rec.sink)
    await settle()
    FakeWebSocket.last.drop()
    const w = rec.last()
    expect(w?.kind === 'waiting' && w.retryAt - Date.now()).toBe(125)
  })

  it('starts the backoff over once a connection was live', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    FakeWebSocket.last.drop()
    await vi.advanceTimersByTimeAsync(250)
    FakeWebSocket.last.drop()
    await vi.advanceTimersByTimeAsync(500)
    FakeWebSocket.last.handshake()
    FakeWebSocket.last.drop(1001, 'going away')
    expect(rec.last()).toEqual({
      kind: 'waiting',
      attempt: 1,
      retryAt: Date.now() + 250,
      reason: 'closed by server (code 1001: going away)',
    })
  })

  it('treats 2.5 heartbeats of silence as a dead socket', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    const ws = FakeWebSocket.last
    ws.handshake({ seq: 1 }, { heartbeatMs: 1000 })
    await vi.advanceTimersByTimeAsync(2400)
    ws.deliver(msg.heartbeat(1)) // any frame proves the socket alive
    await vi.advanceTimersByTimeAsync(2499)
    expect(ws.closedWith).toBeNull()
    expect(rec.last()?.kind).toBe('live')
    await vi.advanceTimersByTimeAsync(1)
    expect(ws.closedWith?.code).toBe(4000)
    const w = rec.last()
    expect(w?.kind).toBe('waiting')
    expect(w?.kind === 'waiting' && w.reason).toBe('no message for 2.5 s (heartbeat every 1 s)')
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeWebSocket.instances).toHaveLength(2)
  })

  it('uses the default heartbeat for the watchdog until hello arrives', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    const ws = FakeWebSocket.last
    await vi.advanceTimersByTimeAsync(12_499) // handshake never completes
    expect(ws.closedWith).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(ws.closedWith).not.toBeNull()
  })

  it('closes and reconnects on a gap in seq, without forwarding the delta', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    const ws = FakeWebSocket.last
    ws.handshake({ seq: 10 })
    ws.deliver(msg.upsert(11, container({ id: 'a' })))
    ws.deliver(msg.upsert(13, container({ id: 'b' })))
    expect(rec.messages.map((m) => m.seq)).toEqual([0, 10, 11])
    expect(ws.closedWith?.code).toBe(4000)
    expect(rec.last()).toMatchObject({
      kind: 'waiting',
      reason: 'missed messages: expected seq 12, got 13 (container.upsert)',
    })
    ws.deliver(msg.upsert(14, container())) // late frames from the old socket are ignored
    expect(rec.messages).toHaveLength(3)

    await vi.advanceTimersByTimeAsync(250)
    const fresh = FakeWebSocket.last
    expect(fresh).not.toBe(ws)
    fresh.handshake({ seq: 20 })
    fresh.deliver(msg.upsert(21, container()))
    expect(rec.messages.map((m) => m.seq)).toEqual([0, 10, 11, 0, 20, 21])
    expect(rec.last()?.kind).toBe('live')
  })

  it('handles every envelope of a message in order, and none after a gap', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    const ws = FakeWebSocket.last
    ws.handshake({ seq: 10 })
    const line = (m: ServerMessage) => JSON.stringify(m)
    ws.deliver([11, 12, 13].map((seq) => line(msg.upsert(seq, container({ id: `c${seq}` })))).join('\n'))
    expect(rec.messages.map((m) => m.seq)).toEqual([0, 10, 11, 12, 13])
    expect(rec.last()?.kind).toBe('live')
    ws.deliver([14, 16, 17].map((seq) => line(msg.upsert(seq, container()))).join('\n'))
    expect(rec.messages.map((m) => m.seq)).toEqual([0, 10, 11, 12, 13, 14])
    expect(rec.last()).toMatchObject({ kind: 'waiting', reason: 'missed messages: expected seq 15, got 16 (container.upsert)' })
  })

  it('treats a delta before the snapshot as a gap', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    const ws = FakeWebSocket.last
    ws.open()
    ws.deliver(msg.hello())
    ws.deliver(msg.upsert(5, container()))
    expect(ws.closedWith?.code).toBe(4000)
    expect(rec.last()).toMatchObject({ kind: 'waiting', reason: 'container.upsert (seq 5) before the snapshot' })
  })

  it('resyncs when a heartbeat reveals a lost delta', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    FakeWebSocket.last.handshake({ seq: 4 })
    FakeWebSocket.last.deliver(msg.heartbeat(4))
    expect(rec.last()?.kind).toBe('live')
    FakeWebSocket.last.deliver(msg.heartbeat(5))
    expect(rec.last()).toMatchObject({ kind: 'waiting', reason: 'missed messages: expected seq 4, got 5 (heartbeat)' })
  })

  it('reconnects on a malformed frame or an unknown protocol version', async () => {
    const rec = recordSink<SocketStatus>()
    source().start(rec.sink)
    await settle()
    FakeWebSocket.last.open()
    FakeWebSocket.last.deliver('{not json')
    expect(rec.last()?.kind).toBe('waiting')
    await vi.advanceTimersByTimeAsync(250)
    FakeWebSocket.last.open()
    FakeWebSocket.last.deliver(JSON.stringify({ v: 1, type: 'hello', seq: 0, data: {} }))
    expect(rec.last()).toMatchObject({ kind: 'waiting', reason: 'protocol version 1, want 2' })
  })

  it('counts a failing endpoint lookup as a failed attempt', async () => {
    const rec = recordSink<SocketStatus>()
    source({ url: () => Promise.reject(new Error('server not started')) }).start(rec.sink)
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(0)
    expect(rec.last()).toMatchObject({ kind: 'waiting', attempt: 1, reason: 'no live endpoint: server not started' })
  })

  it('never shows the token in a failure reason', async () => {
    class Throwing {
      constructor(url: string) {
        throw new SyntaxError(`The URL '${url}' is invalid.`)
      }
    }
    const rec = recordSink<SocketStatus>()
    source({ WebSocket: Throwing as never }).start(rec.sink)
    await settle()
    const w = rec.last()
    expect(w?.kind === 'waiting' && w.reason).toBe(
      "cannot open WebSocket: The URL 'ws://127.0.0.1:9/ws?token=…' is invalid.",
    )
  })

  it('stop closes the socket, cancels timers and goes quiet', async () => {
    const rec = recordSink<SocketStatus>()
    const src = source()
    src.start(rec.sink)
    await settle()
    const ws = FakeWebSocket.last
    ws.handshake()
    const before = rec.statuses.length
    src.stop()
    expect(ws.closedWith).toEqual({ code: 1000, reason: 'client stopped' })
    expect(vi.getTimerCount()).toBe(0)
    ws.drop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(rec.statuses).toHaveLength(before)
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('stop before the endpoint resolves opens no socket (StrictMode cleanup)', async () => {
    const src = source()
    src.start(recordSink<SocketStatus>().sink)
    src.stop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(FakeWebSocket.instances).toHaveLength(0)
  })

  it('resync() drops a live connection and reconnects', async () => {
    const rec = recordSink<SocketStatus>()
    const src = source()
    src.start(rec.sink)
    await settle()
    FakeWebSocket.last.handshake()
    src.resync('store gap')
    expect(FakeWebSocket.last.closedWith?.code).toBe(4000)
    expect(rec.last()).toMatchObject({ kind: 'waiting', attempt: 1, reason: 'resync: store gap' })
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeWebSocket.instances).toHaveLength(2)
  })
})

describe('WebSocketSource views', () => {
  const a = { engine: 'local', id: 'a' }
  const b = { engine: 'local', id: 'b' }

  async function live() {
    const src = source()
    src.start(recordSink<SocketStatus>().sink)
    await settle()
    return src
  }

  /** A source given `view` before it goes live with a server in `statsMode`. */
  async function liveWith(view: ContainerKey[] | null, statsMode: 'all' | 'visible') {
    const src = await live()
    if (view) src.setView(view)
    FakeWebSocket.last.handshake({}, { statsMode })
    return src
  }

  it('sends nothing to a server that samples everything', async () => {
    const src = await liveWith([a], 'all')
    src.setView([a, b])
    await vi.advanceTimersByTimeAsync(1000)
    expect(FakeWebSocket.last.sent).toEqual([])
  })

  it('sends the view once live, then changes at most every 250 ms, skipping repeats', async () => {
    const src = await liveWith([a], 'visible')
    const ws = FakeWebSocket.last
    expect(ws.sent.map((f): unknown => JSON.parse(f))).toEqual([
      { v: 2, type: 'view', seq: 0, data: { containers: [{ engine: 'local', id: 'a' }] } },
    ])
    src.setView([a, b])
    src.setView([b])
    src.setView([a, b])
    await vi.advanceTimersByTimeAsync(249)
    expect(ws.viewsSent()).toEqual([['a']])
    await vi.advanceTimersByTimeAsync(1)
    expect(ws.viewsSent()).toEqual([['a'], ['a', 'b']])
    src.setView([a, b]) // the same again: nothing to say
    await vi.advanceTimersByTimeAsync(300)
    src.setView([])
    await vi.advanceTimersByTimeAsync(300)
    expect(ws.viewsSent()).toEqual([['a'], ['a', 'b'], []])
  })

  it('sends no view before one is given', async () => {
    await liveWith(null, 'visible')
    await vi.advanceTimersByTimeAsync(1000)
    expect(FakeWebSocket.last.sent).toEqual([])
  })

  it('sends the current view again on every new connection', async () => {
    const src = await liveWith([a], 'visible')
    FakeWebSocket.last.drop()
    src.setView([b]) // while disconnected
    await vi.advanceTimersByTimeAsync(5000)
    const second = FakeWebSocket.last
    expect(FakeWebSocket.instances).toHaveLength(2)
    second.handshake({}, { statsMode: 'visible' })
    expect(second.viewsSent()).toEqual([['b']])
  })

  it('names at most MAX_VIEW_CONTAINERS containers, the first ones', async () => {
    const many = Array.from({ length: MAX_VIEW_CONTAINERS + 20 }, (_, i) => ({ engine: 'local', id: `c${i}` }))
    await liveWith(many, 'visible')
    const [ids] = FakeWebSocket.last.viewsSent()
    expect(ids).toHaveLength(MAX_VIEW_CONTAINERS)
    expect(ids?.[0]).toBe('c0')
  })
})
