import { act, render as renderDom, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { LiveProvider, MINIMISED_POLL_MS, createLiveStore, type LiveStore, type PerformAction } from './live'
import { ManualScheduler, container, engine, event, msg, stats } from './livetest'

describe('App', () => {
  let scheduler: ManualScheduler
  let store: LiveStore
  let perform: ReturnType<typeof vi.fn<PerformAction>>

  beforeEach(() => {
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler, connection: { status: 'connecting', since: 0 } })
    perform = vi.fn<PerformAction>(async () => {})
  })

  const render = (isMinimised?: () => Promise<boolean>) => {
    renderDom(
      <LiveProvider store={store} perform={perform} isMinimised={isMinimised}>
        <App />
      </LiveProvider>,
    )
    return userEvent.setup()
  }
  const frame = () => act(() => scheduler.frame())
  const dispatch = (m: Parameters<LiveStore['dispatch']>[0]) => act(() => void store.dispatch(m))

  const status = (name: string) => screen.getByRole('status', { name })
  const connectionNotice = () => screen.queryByRole('status', { name: 'Connection notice' })
  const grid = () => screen.getByRole('grid', { name: 'Containers' })
  const body = () => within(grid()).getByRole('rowgroup')
  // A container's row has its name as row header; a compose group's has none.
  const containerRows = () => within(body()).queryAllByRole('row').filter((r) => within(r).queryByRole('rowheader'))
  const groupRows = () => within(body()).queryAllByRole('row').filter((r) => !within(r).queryByRole('rowheader'))
  const names = () => containerRows().map((r) => r.getAttribute('aria-label'))
  const row = (name: string) => within(body()).getByRole('row', { name })
  const cells = (name: string) => {
    const r = within(row(name))
    return [r.getByRole('rowheader'), ...r.getAllByRole('gridcell')].map((c) => c.textContent)
  }
  const button = (name: string) => screen.getByRole('button', { name })
  const details = (name: string) => screen.queryByRole('region', { name: `Details of ${name}` })
  // Toasts are alerts or, when less urgent, status messages; in screen order.
  const notifications = () => {
    const region = within(screen.getByRole('region', { name: 'Notifications' }))
    return [...region.queryAllByRole('alert'), ...region.queryAllByRole('status')].sort((a, b) =>
      a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
    )
  }
  const toolbar = () => screen.getByRole('toolbar', { name: 'Table controls' })

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
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Dockpulse')
    expect(status('Connection')).toHaveTextContent('Connecting…')
    expect(screen.getByText(/Waiting for the first snapshot/)).toBeInTheDocument()

    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 8.4 } })
    frame()

    expect(status('Connection')).toHaveTextContent('Live')
    expect(status('Connection')).toHaveAccessibleDescription('8 ms')
    expect(status('Engine')).toHaveTextContent('Engine up')
    expect(screen.getByLabelText('System summary')).toHaveTextContent('2 running0 paused1 stopped')
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

  it('sorts by a column, filters by state, searches and groups', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    await user.click(button('CPU'))
    expect(names()).toEqual(['zeta', 'beta', 'alpha'])
    expect(screen.getByRole('columnheader', { name: 'CPU' })).toHaveAttribute('aria-sort', 'descending')
    await user.click(button('Name'))
    expect(names()).toEqual(['alpha', 'beta', 'zeta'])

    expect(screen.getByRole('radio', { name: /^Problems/ })).toHaveTextContent(/^Problems 1$/)
    await user.click(screen.getByRole('radio', { name: /^Stopped/ }))
    expect(names()).toEqual(['alpha'])
    await user.click(screen.getByRole('radio', { name: /^All/ }))

    const search = screen.getByRole('searchbox', { name: 'Search containers' })
    await user.type(search, 'redis')
    expect(names()).toEqual(['beta'])
    await user.clear(search)
    await user.keyboard('{Escape}') // leaves the search box

    await user.keyboard('g')
    expect(groupRows().map((g) => g.textContent)).toEqual(['shop1 running · 1 container', 'No compose project1 running · 2 containers'])
  })

  it('holds the order while the pointer is over the rows', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    expect(names()).toEqual(['beta', 'zeta', 'alpha'])
    await user.hover(body())
    dispatch({ type: 'message', message: msg.upsert(2, container({ id: 'c', name: 'beta', state: 'exited', exitCode: 0 })) })
    dispatch({ type: 'message', message: msg.remove(3, 'local', 'a') })
    frame()
    // beta stopped and zeta is gone, but nothing moved: zeta shows as removed.
    expect(names()).toEqual(['beta', 'zeta', 'alpha'])
    expect(cells('zeta')[2]).toBe('Removed')
    expect(cells('beta')[2]).toBe('Exited (0)')
  })

  it('runs an action, shows it pending until the engine confirms, and reports a refusal', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    await user.click(button('Stop zeta'))
    expect(perform).toHaveBeenCalledWith('a', 'stop', undefined)
    frame()
    expect(row('zeta')).toHaveTextContent('Stopping…')
    expect(button('Stop zeta')).toBeDisabled()

    dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'a', name: 'zeta', action: 'kill', attributes: { signal: '15' } })) })
    dispatch({ type: 'message', message: msg.event(3, event({ actorId: 'a', name: 'zeta', action: 'die', attributes: { exitCode: '143' } })) })
    dispatch({ type: 'message', message: msg.upsert(4, container({ id: 'a', name: 'zeta', state: 'exited', exitCode: 143 })) })
    frame()
    expect(row('zeta')).not.toHaveTextContent('Stopping')
    // A stop that was asked for is no surprise: no toast.
    expect(notifications()).toHaveLength(0)

    perform.mockRejectedValueOnce(new Error('cannot remove a running container: stop it first or force it'))
    await user.click(button('Remove beta'))
    const dialog = screen.getByRole('dialog', { name: 'Remove beta?' })
    await user.click(within(dialog).getByRole('checkbox', { name: /Also remove its anonymous volumes/ }))
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect(perform).toHaveBeenLastCalledWith('c', 'remove', { removeVolumes: true })
    frame()
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(row('beta')).toHaveTextContent('Remove failed')
    const [toast] = notifications()
    expect(toast).toHaveAccessibleName('Could not remove beta')
    expect(toast).toHaveTextContent('cannot remove a running container')
  })

  it('raises a toast for an OOM kill and an unexpected death', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'a', name: 'zeta', action: 'oom' })) })
    dispatch({ type: 'message', message: msg.event(3, event({ actorId: 'a', name: 'zeta', action: 'die', attributes: { exitCode: '137' } })) })
    dispatch({ type: 'message', message: msg.event(4, event({ actorId: 'c', name: 'beta', action: 'die', attributes: { exitCode: '1' } })) })
    frame()
    const toasts = notifications()
    expect(toasts).toHaveLength(2)
    expect(toasts[0]).toHaveAccessibleName('zeta was killed: out of memory')
    expect(toasts[1]).toHaveAccessibleName('beta died unexpectedly (exit 1)')
    const log = screen.getByRole('log', { name: 'Events, newest first' })
    // Each line is the time (with the date: the events are not today's), then what happened.
    const feed = within(log)
      .getAllByRole('listitem')
      .map((li) => li.textContent?.replace(/^\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d/, ''))
    expect(feed).toEqual(['beta died (exit 1)', 'zeta died (exit 137, OOM killed)', 'zeta ran out of memory'])
    await user.click(screen.getAllByRole('button', { name: 'Dismiss notification' })[0]!)
    frame()
    expect(notifications()).toHaveLength(1)
  })

  it('moves with the arrow keys and acts on the selection with keys', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    await user.keyboard('/')
    const search = screen.getByRole('searchbox', { name: 'Search containers' })
    expect(search).toHaveFocus()
    act(() => search.blur())
    await user.keyboard('{ArrowDown}')
    expect(screen.getByRole('row', { selected: true })).toHaveAccessibleName('beta')
    expect(details('beta')).toBeInTheDocument()
    await user.keyboard('{ArrowDown}')
    expect(screen.getByRole('row', { selected: true })).toHaveAccessibleName('zeta')
    await user.keyboard('p')
    expect(perform).toHaveBeenLastCalledWith('a', 'pause', undefined)
    await user.keyboard('{Escape}')
    expect(details('beta')).toBeNull()
    expect(details('zeta')).toBeNull()
  })

  /**
   * Selects zeta (which focuses the table), opens a dialog with `open`, and
   * checks that it took the focus and that no shortcut reaches the page
   * behind it: neither the keys that act on the selected container nor those
   * that move the selection or group the table. Escape then closes the
   * dialog, and nothing else, and the table has the focus again.
   */
  const checkDialogHoldsTheKeyboard = async (open: string, name: string, focused: (dialog: HTMLElement) => HTMLElement) => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    await user.click(row('zeta'))
    expect(grid()).toHaveFocus()
    await user.keyboard(open)
    const dialog = screen.getByRole('dialog', { name })
    expect(focused(dialog)).toHaveFocus()

    await user.keyboard('srp{Shift>}K{/Shift}{Delete}{Backspace}gj')
    expect(perform).not.toHaveBeenCalled()
    expect(screen.getAllByRole('dialog')).toEqual([dialog])
    expect(screen.getByRole('row', { selected: true })).toHaveAccessibleName('zeta')
    expect(groupRows()).toHaveLength(0)
    expect(dialog).toContainElement(document.activeElement as HTMLElement)

    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(grid()).toHaveFocus()
    expect(details('zeta')).toBeInTheDocument()
    expect(perform).not.toHaveBeenCalled()
    return user
  }

  it('acts on nothing behind the help dialog, which holds the focus and gives it back', async () => {
    const close = (dialog: HTMLElement) => within(dialog).getByRole('button', { name: 'Close' })
    const user = await checkDialogHoldsTheKeyboard('?', 'Keyboard shortcuts', close)

    // The toolbar's button opens it too, and gets the focus back.
    await user.click(button('Keyboard shortcuts'))
    await user.click(close(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(button('Keyboard shortcuts')).toHaveFocus()
  })

  it('acts on nothing behind the remove confirmation, which holds the focus and gives it back', async () => {
    const cancel = (dialog: HTMLElement) => within(dialog).getByRole('button', { name: 'Cancel' })
    const user = await checkDialogHoldsTheKeyboard('{Delete}', 'Remove zeta?', cancel)

    // From a row's button: focus goes back to it.
    const [rowButton] = screen.getAllByRole('button', { name: 'Remove zeta' })
    await user.click(rowButton!)
    await user.click(cancel(screen.getByRole('dialog', { name: 'Remove zeta?' })))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(rowButton).toHaveFocus()
    expect(perform).not.toHaveBeenCalled()
  })

  it('says how often the figures are sampled, as hello said', () => {
    render()
    dispatch({ type: 'message', message: msg.hello({ statsMode: 'visible', backgroundMs: 5000 }) })
    dispatch({ type: 'message', message: three() })
    frame()
    expect(toolbar()).not.toHaveTextContent('stats') // not live yet
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 2 } })
    frame()
    expect(toolbar()).toHaveTextContent('stats every 1 s on screen, 5 s off')
    dispatch({ type: 'message', message: msg.hello({ statsMode: 'all' }) })
    dispatch({ type: 'message', message: three() })
    frame()
    expect(toolbar()).toHaveTextContent('stats every 1 s')
    expect(toolbar()).not.toHaveTextContent('5 s off')
  })

  it('says a refused page has no access, not that the backend cannot be reached, before any snapshot', () => {
    render()
    const offline = { status: 'offline', since: 0, nextRetryAt: 3_000 } as const
    dispatch({ type: 'connection', connection: { ...offline, reason: 'GET /api/snapshot: HTTP 502' } })
    frame()
    expect(screen.getByText('Cannot reach the Dockpulse backend: GET /api/snapshot: HTTP 502')).toBeInTheDocument()
    dispatch({ type: 'connection', connection: { ...offline, reason: 'this link was already used', linkRefused: true } })
    frame()
    expect(screen.getByText('No containers shown: this page has no access to Dockpulse (see above).')).toBeInTheDocument()
    expect(screen.getByText('needs a fresh address')).toBeInTheDocument()
    expect(screen.queryByText(/^retry/)).toBeNull() // waiting will not help
  })

  it('says which source the stats come from, as the engine said', () => {
    render()
    dispatch({ type: 'message', message: msg.hello({ statsMode: 'visible', backgroundMs: 5000 }) })
    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 2 } })
    dispatch({ type: 'message', message: msg.engine(2, { statsSource: 'kernel' }) })
    frame()
    expect(toolbar()).toHaveTextContent('stats every 1 s from the kernel')
    expect(toolbar()).not.toHaveTextContent('5 s off') // the kernel samples every container at 1 Hz
    dispatch({ type: 'message', message: msg.engine(3, { statsSource: 'engine' }) })
    frame()
    expect(toolbar()).toHaveTextContent('stats every 1 s on screen, 5 s off from the engine')
  })

  it('reports the running containers on screen and the open detail panel as the view', async () => {
    const user = render()
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
    expect(shown.length).toBe(containerRows().filter((r) => within(r).queryByText('Running')).length)
    expect(shown.length).toBeGreaterThan(5)
    expect(shown.length).toBeLessThan(60)
    expect(shown).not.toContain('x')
    expect(shown[0]).toBe('r000')

    await user.keyboard('{End}{ArrowUp}') // the last row, stopped; the one above it is the last running one
    expect(details('svc-299')).toBeInTheDocument()
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
    expect(status('Engine')).toHaveTextContent('Engine down')
    expect(screen.getByRole('alert')).toHaveTextContent('Engine down: dial unix /var/run/docker.sock: connection refused')
  })

  it('shows a banner while the live connection is lost, which goes away by itself', () => {
    vi.useFakeTimers()
    vi.setSystemTime(10_000)
    try {
      render()
      dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container()] }) })
      dispatch({ type: 'connection', connection: { status: 'connected', since: 0, latencyMs: 5 } })
      frame()
      expect(connectionNotice()).toBeNull()

      dispatch({
        type: 'connection',
        connection: { status: 'reconnecting', since: 0, attempt: 2, nextRetryAt: 12_000, reason: 'connection lost (no close frame)' },
      })
      frame()
      expect(status('Connection')).toHaveTextContent('Reconnecting (attempt 2)')
      expect(status('Connection')).toHaveAccessibleDescription('next try in 2 s')
      expect(connectionNotice()).toHaveTextContent('Live connection lost.')

      dispatch({
        type: 'connection',
        connection: { status: 'polling', since: 0, lastPollAt: 9_000, intervalMs: 2000, attempt: 3, nextRetryAt: 12_000 },
      })
      frame()
      expect(status('Connection')).toHaveTextContent('Degraded: polling')
      // The indicator's colour.
      expect(status('Connection').parentElement).toHaveAttribute('data-tone', 'warn')
      expect(status('Connection')).toHaveAccessibleDescription('data up to 2 s old · live: next try in 2 s')
      act(() => void vi.advanceTimersByTime(1000))
      expect(status('Connection')).toHaveAccessibleDescription('data up to 2 s old · live: next try in 1 s')
      expect(connectionNotice()).toHaveTextContent('polling every 2 s')

      dispatch({
        type: 'connection',
        connection: { status: 'offline', since: 0, reason: 'GET /api/snapshot: HTTP 502', nextRetryAt: null },
      })
      frame()
      expect(status('Connection')).toHaveTextContent('Offline')
      expect(grid()).toHaveAttribute('data-stale', 'true')
      expect(status('Engine')).toHaveTextContent('Engine up (last known)')
      expect(connectionNotice()).toHaveTextContent('Cannot reach the Dockpulse backend. GET /api/snapshot: HTTP 502.')

      dispatch({
        type: 'connection',
        connection: { status: 'offline', since: 0, reason: 'HTTP 401', nextRetryAt: null, unauthorized: true },
      })
      frame()
      expect(connectionNotice()).toHaveTextContent('no longer accepts this page')

      dispatch({
        type: 'connection',
        connection: {
          status: 'offline',
          since: 0,
          reason: 'this link was already used: open Dockpulse through the address it printed last; live updates: refused',
          nextRetryAt: null,
          linkRefused: true,
        },
      })
      frame()
      expect(status('Connection')).toHaveTextContent('Offline: link refused')
      expect(connectionNotice()).toHaveTextContent('Dockpulse did not open: this link was already used: open Dockpulse through the address it printed last.')
      expect(connectionNotice()).not.toHaveTextContent('retrying')

      dispatch({ type: 'connection', connection: { status: 'connected', since: 20_000, latencyMs: 5 } })
      frame()
      expect(connectionNotice()).toBeNull()
      expect(grid()).not.toHaveAttribute('data-stale')
    } finally {
      vi.useRealTimers()
    }
  })
})
