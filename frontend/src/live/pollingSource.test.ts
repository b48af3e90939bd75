import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordSink, snapshot } from '../livetest'
import { PollingSource, type PollStatus } from './pollingSource'

describe('PollingSource', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(5_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('polls at once, then 2 s after each poll', async () => {
    const fetchSnapshot = vi.fn(() => Promise.resolve(snapshot({ seq: fetchSnapshot.mock.calls.length })))
    const rec = recordSink<PollStatus>()
    new PollingSource({ fetchSnapshot }).start(rec.sink)
    await vi.advanceTimersByTimeAsync(0)
    expect(fetchSnapshot).toHaveBeenCalledTimes(1)
    expect(rec.messages[0]).toMatchObject({ type: 'snapshot', seq: 1 })
    expect(rec.last()).toEqual({ kind: 'ok', at: 5_000 })
    await vi.advanceTimersByTimeAsync(1999)
    expect(fetchSnapshot).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetchSnapshot).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(4000)
    expect(fetchSnapshot).toHaveBeenCalledTimes(4)
  })

  it('reports failures and keeps polling', async () => {
    const fetchSnapshot = vi.fn().mockRejectedValueOnce(new Error('HTTP 502')).mockResolvedValue(snapshot())
    const rec = recordSink<PollStatus>()
    new PollingSource({ fetchSnapshot }).start(rec.sink)
    await vi.advanceTimersByTimeAsync(0)
    expect(rec.last()).toEqual({ kind: 'failed', at: 5_000, reason: 'HTTP 502' })
    await vi.advanceTimersByTimeAsync(2000)
    expect(rec.last()?.kind).toBe('ok')
  })

  it('fails a poll that hangs', async () => {
    const rec = recordSink<PollStatus>()
    new PollingSource({ fetchSnapshot: () => new Promise(() => {}), timeoutMs: 3000 }).start(rec.sink)
    await vi.advanceTimersByTimeAsync(3000)
    expect(rec.last()).toMatchObject({ kind: 'failed', reason: 'no answer within 3000 ms' })
  })

  it('drops a result that arrives after stop', async () => {
    let resolve: (s: ReturnType<typeof snapshot>) => void = () => {}
    const rec = recordSink<PollStatus>()
    const src = new PollingSource({ fetchSnapshot: () => new Promise((r) => (resolve = r)) })
    src.start(rec.sink)
    src.stop()
    resolve(snapshot())
    await vi.advanceTimersByTimeAsync(10_000)
    expect(rec.messages).toHaveLength(0)
    expect(rec.statuses).toHaveLength(0)
  })
})
