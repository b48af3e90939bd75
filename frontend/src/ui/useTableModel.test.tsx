import { act, renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveProvider, createLiveStore, useRunAction, type LiveStore, type PerformAction } from '../live'
import { ManualScheduler, container, engine, msg, stats } from '../livetest'
import type { TableQuery } from './tableModel'
import { HOLD_AFTER_MS, useTableModel } from './useTableModel'

describe('useTableModel', () => {
  let scheduler: ManualScheduler
  let store: LiveStore
  let perform: ReturnType<typeof vi.fn<PerformAction>>
  let finish: () => void

  beforeEach(() => {
    vi.useFakeTimers()
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler, connection: { status: 'connected', since: 0, latencyMs: null } })
    perform = vi.fn<PerformAction>(() => new Promise<void>((resolve) => (finish = resolve)))
  })
  afterEach(() => vi.useRealTimers())

  const byCpu: TableQuery = { filter: 'all', search: '', sort: { key: 'cpu', dir: 'desc' } }
  const render = (query: TableQuery = byCpu) => {
    const wrapper = ({ children }: { children: ReactNode }) => (
      <LiveProvider store={store} perform={perform}>
        {children}
      </LiveProvider>
    )
    return renderHook(() => ({ table: useTableModel(query, false), run: useRunAction() }), { wrapper })
  }
  const dispatch = (m: Parameters<LiveStore['dispatch']>[0]) =>
    act(() => {
      store.dispatch(m)
      scheduler.frame()
    })
  const cpu = (seq: number, a: number, b: number) =>
    dispatch({ type: 'message', message: msg.stats(seq, [stats({ id: 'a', cpuPercent: a }), stats({ id: 'b', cpuPercent: b })]) })
  const names = (order: readonly string[]) => order.map((k) => k.replace('local/', ''))

  const snapshot = () =>
    dispatch({
      type: 'message',
      message: msg.snapshot({
        seq: 1,
        engines: [engine()],
        containers: [container({ id: 'a', name: 'web' }), container({ id: 'b', name: 'db' })],
        stats: [stats({ id: 'a', cpuPercent: 50 }), stats({ id: 'b', cpuPercent: 5 })],
      }),
    })

  it('follows the sort while nobody acts: no hold', () => {
    const { result } = render()
    snapshot()
    expect(names(result.current.table.order)).toEqual(['a', 'b'])
    cpu(2, 1, 90)
    expect(names(result.current.table.order)).toEqual(['b', 'a'])
    expect(result.current.table.hold).toBeNull()
  })

  it('holds while an action is pending and releases the moment the engine confirms it', async () => {
    const { result } = render()
    snapshot()
    await act(async () => {
      void result.current.run({ engine: 'local', id: 'a', name: 'web' }, 'stop')
      await Promise.resolve()
    })
    act(() => scheduler.frame())
    expect(result.current.table.hold).toEqual({ reason: 'action', text: 'order held while stopping web' })
    cpu(2, 1, 90)
    expect(names(result.current.table.order)).toEqual(['a', 'b'])
    await act(async () => {
      finish()
      await Promise.resolve()
    })
    dispatch({ type: 'message', message: msg.upsert(3, container({ id: 'a', name: 'web', state: 'exited', exitCode: 0 })) })
    expect(result.current.table.hold).toBeNull()
    expect(names(result.current.table.order)).toEqual(['b', 'a'])
  })

  it('holds while a dialog about a row is open, with no grace after it closes', () => {
    const { result } = render()
    snapshot()
    act(() => result.current.table.setDialog('remove web'))
    cpu(2, 1, 90)
    expect(names(result.current.table.order)).toEqual(['a', 'b'])
    expect(result.current.table.hold?.text).toBe('order held while the dialog to remove web is open')
    act(() => result.current.table.setDialog(null))
    expect(result.current.table.hold).toBeNull()
    expect(names(result.current.table.order)).toEqual(['b', 'a'])
  })

  it('holds briefly after a key press', () => {
    const { result } = render()
    snapshot()
    act(() => result.current.table.nudge())
    cpu(2, 1, 90)
    expect(names(result.current.table.order)).toEqual(['a', 'b'])
    expect(result.current.table.hold?.reason).toBe('keys')
    act(() => void vi.advanceTimersByTime(HOLD_AFTER_MS))
    expect(result.current.table.hold).toBeNull()
    expect(names(result.current.table.order)).toEqual(['b', 'a'])
  })
})
