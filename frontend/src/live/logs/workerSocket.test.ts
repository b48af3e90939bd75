// The client with its socket in a worker (an in-page one: jsdom has no
// Worker; the e2e tests run the browser's).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeWebSocket, inPageLogsWorkers } from '../../livetest'
import type { LogLine } from '../types'
import { LogsClient, type LogTarget, type LogsBackend } from './client'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(1_000_000)
  FakeWebSocket.reset()
})
afterEach(() => {
  vi.useRealTimers()
})

const T = (s: number) => `2026-12-02T06:43:${String(s).padStart(2, '0')}.000000000Z`
const line = (s: number, text = `line ${s}`, id = 'web'): LogLine => ({ engine: 'default', id, time: T(s), stream: s % 2 ? 'stdout' : 'stderr', text })

let seq = 0
const env = (type: string, data: unknown, at = ++seq) => JSON.stringify({ v: 2, type, seq: at, data })
const hello = (ids = ['web']) => {
  seq = 0
  return env('logs.hello', { containers: ids.map((id) => ({ engine: 'default', id, name: `${id}-1`, tty: false })), maxLineBytes: 65536 })
}
const lines = (...l: LogLine[]) => env('logs.lines', { lines: l })

function setup(target: LogTarget = { engine: 'default', containers: [{ id: 'web', name: 'web-1' }], name: 'web-1' }, url?: () => Promise<string>) {
  const urls: unknown[] = []
  const backend: LogsBackend = {
    logsSocketUrl: (_engine, ids, from) => {
      urls.push({ ids, from })
      return url ? url() : Promise.resolve('ws://127.0.0.1:9/ws/logs?token=secret')
    },
    logs: () => new Promise(() => {}),
    lastWords: () => new Promise(() => {}),
  }
  const workers = inPageLogsWorkers(FakeWebSocket)
  const c = new LogsClient(target, { backend, worker: workers.factory, random: () => 0, notifyMs: 10 })
  c.start()
  return { c, urls, workers: workers.made }
}

const settle = () => vi.advanceTimersByTimeAsync(30)
const texts = (c: LogsClient) => c.getState().lines.map((l) => l.text)

describe('LogsClient with its socket in a worker', () => {
  it('opens the socket the page gives the URL of, and hears its lines in packs, in order with the other messages', async () => {
    const { c, urls, workers } = setup()
    await settle()
    expect(urls).toEqual([{ ids: ['web'], from: { tail: 500 } }])
    expect(FakeWebSocket.last.url).toBe('ws://127.0.0.1:9/ws/logs?token=secret')
    const ws = FakeWebSocket.last
    ws.open()
    ws.deliver(hello())
    ws.deliver(lines(line(1), line(3)))
    ws.deliver(lines(line(2)))
    ws.deliver(env('logs.skipped', { engine: 'default', id: 'web', count: 5, from: T(4), to: T(5) }))
    ws.deliver(lines(line(6, 'after the skip')))
    await settle()
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 3', 'after the skip'])
    expect(c.getState().lines[1]).toEqual(line(2))
    expect(c.getState().status).toEqual({ tone: 'live', text: 'Live' })
    expect(c.getState().notices.map((n) => n.text)).toEqual(['5 lines were skipped: this view fell behind the stream'])
    // The two messages before the notice came as one pack, before it.
    expect(workers[0]!.posted.map((m) => (m.kind === 'lines' ? `lines ${m.pack.count}` : m.kind === 'message' ? m.message.type : m.kind))).toEqual([
      'status',
      'url',
      'status',
      'logs.hello',
      'lines 3',
      'logs.skipped',
      'lines 1',
    ])
    c.stop()
    await settle()
    expect(ws.closedWith).toEqual({ code: 1000, reason: 'client stopped' })
    // The worker ends itself once the close handshake had its time.
    expect(workers[0]!.closed).toBe(false)
    await vi.advanceTimersByTimeAsync(1000)
    expect(workers[0]!.closed).toBe(true)
  })

  it('reconnects in the worker on a gap in seq, from the newest line the page holds', async () => {
    const { c, urls } = setup()
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1)))
    FakeWebSocket.last.deliver(env('logs.lines', { lines: [line(2)] }, 5))
    expect(FakeWebSocket.last.closedWith?.code).toBe(4000)
    await settle()
    expect(c.getState().status.text).toMatch(/missed log messages: expected seq 3, got 5/)
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(urls[1]).toEqual({ ids: ['web'], from: { since: T(1) } })
    c.stop()
  })

  it('says why the page gave no URL, and tries again', async () => {
    let refuse = true
    const { c } = setup(undefined, () => (refuse ? Promise.reject(new Error('GET /api/token: 503')) : Promise.resolve('ws://127.0.0.1:9/ws/logs?token=t')))
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(0)
    expect(c.getState().status.text).toBe('Reconnecting: no logs endpoint: GET /api/token: 503')
    refuse = false
    await vi.advanceTimersByTimeAsync(300)
    expect(FakeWebSocket.instances).toHaveLength(1)
    c.stop()
  })

  it('takes a worker that fails for a dropped socket: says why, and starts another that resumes', async () => {
    const { c, urls, workers } = setup()
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1)))
    await settle()
    workers[0]!.crash('Uncaught TypeError: boom')
    await settle()
    expect(workers[0]!.terminated).toBe(true)
    expect(FakeWebSocket.instances[0]!.closedWith?.code).toBe(1000)
    expect(c.getState().status.text).toBe('Reconnecting: the logs worker failed: Uncaught TypeError: boom')
    await vi.advanceTimersByTimeAsync(250)
    expect(workers).toHaveLength(2)
    expect(urls.at(-1)).toEqual({ ids: ['web'], from: { since: T(1) } })
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1), line(2)))
    await settle()
    expect(texts(c)).toEqual(['line 1', 'line 2'])
    expect(c.getState().status.tone).toBe('live')
    c.stop()
  })

  it('ends when every container is removed, though the server closes before the page heard of it', async () => {
    const project: LogTarget = { engine: 'default', containers: [{ id: 'web', name: 'web-1' }, { id: 'db', name: 'db-1' }], name: 'shop' }
    const { c, workers } = setup(project)
    await settle()
    const ws = FakeWebSocket.last
    ws.deliver(hello(['web', 'db']))
    const state = (id: string, s: string) => env('logs.state', { engine: 'default', id, state: s, reason: '' })
    ws.deliver(state('web', 'removed'))
    ws.deliver(state('db', 'removed'))
    ws.drop(1000, 'every container was removed')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(FakeWebSocket.instances).toHaveLength(1)
    // The close was the end: no failure, no retry.
    expect(workers[0]!.posted.flatMap((m) => (m.kind === 'status' ? [m.status.kind] : []))).toEqual(['connecting', 'live', 'closed'])
    expect(c.getState().status).toEqual({ tone: 'ended', text: 'Every container was removed: their logs are over' })
    c.stop()
  })
})
