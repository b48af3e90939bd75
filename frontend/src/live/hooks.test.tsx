import { act, renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { container, msg, stats } from '../livetest'
import { LiveProvider, useStatsHistory, type FetchHistory } from './hooks'
import { createLiveStore } from './store'
import type { ConnectionState } from './types'

const connected: ConnectionState = { status: 'connected', since: 0, latencyMs: null }

function setup() {
  const store = createLiveStore({ scheduler: { request: (commit) => commit() }, connection: connected })
  store.dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [container({ id: 'a' })] }) })
  let read = 0
  const fetchHistory = vi.fn<FetchHistory>((key) => {
    read += 1000
    return Promise.resolve({ ...key, samples: [stats({ id: key.id, read }), stats({ id: key.id, read: read + 500 })] })
  })
  const wrapper = ({ children }: { children?: ReactNode }) => (
    <LiveProvider store={store} fetchHistory={fetchHistory}>
      {children}
    </LiveProvider>
  )
  const hook = renderHook(() => useStatsHistory('local/a'), { wrapper })
  const setConnection = (connection: ConnectionState) => act(() => void store.dispatch({ type: 'connection', connection }))
  return { store, fetchHistory, hook, setConnection }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('useStatsHistory', () => {
  it("fills the charts from the backend's history when shown, and again when push is back", async () => {
    const { fetchHistory, hook, setConnection } = setup()
    await act(() => Promise.resolve())
    expect(fetchHistory).toHaveBeenCalledWith({ engine: 'local', id: 'a' })
    expect([...hook.result.current!.time]).toEqual([1, 1.5])

    setConnection({ status: 'reconnecting', since: 1, attempt: 1, nextRetryAt: 2, reason: 'lost' })
    expect(fetchHistory).toHaveBeenCalledTimes(1) // nothing to ask while the backend is out of reach
    setConnection({ ...connected, since: 3 })
    await act(() => Promise.resolve())
    expect(fetchHistory).toHaveBeenCalledTimes(2)
    expect([...hook.result.current!.time]).toEqual([1, 1.5, 2, 2.5])
  })

  it('asks every poll interval while the page polls', async () => {
    vi.useFakeTimers()
    const { fetchHistory, setConnection } = setup()
    await act(() => Promise.resolve())
    setConnection({ status: 'polling', since: 1, lastPollAt: 1, intervalMs: 2000, attempt: 1, nextRetryAt: null })
    expect(fetchHistory).toHaveBeenCalledTimes(2) // once when shown, once on entering polling
    await act(() => vi.advanceTimersByTimeAsync(6000))
    expect(fetchHistory).toHaveBeenCalledTimes(5) // then every 2 s
  })
})
