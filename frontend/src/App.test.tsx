import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { LiveProvider, MINIMISED_POLL_MS, createLiveStore, type LiveStore, type PerformAction } from './live'
import { ManualScheduler, container, engine, event, msg, stats } from './livetest'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined
}

describe('App', () => {
  let host: HTMLDivElement
  let root: Root
  let scheduler: ManualScheduler
  let store: LiveStore
  let perform: ReturnType<typeof vi.fn<PerformAction>>

  beforeEach(() => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true
    host = document.createElement('div')
    document.body.append(host)
    root = createRoot(host)
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler, connection: { status: 'connecting', since: 0 } })
    perform = vi.fn<PerformAction>(async () => {})
  })

  afterEach(() => {
    act(() => root.unmount())
    host.remove()
  })

  const render = (isMinimised?: () => Promise<boolean>) =>
    act(() =>
      root.render(
        <LiveProvider store={store} perform={perform} isMinimised={isMinimised}>
          <App />
        </LiveProvider>,
      ),
    )
  const frame = () => act(() => scheduler.frame())
  const dispatch = (m: Parameters<LiveStore['dispatch']>[0]) => act(() => void store.dispatch(m))
  const status = (name: string) =>
    [...host.querySelectorAll('[role="status"]')].find((el) => el.getAttribute('aria-label') === name)?.textContent
  const rowEls = () => [...host.querySelectorAll<HTMLElement>('.grid-canvas [role="row"][data-key]')]
  const names = () => rowEls().map((r) => r.querySelector('.name')?.textContent)
  const row = (name: string) => rowEls().find((r) => r.querySelector('.name')?.textContent === name)!
  const cells = (name: string) => [...row(name).children].map((c) => c.textContent)
  const button = (label: string) =>
    [...host.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.getAttribute('aria-label') === label)!
  const key = (k: string, init: KeyboardEventInit = {}) =>
    act(() => void window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, ...init })))

  const three = () =>
    msg.snapshot({
      seq: 1,
      engines: [engine()],
      containers: [
        container({ id: 'a', name: 'zeta' }),
        container({ id: 'b', name: 'alpha', state: 'exited', exitCode: 137, oomKilled: true }),
        container({
          id: 'c',
          name: 'beta',
          image: 'redis:7',
          health: 'healthy',
          labels: { 'com.docker.compose.project': 'shop' },
          ports: [{ ip: '127.0.0.1', privatePort: 6379, publicPort: 6380, protocol: 'tcp' }],
        }),
      ],
      stats: [
        stats({ id: 'a', cpuPercent: 150.26, memoryUsage: 100 * 1024 ** 2, memoryLimit: 1024 ** 3 }),
        stats({ id: 'c', cpuPercent: 0.5, memoryUsage: 3 * 1024 ** 2, memoryLimit: 0 }),
      ],
    })

  it('shows the table sorted, with stats, and updates it live', () => {
    render()
    expect(host.querySelector('h1')?.textContent).toBe('Dockpulse')
    expect(status('Connection')).toBe('Connecting…')
    expect(host.textContent).toContain('Waiting for the first snapshot')

    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 8.4 } })
    frame()

    expect(status('Connection')).toBe('Live')
    expect(host.querySelector('.indicator-detail')?.textContent).toBe('8 ms')
    expect(status('Engine')).toBe('Engine up')
    expect(host.querySelector('[aria-label="System summary"]')?.textContent).toContain('2 running0 paused1 stopped')
    expect(names()).toEqual(['beta', 'zeta', 'alpha'])
    const beta = cells('beta')
    expect(beta[1]).toBe('redis:7')
    expect(beta[2]).toBe('Runninghealthy')
    expect(beta[4]).toBe('0.5%')
    expect(beta[5]).toBe('3.0 MiB')
    expect(beta[8]).toBe('127.0.0.1:6380→6379/tcp')
    expect(cells('zeta')[4]).toBe('150.3%')
    expect(cells('zeta')[5]).toBe('100 MiB / 1.0 GiB')
    expect(cells('alpha')[2]).toBe('Exited (137, OOM)')

    // Rates come from two consecutive samples.
    dispatch({
      type: 'message',
      message: msg.stats(2, [stats({ id: 'a', read: 1_700_000_003_000, networkRx: 2048, blockWrite: 4096, memoryLimit: 1024 ** 3 })]),
    })
    dispatch({ type: 'message', message: msg.upsert(3, container({ id: 'c', name: 'beta', state: 'exited', exitCode: 0 })) })
    frame()
    expect(cells('zeta')[6]).toBe('↓ 2.0 KiB/s↑ 0 B/s')
    expect(cells('zeta')[7]).toBe('R 0 B/sW 4.0 KiB/s')
    expect(names()).toEqual(['zeta', 'alpha', 'beta'])
    expect(cells('beta')[4]).toBe('—')
  })

  it('sorts by a column, filters by state, searches and groups', () => {
    render()
    dispatch({ type: 'message', message: three() })
    frame()
    const header = (label: string) =>
      [...host.querySelectorAll<HTMLButtonElement>('.sort')].find((b) => b.textContent?.startsWith(label))!
    act(() => header('CPU').click())
    expect(names()).toEqual(['zeta', 'beta', 'alpha'])
    expect(header('CPU').parentElement?.getAttribute('aria-sort')).toBe('descending')
    act(() => header('Name').click())
    expect(names()).toEqual(['alpha', 'beta', 'zeta'])

    const filter = (label: string) =>
      [...host.querySelectorAll<HTMLButtonElement>('[role="radio"]')].find((b) => b.textContent?.startsWith(label))!
    expect(filter('Problems').textContent).toBe('Problems 1')
    act(() => filter('Stopped').click())
    expect(names()).toEqual(['alpha'])
    act(() => filter('All').click())

    const search = host.querySelector<HTMLInputElement>('input[type="search"]')!
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
      setter.call(search, 'redis')
      search.dispatchEvent(new Event('input', { bubbles: true }))
    })
    expect(names()).toEqual(['beta'])
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
      setter.call(search, '')
      search.dispatchEvent(new Event('input', { bubbles: true }))
    })

    key('g')
    const groups = [...host.querySelectorAll('.grid-group')].map((g) => g.textContent)
    expect(groups).toEqual(['shop1 running · 1 container', 'No compose project1 running · 2 containers'])
  })

  it('holds the order while the pointer is over the rows', () => {
    render()
    dispatch({ type: 'message', message: three() })
    frame()
    expect(names()).toEqual(['beta', 'zeta', 'alpha'])
    const body = host.querySelector('.grid-body')!
    act(() => void body.dispatchEvent(new MouseEvent('pointerover', { bubbles: true })))
    dispatch({ type: 'message', message: msg.upsert(2, container({ id: 'c', name: 'beta', state: 'exited', exitCode: 0 })) })
    dispatch({ type: 'message', message: msg.remove(3, 'local', 'a') })
    frame()
    // beta stopped and zeta is gone, but nothing moved: zeta shows as removed.
    expect(names()).toEqual(['beta', 'zeta', 'alpha'])
    expect(row('zeta').dataset.removed).toBe('true')
    expect(row('beta').dataset.state).toBe('exited')
  })

  it('runs an action, shows it pending until the engine confirms, and reports a refusal', async () => {
    render()
    dispatch({ type: 'message', message: three() })
    frame()
    await act(async () => button('Stop zeta').click())
    expect(perform).toHaveBeenCalledWith('a', 'stop', undefined)
    frame()
    expect(row('zeta').textContent).toContain('Stopping…')
    expect(button('Stop zeta').disabled).toBe(true)

    dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'a', name: 'zeta', action: 'kill', attributes: { signal: '15' } })) })
    dispatch({ type: 'message', message: msg.event(3, event({ actorId: 'a', name: 'zeta', action: 'die', attributes: { exitCode: '143' } })) })
    dispatch({ type: 'message', message: msg.upsert(4, container({ id: 'a', name: 'zeta', state: 'exited', exitCode: 143 })) })
    frame()
    expect(row('zeta').textContent).not.toContain('Stopping')
    // A stop that was asked for is no surprise: no toast.
    expect(host.querySelector('.toast')).toBeNull()

    perform.mockRejectedValueOnce(new Error('cannot remove a running container: stop it first or force it'))
    act(() => button('Remove beta').click())
    const dialog = host.querySelector('[role="dialog"]')!
    expect(dialog.textContent).toContain('Remove beta?')
    act(() => dialog.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click())
    await act(async () => [...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Remove')!.click())
    expect(perform).toHaveBeenLastCalledWith('c', 'remove', { removeVolumes: true })
    frame()
    expect(host.querySelector('[role="dialog"]')).toBeNull()
    expect(row('beta').textContent).toContain('Remove failed')
    expect(host.querySelector('.toast')?.textContent).toContain('Could not remove beta')
    expect(host.querySelector('.toast')?.textContent).toContain('cannot remove a running container')
  })

  it('raises a toast for an OOM kill and an unexpected death', () => {
    render()
    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'a', name: 'zeta', action: 'oom' })) })
    dispatch({ type: 'message', message: msg.event(3, event({ actorId: 'a', name: 'zeta', action: 'die', attributes: { exitCode: '137' } })) })
    dispatch({ type: 'message', message: msg.event(4, event({ actorId: 'c', name: 'beta', action: 'die', attributes: { exitCode: '1' } })) })
    frame()
    const toasts = [...host.querySelectorAll('.toast .toast-title')].map((t) => t.textContent)
    expect(toasts).toEqual(['zeta was killed: out of memory', 'beta died unexpectedly (exit 1)'])
    const feed = [...host.querySelectorAll('.event-text')].map((t) => t.textContent)
    expect(feed).toEqual(['beta died (exit 1)', 'zeta died (exit 137, OOM killed)', 'zeta ran out of memory'])
    act(() => button('Dismiss notification').click())
    frame()
    expect(host.querySelectorAll('.toast')).toHaveLength(1)
  })

  it('moves with the arrow keys and acts on the selection with keys', async () => {
    render()
    dispatch({ type: 'message', message: three() })
    frame()
    key('/')
    expect(document.activeElement).toBe(host.querySelector('input[type="search"]'))
    act(() => (document.activeElement as HTMLElement).blur())
    key('ArrowDown')
    expect(row('beta').getAttribute('aria-selected')).toBe('true')
    expect(host.querySelector('[aria-label="Details of beta"]')).not.toBeNull()
    key('ArrowDown')
    expect(row('zeta').getAttribute('aria-selected')).toBe('true')
    await act(async () => key('p'))
    expect(perform).toHaveBeenLastCalledWith('a', 'pause', undefined)
    key('Escape')
    expect(host.querySelector('[aria-label="Details of beta"]')).toBeNull()
    expect(host.querySelector('[aria-label="Details of zeta"]')).toBeNull()
  })

  it('says how often the figures are sampled, as hello said', () => {
    render()
    const toolbar = () => host.querySelector('[aria-label="Table controls"]')?.textContent
    dispatch({ type: 'message', message: msg.hello({ statsMode: 'visible', backgroundMs: 5000 }) })
    dispatch({ type: 'message', message: three() })
    frame()
    expect(toolbar()).not.toContain('stats') // not live yet
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 2 } })
    frame()
    expect(toolbar()).toContain('stats every 1 s on screen, 5 s off')
    dispatch({ type: 'message', message: msg.hello({ statsMode: 'all' }) })
    dispatch({ type: 'message', message: three() })
    frame()
    expect(toolbar()).toContain('stats every 1 s')
    expect(toolbar()).not.toContain('5 s off')
  })

  it('says which source the stats come from, as the engine said', () => {
    render()
    const toolbar = () => host.querySelector('[aria-label="Table controls"]')?.textContent
    dispatch({ type: 'message', message: msg.hello({ statsMode: 'visible', backgroundMs: 5000 }) })
    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 2 } })
    dispatch({ type: 'message', message: msg.engine(2, { statsSource: 'kernel' }) })
    frame()
    expect(toolbar()).toContain('stats every 1 s from the kernel')
    expect(toolbar()).not.toContain('5 s off') // the kernel samples every container at 1 Hz
    dispatch({ type: 'message', message: msg.engine(3, { statsSource: 'engine' }) })
    frame()
    expect(toolbar()).toContain('stats every 1 s on screen, 5 s off from the engine')
  })

  it('reports the running containers on screen and the open detail panel as the view', () => {
    render()
    expect(store.view.current()).toBeNull() // no table before the first snapshot: nothing to narrow
    const many = Array.from({ length: 300 }, (_, i) =>
      container({ id: `r${String(i).padStart(3, '0')}`, name: `svc-${String(i).padStart(3, '0')}` }),
    )
    dispatch({
      type: 'message',
      message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container({ id: 'x', name: 'aaa', state: 'exited' }), ...many] }),
    })
    frame()
    const shown = store.view.current()!.map((k) => k.id)
    // The rows rendered (a screenful and the overscan), running only.
    expect(shown.length).toBe(rowEls().filter((r) => r.textContent?.includes('Running')).length)
    expect(shown.length).toBeGreaterThan(5)
    expect(shown.length).toBeLessThan(60)
    expect(shown).not.toContain('x')
    expect(shown[0]).toBe('r000')

    key('End') // the last row, stopped; the one above it is the last running one
    key('ArrowUp')
    expect(host.querySelector('[aria-label="Details of svc-299"]')).not.toBeNull()
    expect(store.view.current()!.map((k) => k.id)).toContain('r299')

    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
    act(() => void document.dispatchEvent(new Event('visibilitychange')))
    expect(store.view.current()).toEqual([])
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    act(() => void document.dispatchEvent(new Event('visibilitychange')))
    expect(store.view.current()!.length).toBeGreaterThan(5)
  })

  it('reports nothing on screen while the desktop window is minimised', async () => {
    vi.useFakeTimers()
    try {
      let minimised = true
      const tick = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)))
      render(() => Promise.resolve(minimised))
      dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container({ id: 'r1' })] }) })
      frame()
      await tick(0) // the host's first answer
      expect(store.view.current()).toEqual([])
      minimised = false
      await tick(MINIMISED_POLL_MS)
      expect(store.view.current()!.map((k) => k.id)).toEqual(['r1'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('makes a down engine impossible to miss', () => {
    render()
    dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container()] }) })
    dispatch({
      type: 'message',
      message: msg.engine(2, { engine: 'local', status: 'down', reason: 'dial unix /var/run/docker.sock: connection refused', since: 5 }),
    })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: null } })
    frame()
    expect(status('Engine')).toBe('Engine down')
    expect(host.querySelector('[role="alert"]')?.textContent).toContain(
      'Engine down: dial unix /var/run/docker.sock: connection refused',
    )
  })

  it('shows a banner while the live connection is lost, which goes away by itself', () => {
    vi.useFakeTimers()
    vi.setSystemTime(10_000)
    try {
      render()
      dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container()] }) })
      dispatch({ type: 'connection', connection: { status: 'connected', since: 0, latencyMs: 5 } })
      frame()
      expect(host.querySelector('[aria-label="Connection notice"]')).toBeNull()

      dispatch({
        type: 'connection',
        connection: { status: 'reconnecting', since: 0, attempt: 2, nextRetryAt: 12_000, reason: 'connection lost (no close frame)' },
      })
      frame()
      expect(status('Connection')).toBe('Reconnecting (attempt 2)')
      expect(host.querySelector('.indicator-detail')?.textContent).toBe('next try in 2 s')
      expect(host.querySelector('[aria-label="Connection notice"]')?.textContent).toContain('Live connection lost.')

      dispatch({
        type: 'connection',
        connection: { status: 'polling', since: 0, lastPollAt: 9_000, intervalMs: 2000, attempt: 3, nextRetryAt: 12_000 },
      })
      frame()
      expect(status('Connection')).toBe('Degraded: polling')
      expect(host.querySelector('.app-status > .indicator')?.getAttribute('data-tone')).toBe('warn')
      expect(host.querySelector('.indicator-detail')?.textContent).toBe('data up to 2 s old · live: next try in 2 s')
      act(() => vi.advanceTimersByTime(1000))
      expect(host.querySelector('.indicator-detail')?.textContent).toBe('data up to 2 s old · live: next try in 1 s')
      expect(host.querySelector('[aria-label="Connection notice"]')?.textContent).toContain('polling every 2 s')

      dispatch({
        type: 'connection',
        connection: { status: 'offline', since: 0, reason: 'GET /api/snapshot: HTTP 502', nextRetryAt: null },
      })
      frame()
      expect(status('Connection')).toBe('Offline')
      expect(host.querySelector('.grid')?.getAttribute('data-stale')).toBe('true')
      expect(status('Engine')).toBe('Engine up (last known)')
      expect(host.querySelector('[aria-label="Connection notice"]')?.textContent).toContain(
        'Cannot reach the Dockpulse backend. GET /api/snapshot: HTTP 502.',
      )

      dispatch({
        type: 'connection',
        connection: { status: 'offline', since: 0, reason: 'HTTP 401', nextRetryAt: null, unauthorized: true },
      })
      frame()
      expect(host.querySelector('[aria-label="Connection notice"]')?.textContent).toContain('no longer accepts this page')

      dispatch({ type: 'connection', connection: { status: 'connected', since: 20_000, latencyMs: 5 } })
      frame()
      expect(host.querySelector('[aria-label="Connection notice"]')).toBeNull()
      expect(host.querySelector('.grid')?.getAttribute('data-stale')).toBeNull()
    } finally {
      vi.useRealTimers()
    }
  })
})
