import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeWebSocket, logBatch } from '../../livetest'
import { BackendError } from '../backend'
import type { LastWords, LogLine, LogPage, LogQuery } from '../types'
import { LogsClient, type LogTarget, type LogsBackend, type LogsClientOptions } from './client'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(1_000_000)
  FakeWebSocket.reset()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A line's time: second s, nanosecond n of one minute. */
const T = (s: number, n = 0) => `2026-12-02T06:43:${String(s).padStart(2, '0')}.${String(n).padStart(9, '0')}Z`

function line(s: number, text = `line ${s}`, id = 'web', stream: LogLine['stream'] = 'stdout'): LogLine {
  return { engine: 'default', id, time: T(s), stream, text }
}

let seq = 0
function env(type: string, data: unknown, at = ++seq): string {
  return JSON.stringify({ v: 2, type, seq: at, data })
}
const hello = (ids = ['web']) => {
  seq = 0
  return env('logs.hello', { containers: ids.map((id) => ({ engine: 'default', id, name: `${id}-1`, tty: false })), maxLineBytes: 65536 })
}
const lines = (...l: LogLine[]) => env('logs.lines', logBatch(l))

type PageHandler = (id: string, q: Partial<LogQuery>) => Promise<LogPage>

function fakeBackend(pages: PageHandler = () => Promise.reject(new Error('no polling in this test')), words?: () => Promise<LastWords>) {
  const urls: { ids: readonly string[]; from: unknown }[] = []
  const logs = vi.fn((_engine: string, id: string, q: Partial<LogQuery>) => pages(id, q))
  const backend: LogsBackend = {
    logsSocketUrl: (engine, ids, from) => {
      urls.push({ ids, from })
      return Promise.resolve(`ws://127.0.0.1:9/ws/logs?token=secret&engine=${engine}`)
    },
    logs,
    lastWords: vi.fn(words ?? (() => Promise.reject(new BackendError('no last words', 404)))),
  }
  return { backend, urls, logs }
}

const web: LogTarget = { engine: 'default', containers: [{ id: 'web', name: 'web-1' }], name: 'web-1' }

function client(backend: LogsBackend, target: LogTarget = web, more: Partial<LogsClientOptions> = {}) {
  const c = new LogsClient(target, { backend, WebSocket: FakeWebSocket, random: () => 0, notifyMs: 10, ...more })
  c.start()
  return c
}

/** Lets the url() promise resolve and the view's update go out. */
const settle = () => vi.advanceTimersByTimeAsync(20)

const texts = (c: LogsClient) => c.getState().lines.map((l) => l.text)

describe('LogsClient', () => {
  it('opens the logs socket for the last lines, and shows what it sends in time order', async () => {
    const { backend, urls } = fakeBackend()
    const c = client(backend)
    await settle()
    expect(urls).toEqual([{ ids: ['web'], from: { tail: 500 } }])
    FakeWebSocket.last.open()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1), line(3)))
    FakeWebSocket.last.deliver(lines(line(2)))
    await settle()
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 3'])
    expect(c.getState().status).toEqual({ tone: 'live', text: 'Live' })
    expect(c.getState().fileName).toBe('web-1.log')
    c.stop()
  })

  it('closes and reconnects on a gap in seq, and on a line it cannot read', async () => {
    const { backend, urls } = fakeBackend(() => new Promise(() => {}))
    const c = client(backend)
    await settle()
    const first = FakeWebSocket.last
    first.deliver(hello())
    first.deliver(lines(line(1)))
    first.deliver(env('logs.lines', logBatch([line(2)]), 5)) // 3 and 4 never came
    expect(first.closedWith?.code).toBe(4000)
    await settle()
    expect(c.getState().status.text).toMatch(/missed log messages: expected seq 3, got 5/)
    expect(texts(c)).toEqual(['line 1'])
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(urls[1]).toEqual({ ids: ['web'], from: { since: T(1) } })
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(env('logs.lines', logBatch([{ ...line(2), time: '06:43:02' }])))
    expect(FakeWebSocket.last.closedWith?.code).toBe(4000)
    c.stop()
  })

  it('tells of a line after a quiet spell at once, and of the lines that follow it at most once every notifyMs', async () => {
    const { backend } = fakeBackend()
    const c = client(backend, web, { notifyMs: 100 })
    let heard = 0
    c.subscribe(() => heard++)
    await settle()
    FakeWebSocket.last.deliver(hello())
    await vi.advanceTimersByTimeAsync(1000) // the hello, and the check for the log's start, long told
    heard = 0
    FakeWebSocket.last.deliver(lines(line(1)))
    await vi.advanceTimersByTimeAsync(1)
    expect(heard).toBe(1)
    expect(texts(c)).toEqual(['line 1'])
    // A flood: one notification for all that comes within the interval.
    for (let n = 2; n <= 6; n++) {
      FakeWebSocket.last.deliver(lines(line(n)))
      await vi.advanceTimersByTimeAsync(10)
    }
    expect(heard).toBe(1)
    await vi.advanceTimersByTimeAsync(60)
    expect(heard).toBe(2)
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6'])
    // Quiet again for longer than the interval: the next line at once.
    await vi.advanceTimersByTimeAsync(500)
    FakeWebSocket.last.deliver(lines(line(7)))
    await vi.advanceTimersByTimeAsync(1)
    expect(heard).toBe(3)
    c.stop()
  })

  it('tells a paused view of new lines only every pausedNotifyMs, of anything else at once, and of all again when it follows', async () => {
    const { backend } = fakeBackend()
    const c = client(backend, web, { pausedNotifyMs: 200 })
    let heard = 0
    c.subscribe(() => heard++)
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1)))
    await vi.advanceTimersByTimeAsync(100) // and the check for the log's start
    expect(texts(c)).toEqual(['line 1'])
    c.getState().onPaused(true)
    heard = 0
    // Within 200 ms of the last notification: not yet.
    FakeWebSocket.last.deliver(lines(line(2)))
    await settle()
    expect(heard).toBe(0)
    expect(texts(c)).toEqual(['line 1'])
    await vi.advanceTimersByTimeAsync(200)
    expect(heard).toBe(1)
    expect(texts(c)).toEqual(['line 1', 'line 2'])
    // A notice (skipped lines) does not wait for the slow pace, and brings the lines with it.
    FakeWebSocket.last.deliver(lines(line(3)))
    FakeWebSocket.last.deliver(env('logs.skipped', { engine: 'default', id: 'web', count: 7, from: T(4), to: T(5) }))
    await settle()
    expect(heard).toBe(2)
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 3'])
    expect(c.getState().notices.map((n) => n.key)).toEqual([`web@${T(4)}`])
    // Following again: the lines that came meanwhile show within notifyMs.
    FakeWebSocket.last.deliver(lines(line(6)))
    await vi.advanceTimersByTimeAsync(15)
    expect(heard).toBe(2)
    c.getState().onPaused(false)
    await settle()
    expect(heard).toBe(3)
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 3', 'line 6'])
    c.stop()
  })

  it('keeps at most its bound of lines, the newest, and says how many left', async () => {
    const { backend } = fakeBackend()
    const c = client(backend, web, { bound: 5 })
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => line(s))))
    await settle()
    expect(texts(c)).toEqual(['line 4', 'line 5', 'line 6', 'line 7', 'line 8'])
    expect(c.getState().notices).toEqual([{ key: 'dropped', text: '3 older lines left memory: a view keeps the newest 5' }])
    // A full view has no room for earlier lines.
    expect(c.getState().canLoadEarlier).toBe(false)
    c.stop()
  })

  it('fetches skipped lines when asked and puts them in their place', async () => {
    const { backend, logs } = fakeBackend((_id, q) =>
      Promise.resolve({ lines: q.since === T(2) ? [line(2), line(3), line(4)] : [], cursor: 'C', more: false, start: false }),
    )
    const c = client(backend)
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1)))
    FakeWebSocket.last.deliver(env('logs.skipped', { engine: 'default', id: 'web', count: 3, from: T(2), to: T(4) }))
    FakeWebSocket.last.deliver(lines(line(5)))
    await settle()
    const notice = c.getState().notices.find((n) => n.key.startsWith('web@'))
    expect(notice?.text).toBe('3 lines were skipped: this view fell behind the stream')
    expect(notice?.action?.label).toBe('Fetch 3 skipped lines')
    notice!.action!.run()
    await settle()
    expect(logs).toHaveBeenCalledWith('default', 'web', { since: T(2), until: T(4), limit: 10000 })
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5'])
    expect(c.getState().notices).toEqual([])
    c.stop()
  })

  it('resumes after a drop from the last line, without the lines it has', async () => {
    const { backend, urls } = fakeBackend(() => new Promise(() => {}))
    const c = client(backend)
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1), line(2, 'same time a'), line(2, 'same time b')))
    FakeWebSocket.last.drop()
    await vi.advanceTimersByTimeAsync(250)
    expect(urls.at(-1)).toEqual({ ids: ['web'], from: { since: T(2) } })
    FakeWebSocket.last.deliver(hello())
    // The server sends again every line at or after since.
    FakeWebSocket.last.deliver(lines(line(2, 'same time a'), line(2, 'same time b'), line(2, 'same time c'), line(3)))
    await settle()
    expect(texts(c)).toEqual(['line 1', 'same time a', 'same time b', 'same time c', 'line 3'])
    c.stop()
  })

  it('polls with the cursor while the socket is down, and stops once it is back', async () => {
    const answers: LogPage[] = [
      { lines: [line(2), line(3)], cursor: 'C1', more: false, start: false },
      { lines: [line(4)], cursor: 'C2', more: false, start: false },
    ]
    const { backend, logs } = fakeBackend(() => Promise.resolve(answers.shift() ?? { lines: [], cursor: 'C2', more: false, start: false }))
    FakeWebSocket.refuse = false
    const c = client(backend, web, { backoff: { baseMs: 10_000, maxMs: 10_000 } })
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1), line(2)))
    FakeWebSocket.last.drop()
    await settle()
    expect(logs).toHaveBeenLastCalledWith('default', 'web', { since: T(2), limit: 10000 })
    expect(c.getState().status).toEqual({ tone: 'polling', text: 'Polling every 1.5 s: the live stream is down (connection lost (no close frame))' })
    await vi.advanceTimersByTimeAsync(1500)
    expect(logs).toHaveBeenLastCalledWith('default', 'web', { cursor: 'C1' })
    await settle()
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 3', 'line 4'])
    await vi.advanceTimersByTimeAsync(10_000)
    FakeWebSocket.last.deliver(hello())
    const calls = logs.mock.calls.length
    await vi.advanceTimersByTimeAsync(5000)
    // No more polling: only the one check of whether the log's start is held.
    expect(logs.mock.calls.length).toBe(calls + 1)
    expect(logs).toHaveBeenLastCalledWith('default', 'web', { tail: 1, until: T(1) })
    expect(c.getState().status.tone).toBe('live')
    c.stop()
  })

  it('says when polling fails too', async () => {
    const { backend } = fakeBackend(() => Promise.reject(new BackendError('GET /api/…/logs: no answer within 5000 ms')))
    const c = client(backend)
    await settle()
    FakeWebSocket.last.drop()
    await settle()
    expect(c.getState().status).toEqual({ tone: 'offline', text: 'Offline: GET /api/…/logs: no answer within 5000 ms; retrying' })
    c.stop()
  })

  it('says what each container of a project does, and ends when all are removed', async () => {
    const { backend } = fakeBackend()
    const project: LogTarget = { engine: 'default', containers: [{ id: 'web', name: 'web-1' }, { id: 'db', name: 'db-1' }], name: 'shop' }
    const c = client(backend, project)
    await settle()
    const ws = FakeWebSocket.last
    ws.deliver(hello(['web', 'db']))
    const state = (id: string, s: string, reason = '') => env('logs.state', { engine: 'default', id, state: s, reason })
    ws.deliver(state('web', 'following'))
    ws.deliver(state('db', 'stopped'))
    await settle()
    expect(c.getState().status).toEqual({ tone: 'live', text: 'Live: 1 of 2 following; db-1 stopped' })
    ws.deliver(state('web', 'interrupted', 'engine down: EOF'))
    await settle()
    expect(c.getState().status).toEqual({ tone: 'offline', text: 'Interrupted for web-1: engine down: EOF; resuming by itself' })
    ws.deliver(state('web', 'removed'))
    ws.deliver(state('db', 'removed'))
    ws.drop(1000, 'every container was removed')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(FakeWebSocket.instances).toHaveLength(1) // not reconnected
    expect(c.getState().status).toEqual({ tone: 'ended', text: 'Every container was removed: their logs are over' })
    c.stop()
  })

  it('shows the last words of a removed container', async () => {
    const words: LastWords = {
      engine: 'default',
      id: 'job',
      name: '/job-1',
      exitCode: 1,
      exitCause: 'unasked',
      finishedAt: 5,
      lines: [line(1, 'starting', 'job'), line(2, 'panic: boom', 'job', 'stderr')],
      removed: true,
    }
    const { backend } = fakeBackend(undefined, () => Promise.resolve(words))
    const c = client(backend, { engine: 'default', containers: [{ id: 'job', name: 'job-1' }], name: 'job-1', removed: true })
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(0)
    expect(texts(c)).toEqual(['starting', 'panic: boom'])
    expect(c.getState().notices).toEqual([{ key: 'lastwords', text: 'This container was removed; these are its last 2 lines, kept by Dockpulse' }])
    expect(c.getState().status).toEqual({ tone: 'ended', text: 'Removed: exit code 1' })
    expect(c.getState().canLoadEarlier).toBe(false)
    c.stop()
  })

  it('turns to the last words when the backend no longer knows the container', async () => {
    const { backend } = fakeBackend(
      () => Promise.reject(new BackendError('GET …/logs: no such container job (HTTP 404)', 404)),
      () => Promise.reject(new BackendError('GET …/lastwords: none kept (HTTP 404)', 404)),
    )
    const c = client(backend, { engine: 'default', containers: [{ id: 'job', name: 'job-1' }], name: 'job-1' })
    await settle()
    FakeWebSocket.last.drop() // the upgrade was refused
    await settle()
    expect(c.getState().notices).toEqual([{ key: 'lastwords', text: 'This container was removed, and Dockpulse kept none of its lines' }])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(FakeWebSocket.instances).toHaveLength(1)
    c.stop()
  })

  it('loads earlier lines up to each container’s oldest, until there are none', async () => {
    const { backend, logs } = fakeBackend((_id, q) =>
      Promise.resolve(
        q.until === T(10) && q.tail === 3
          ? { lines: [line(8), line(9), line(10)], cursor: '', more: false, start: false }
          : { lines: q.until === T(8) ? [line(7), line(8)] : [], cursor: '', more: false, start: q.until === T(8) },
      ),
    )
    const c = client(backend, web, { earlierLines: 3 })
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(10), line(11)))
    await settle()
    expect(c.getState().canLoadEarlier).toBe(true)
    c.getState().onLoadEarlier()
    await settle()
    expect(logs).toHaveBeenCalledWith('default', 'web', { tail: 3, until: T(10) })
    expect(texts(c)).toEqual(['line 8', 'line 9', 'line 10', 'line 11'])
    expect(c.getState().canLoadEarlier).toBe(true)
    c.getState().onLoadEarlier()
    await settle()
    expect(logs).toHaveBeenLastCalledWith('default', 'web', { tail: 3, until: T(8) })
    expect(texts(c)).toEqual(['line 7', 'line 8', 'line 9', 'line 10', 'line 11'])
    expect(c.getState().canLoadEarlier).toBe(false)
    expect(c.getState().atStart).toBe(true)
    c.stop()
  })

  it('says at once that a short log is whole: the check after the first tail finds its start', async () => {
    const { backend, logs } = fakeBackend((_id, q) => Promise.resolve({ lines: [line(1)], cursor: '', more: false, start: q.tail === 1 && q.until === T(1) }))
    const c = client(backend, web)
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1), line(2)))
    await vi.advanceTimersByTimeAsync(100)
    expect(logs).toHaveBeenCalledWith('default', 'web', { tail: 1, until: T(1) })
    expect(c.getState().canLoadEarlier).toBe(false)
    expect(c.getState().atStart).toBe(true)
    c.stop()
  })

  it('keeps the button when the check finds older lines or fails', async () => {
    const { backend } = fakeBackend(() => Promise.resolve({ lines: [line(1)], cursor: '', more: false, start: false }))
    const c = client(backend, web)
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1), line(2)))
    await vi.advanceTimersByTimeAsync(100)
    expect(c.getState().canLoadEarlier).toBe(true)
    expect(c.getState().atStart).toBe(false)
    c.stop()
  })

  it('starts again after a stop, as StrictMode’s second mount does, on one socket', async () => {
    const { backend, urls } = fakeBackend()
    const c = client(backend)
    c.stop()
    c.start()
    await settle()
    expect(urls).toHaveLength(2) // the first attempt asked for its URL, then gave way before opening a socket
    expect(FakeWebSocket.instances).toHaveLength(1)
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1)))
    await settle()
    expect(texts(c)).toEqual(['line 1'])
    c.stop()
  })

  it('tells subscribers at most once per interval, and nothing after stop', async () => {
    const { backend } = fakeBackend()
    const c = client(backend)
    const heard = vi.fn()
    c.subscribe(heard)
    await settle()
    heard.mockClear()
    FakeWebSocket.last.deliver(hello())
    for (let i = 1; i <= 50; i++) FakeWebSocket.last.deliver(lines(line(i)))
    await settle()
    expect(heard).toHaveBeenCalledTimes(1)
    expect(c.getState().lines).toHaveLength(50)
    c.stop()
    expect(FakeWebSocket.last.closedWith?.code).toBe(1000)
  })
})

/** A window whose visibility the test sets: what watchVisibility would report. */
function fakeWindow(hidden = false) {
  let listener: ((hidden: boolean) => void) | null = null
  return {
    watchHidden: (onChange: (hidden: boolean) => void) => {
      listener = onChange
      onChange(hidden)
      return () => {
        listener = null
      }
    },
    set: (h: boolean) => listener?.(h),
    get watched() {
      return listener !== null
    },
  }
}

describe('LogsClient while the window is hidden', () => {
  it('closes the socket, opens none while hidden, and resumes from the newest line held: each line once', async () => {
    const { backend, urls, logs } = fakeBackend()
    const win = fakeWindow()
    const c = client(backend, web, { watchHidden: win.watchHidden })
    await settle()
    const first = FakeWebSocket.last
    first.deliver(hello())
    first.deliver(lines(line(1), line(2, 'same time a'), line(2, 'same time b')))
    await settle()
    win.set(true)
    expect(first.closedWith).toEqual({ code: 1000, reason: 'client stopped' })
    await settle()
    expect(c.getState().status).toEqual({ tone: 'offline', text: 'Paused while the window is hidden' })
    // Nothing reconnects, and nothing polls, however long it stays hidden.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeWebSocket.instances).toEqual([first])
    expect(logs.mock.calls.filter(([, , q]) => q.since !== undefined || q.cursor !== undefined)).toEqual([])
    win.set(false)
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(urls.at(-1)).toEqual({ ids: ['web'], from: { since: T(2) } })
    expect(c.getState().status.text).toBe('Connecting…')
    FakeWebSocket.last.deliver(hello())
    // The lines at since come again, then those written while hidden.
    FakeWebSocket.last.deliver(lines(line(2, 'same time a'), line(2, 'same time b'), line(3), line(4)))
    await settle()
    expect(texts(c)).toEqual(['line 1', 'same time a', 'same time b', 'line 3', 'line 4'])
    expect(c.getState().status).toEqual({ tone: 'live', text: 'Live' })
    c.stop()
    expect(win.watched).toBe(false)
  })

  it('says so when more was written while hidden than the socket could send', async () => {
    const { backend } = fakeBackend()
    const win = fakeWindow()
    const c = client(backend, web, { watchHidden: win.watchHidden })
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1)))
    win.set(true)
    win.set(false)
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1), line(2)))
    FakeWebSocket.last.deliver(env('logs.skipped', { engine: 'default', id: 'web', count: 5000, from: T(3), to: T(40) }))
    FakeWebSocket.last.deliver(lines(line(41)))
    await settle()
    expect(texts(c)).toEqual(['line 1', 'line 2', 'line 41'])
    expect(c.getState().notices.map((n) => n.text)).toEqual(['5,000 lines were skipped: this view fell behind the stream'])
    c.stop()
  })

  it('opens nothing when it starts hidden, and the last lines once shown', async () => {
    const { backend, urls } = fakeBackend()
    const win = fakeWindow(true)
    const c = client(backend, web, { watchHidden: win.watchHidden })
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(0)
    expect(c.getState().status.text).toBe('Paused while the window is hidden')
    win.set(false)
    await settle()
    expect(urls).toEqual([{ ids: ['web'], from: { tail: 500 } }])
    c.stop()
  })

  it('stops polling too, and resumes by the socket once shown', async () => {
    const { backend, logs, urls } = fakeBackend(() => Promise.resolve({ lines: [], cursor: 'C1', more: false, start: false }))
    const win = fakeWindow()
    const c = client(backend, web, { watchHidden: win.watchHidden, backoff: { baseMs: 10_000, maxMs: 10_000 } })
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(lines(line(1)))
    FakeWebSocket.last.drop()
    await settle()
    expect(c.getState().status.tone).toBe('polling')
    win.set(true)
    const polls = logs.mock.calls.length
    await vi.advanceTimersByTimeAsync(30_000)
    expect(logs.mock.calls.length).toBe(polls)
    expect(FakeWebSocket.instances).toHaveLength(1)
    win.set(false)
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(urls.at(-1)).toEqual({ ids: ['web'], from: { since: T(1) } })
    c.stop()
  })

  it('reopens nothing for a stream that is over', async () => {
    const { backend } = fakeBackend()
    const win = fakeWindow()
    const c = client(backend, web, { watchHidden: win.watchHidden })
    await settle()
    FakeWebSocket.last.deliver(hello())
    FakeWebSocket.last.deliver(env('logs.state', { engine: 'default', id: 'web', state: 'removed', reason: '' }))
    FakeWebSocket.last.drop(1000, 'every container was removed')
    await settle()
    win.set(true)
    win.set(false)
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(c.getState().status).toEqual({ tone: 'ended', text: 'Removed: its log is over' })
    c.stop()
  })
})
