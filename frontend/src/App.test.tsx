import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { LiveProvider, createLiveStore, type LiveStore } from './live'
import { ManualScheduler, container, engine, msg, stats } from './livetest'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined
}

describe('App', () => {
  let host: HTMLDivElement
  let root: Root
  let scheduler: ManualScheduler
  let store: LiveStore

  beforeEach(() => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true
    host = document.createElement('div')
    document.body.append(host)
    root = createRoot(host)
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler, connection: { status: 'connecting', since: 0 } })
  })

  afterEach(() => {
    act(() => root.unmount())
    host.remove()
  })

  const render = () =>
    act(() =>
      root.render(
        <LiveProvider store={store}>
          <App />
        </LiveProvider>,
      ),
    )
  const frame = () => act(() => scheduler.frame())
  const status = (name: string) =>
    [...host.querySelectorAll('[role="status"]')].find((el) => el.getAttribute('aria-label') === name)?.textContent
  const rows = () =>
    [...host.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent))

  it('shows the table sorted, with stats, and updates it live', () => {
    render()
    expect(host.querySelector('h1')?.textContent).toBe('Dockpulse')
    expect(status('Connection')).toBe('Connecting…')
    expect(host.textContent).toContain('Waiting for the first snapshot')

    store.dispatch({
      type: 'message',
      message: msg.snapshot({
        seq: 1,
        engines: [engine()],
        containers: [
          container({ id: 'a', name: 'zeta' }),
          container({ id: 'b', name: 'alpha', state: 'exited', exitCode: 137, oomKilled: true }),
          container({ id: 'c', name: 'beta', image: 'redis:7', health: 'healthy' }),
        ],
        stats: [
          stats({ id: 'a', cpuPercent: 150.26, memoryUsage: 100 * 1024 ** 2, memoryLimit: 1024 ** 3 }),
          stats({ id: 'c', cpuPercent: 0.5, memoryUsage: 3 * 1024 ** 2, memoryLimit: 0 }),
        ],
      }),
    })
    store.dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 8.4 } })
    frame()

    expect(status('Connection')).toBe('Live')
    expect(host.querySelector('.indicator-detail')?.textContent).toBe('8 ms')
    expect(status('Engine')).toBe('Engine up · Docker 20.10.24')
    expect(rows()).toEqual([
      ['beta', 'redis:7', 'Running · healthy', '0.5%', '3.0 MiB'],
      ['zeta', 'nginx:1.27', 'Running', '150.3%', '100 MiB / 1.0 GiB'],
      ['alpha', 'nginx:1.27', 'Exited (137, OOM killed)', '—', '—'],
    ])

    store.dispatch({
      type: 'message',
      message: msg.upsert(2, container({ id: 'a', name: 'zeta', state: 'exited', exitCode: 0 })),
    })
    store.dispatch({ type: 'message', message: msg.stats(3, [stats({ id: 'c', cpuPercent: 42, memoryLimit: 0 })]) })
    frame()
    expect(rows().map((r) => [r[0], r[2], r[3]])).toEqual([
      ['beta', 'Running · healthy', '42.0%'],
      ['alpha', 'Exited (137, OOM killed)', '—'],
      ['zeta', 'Exited (0)', '—'],
    ])
  })

  it('makes a down engine impossible to miss', () => {
    render()
    store.dispatch({
      type: 'message',
      message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container()] }),
    })
    store.dispatch({
      type: 'message',
      message: msg.engine(2, {
        engine: 'local',
        status: 'down',
        reason: 'dial unix /var/run/docker.sock: connection refused',
        since: 5,
      }),
    })
    store.dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: null } })
    frame()
    expect(status('Engine')).toBe('Engine down')
    expect(host.querySelector('[role="alert"]')?.textContent).toContain(
      'Engine down: dial unix /var/run/docker.sock: connection refused',
    )
  })

  it('renders degraded and offline connection states', () => {
    vi.useFakeTimers()
    vi.setSystemTime(10_000)
    try {
      render()
      store.dispatch({
        type: 'connection',
        connection: { status: 'polling', since: 0, lastPollAt: 9_000, attempt: 3, nextRetryAt: 12_000 },
      })
      frame()
      expect(status('Connection')).toBe('Degraded: polling')
      expect(host.querySelector('.indicator')?.getAttribute('data-tone')).toBe('warn')
      expect(host.querySelector('.indicator-detail')?.textContent).toBe('live updates: retry in 2 s')
      act(() => vi.advanceTimersByTime(1000))
      expect(host.querySelector('.indicator-detail')?.textContent).toBe('live updates: retry in 1 s')

      store.dispatch({
        type: 'connection',
        connection: { status: 'offline', since: 0, reason: 'GET /api/snapshot: HTTP 502', nextRetryAt: null },
      })
      frame()
      expect(status('Connection')).toBe('Offline')
      expect(host.textContent).toContain('Cannot reach the Dockpulse backend: GET /api/snapshot: HTTP 502')

      // With data on screen, the data stays and is marked as old.
      store.dispatch({
        type: 'message',
        message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container()] }),
      })
      frame()
      expect(rows()).toHaveLength(1)
      expect(host.querySelector('table')?.getAttribute('data-stale')).toBe('true')
      expect(status('Engine')).toBe('Engine up · Docker 20.10.24 (last known)')
      expect(host.querySelector('.notice')?.textContent).toContain(
        'Cannot reach the Dockpulse backend: GET /api/snapshot: HTTP 502.',
      )
    } finally {
      vi.useRealTimers()
    }
  })
})
