import { act, fireEvent, render as renderDom, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { LiveProvider, MINIMISED_POLL_MS, createLiveStore, type LiveStore, type PerformAction } from './live'
import { BackendError, UnreachableError } from './live/backend'
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
    expect(groupRows().map((g) => g.getAttribute('aria-label'))).toEqual(['Project shop', 'Project none'])
    expect(groupRows().map((g) => g.querySelector('.group-summary')?.textContent)).toEqual([
      '1 running · 1 container',
      '1 running · 1 stopped · 1 problem · 2 containers',
    ])
  })

  const project = () =>
    msg.snapshot({
      seq: 1,
      engines: [engine()],
      containers: [
        container({ id: 'w', name: 'web', labels: { 'com.docker.compose.project': 'shop' } }),
        container({ id: 'd', name: 'db', labels: { 'com.docker.compose.project': 'shop' } }),
        container({ id: 'j', name: 'job', state: 'exited', labels: { 'com.docker.compose.project': 'shop' } }),
        container({ id: 'o', name: 'other' }),
      ],
    })

  it('starts, stops and restarts a compose project as a unit, per container, and names the ones that failed', async () => {
    const user = render()
    dispatch({ type: 'message', message: project() })
    frame()
    await user.click(screen.getByRole('checkbox', { name: 'Group by project' }))
    const shop = within(screen.getByRole('row', { name: 'Project shop' }))
    // Each button says how many containers it applies to, and which.
    expect(shop.getByRole('button', { name: 'Start project shop (1 not running)' })).toHaveAttribute('title', 'Start job')
    expect(shop.getByRole('button', { name: 'Restart project shop (3)' })).toBeEnabled()
    const stop = shop.getByRole('button', { name: 'Stop project shop (2 running)' })
    expect(stop).toHaveAttribute('title', 'Stop db, web')

    const settle: Record<string, (err?: Error) => void> = {}
    perform.mockImplementation((_engine, id) => new Promise<void>((ok, fail) => (settle[id] = (err) => (err ? fail(err) : ok()))))
    await user.click(stop)
    frame()
    expect(perform.mock.calls.map((c) => [c[1], c[2]])).toEqual([
      ['d', 'stop'],
      ['w', 'stop'],
    ])
    expect(shop.getByRole('status')).toHaveTextContent('Stopping shop: 0 of 2 done')
    expect(stop).toBeDisabled()
    await act(async () => {
      settle.w!()
      await Promise.resolve()
    })
    expect(shop.getByRole('status')).toHaveTextContent('Stopping shop: 1 of 2 done')
    await act(async () => {
      settle.d!(new Error('cannot stop container: permission denied'))
      await Promise.resolve()
      // The header reads the engine's reason once the store has committed it.
      scheduler.frame()
      await new Promise((resolve) => setTimeout(resolve, 0))
    })
    const failure = shop.getByRole('alert')
    expect(failure).toHaveTextContent('Stop shop: 1 of 2 failed (db)')
    expect(failure).toHaveAttribute('title', 'db: cannot stop container: permission denied')
    expect(row('db')).toHaveTextContent('Stop failed')
    await user.click(shop.getByRole('button', { name: 'Dismiss the stop failure of shop' }))
    expect(shop.queryByRole('alert')).toBeNull()
  })

  it('collapses a group to its header, which keeps its counts, for the session', async () => {
    const user = render()
    dispatch({ type: 'message', message: project() })
    frame()
    await user.keyboard('g')
    const toggle = within(screen.getByRole('row', { name: 'Project shop' })).getByRole('button', { name: 'shop' })
    expect(toggle).toHaveAttribute('aria-expanded', 'true')
    await user.click(toggle)
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
    expect(names()).toEqual(['other'])
    expect(screen.getByRole('row', { name: 'Project shop' })).toHaveTextContent('2 running · 1 stopped · 3 containers')
    // The arrows skip the hidden rows.
    act(() => (document.activeElement as HTMLElement | null)?.blur())
    await user.keyboard('{ArrowDown}')
    expect(screen.getByRole('row', { selected: true })).toHaveAccessibleName('other')
    expect(JSON.parse(sessionStorage.getItem('dockpulse.collapsedGroups') ?? '[]')).toEqual(['shop'])
    await user.click(toggle)
    expect(names()).toEqual(['db', 'web', 'job', 'other'])
    expect(sessionStorage.getItem('dockpulse.collapsedGroups')).toBe('[]')
  })

  it('keeps the sort live under the pointer, and holds it only while a row is acted on, saying why', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    const order = () => screen.getByRole('status', { name: 'Row order' })
    await user.click(button('CPU'))
    expect(names()).toEqual(['zeta', 'beta', 'alpha'])
    // Pointing at the rows and selecting one is not acting: the sort stays live.
    await user.hover(body())
    await user.click(row('beta'))
    dispatch({ type: 'message', message: msg.stats(2, [stats({ id: 'a', cpuPercent: 1 }), stats({ id: 'c', cpuPercent: 80 })]) })
    frame()
    expect(names()).toEqual(['beta', 'zeta', 'alpha'])
    expect(order()).toHaveTextContent('')

    // A pending stop holds every row in place and says so...
    let finish = () => {}
    perform.mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)))
    await user.click(within(row('zeta')).getByRole('button', { name: 'Stop zeta' }))
    frame()
    expect(order()).toHaveTextContent('order held while stopping zeta')
    dispatch({ type: 'message', message: msg.stats(3, [stats({ id: 'a', cpuPercent: 99 }), stats({ id: 'c', cpuPercent: 2 })]) })
    dispatch({ type: 'message', message: msg.remove(4, 'local', 'b') })
    frame()
    expect(names()).toEqual(['beta', 'zeta', 'alpha'])
    expect(cells('alpha')[2]).toBe('Removed')
    // ...until the engine confirms it, then the sort applies at once.
    await act(async () => {
      finish()
      await Promise.resolve()
    })
    dispatch({ type: 'message', message: msg.upsert(5, container({ id: 'a', name: 'zeta', state: 'exited', exitCode: 0 })) })
    frame()
    expect(order()).toHaveTextContent('')
    expect(names()).toEqual(['beta', 'zeta'])

    // The remove dialog holds the order while it is open.
    await user.click(within(row('beta')).getByRole('button', { name: 'Remove beta' }))
    expect(order()).toHaveTextContent('order held while the dialog to remove beta is open')
    await user.click(within(screen.getByRole('dialog', { name: 'Stop and remove beta?' })).getByRole('button', { name: 'Cancel' }))
    expect(order()).toHaveTextContent('')
  })

  it('gives truncated cells their full text as a tooltip, and finds containers by label', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    const [name, image, , , , , , , ports] = [within(row('beta')).getByRole('rowheader'), ...within(row('beta')).getAllByRole('gridcell')]
    expect(name).toHaveAttribute('title', 'beta · c')
    expect(image).toHaveAttribute('title', 'redis:7')
    expect(ports).toHaveAttribute('title', ports!.textContent)
    await user.type(screen.getByRole('searchbox', { name: 'Search containers' }), 'com.docker.compose.project=shop')
    expect(names()).toEqual(['beta'])
  })

  it('resizes and hides the panes from the keyboard, and remembers them', { timeout: 30_000 }, async () => {
    localStorage.removeItem('dockpulse.panes')
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    // Nothing selected: the detail pane is a line, and there is nothing to split beside the events.
    expect(screen.getAllByRole('separator')).toHaveLength(1)
    const split = screen.getByRole('separator', { name: 'Resize the table and the panels below' })
    expect(split).toHaveAttribute('aria-valuenow', '36')
    act(() => split.focus())
    await user.keyboard('{ArrowUp}{Shift>}{ArrowUp}{/Shift}')
    expect(split).toHaveAttribute('aria-valuenow', '48')
    await user.keyboard('{End}')
    expect(split).toHaveAttribute('aria-valuenow', '85')
    // The arrows resized: they moved no selection.
    expect(screen.queryByRole('row', { selected: true })).toBeNull()
    await user.keyboard('{Enter}')
    expect(screen.queryByRole('log', { name: 'Events, newest first' })).toBeNull()
    expect(JSON.parse(localStorage.getItem('dockpulse.panes') ?? '{}')).toMatchObject({ dock: 85, hidden: { detail: true, events: true } })
    await user.click(button('Show details and events'))
    expect(screen.getByRole('log', { name: 'Events, newest first' })).toBeInTheDocument()

    await user.click(row('zeta'))
    const side = screen.getByRole('separator', { name: 'Resize the details and the events' })
    act(() => side.focus())
    await user.keyboard('{ArrowLeft}')
    expect(side).toHaveAttribute('aria-valuenow', '58')
    await user.click(button('Hide the events'))
    expect(screen.queryByRole('log', { name: 'Events, newest first' })).toBeNull()
    expect(details('zeta')).toBeInTheDocument()
    await user.click(button('Show the events'))
    await user.click(button('Hide the table'))
    expect(screen.queryByRole('grid', { name: 'Containers' })).toBeNull()
    await user.click(button('Show the table'))
    expect(JSON.parse(localStorage.getItem('dockpulse.panes') ?? '{}')).toEqual({
      dock: 85,
      detail: 58,
      hidden: { table: false, detail: false, events: false },
    })
  })

  it('runs an action, shows it pending until the engine confirms, and reports a refusal', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    await user.click(button('Stop zeta'))
    expect(perform).toHaveBeenCalledWith('local', 'a', 'stop', undefined)
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

    // A running container is offered "Stop and remove" (docker rm -f), not a refusal.
    perform.mockRejectedValueOnce(new Error('remove c: removal of container c is already in progress'))
    await user.click(button('Remove beta'))
    const dialog = screen.getByRole('dialog', { name: 'Stop and remove beta?' })
    expect(within(dialog).queryByRole('button', { name: 'Remove' })).toBeNull()
    await user.click(within(dialog).getByRole('checkbox', { name: /Also remove its anonymous volumes/ }))
    await user.click(within(dialog).getByRole('button', { name: 'Stop and remove' }))
    expect(perform).toHaveBeenLastCalledWith('local', 'c', 'remove', { removeVolumes: true, force: true })
    frame()
    expect(screen.queryByRole('dialog')).toBeNull()
    // An engine's refusal still says so.
    expect(row('beta')).toHaveTextContent('Remove failed')
    const [toast] = notifications()
    expect(toast).toHaveAccessibleName('Could not remove beta')
    expect(toast).toHaveTextContent('already in progress')
  })

  it('removes a stopped container without force', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    await user.click(button('Remove alpha'))
    const dialog = screen.getByRole('dialog', { name: 'Remove alpha?' })
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect(perform).toHaveBeenLastCalledWith('local', 'b', 'remove', { removeVolumes: false, force: false })
  })

  it('keeps Kill enabled during a slow stop and counts down to the SIGKILL', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'setInterval', 'Date'] })
    try {
      render()
      dispatch({
        type: 'message',
        message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container({ id: 'a', name: 'zeta', stopTimeout: 30 })] }),
      })
      frame()
      perform.mockImplementation(() => new Promise(() => {})) // the stop waits out the grace period
      fireEvent.click(row('zeta'))
      fireEvent.click(within(details('zeta')!).getByRole('button', { name: 'Stop zeta' }))
      frame()
      expect(row('zeta')).toHaveTextContent('Stopping…SIGKILL in 30 s')
      await act(() => vi.advanceTimersByTimeAsync(12_000))
      expect(row('zeta')).toHaveTextContent('SIGKILL in 18 s')
      const kills = screen.getAllByRole('button', { name: 'Kill zeta' })
      expect(kills.length).toBe(2) // the row shows Kill while it stops, besides the panel's
      for (const k of kills) expect(k).toBeEnabled()
      expect(within(details('zeta')!).getByRole('button', { name: 'Restart zeta' })).toBeDisabled()
      fireEvent.click(kills[0]!)
      expect(perform).toHaveBeenLastCalledWith('local', 'a', 'kill', undefined)
      await act(() => vi.advanceTimersByTimeAsync(20_000))
      frame()
      expect(row('zeta')).toHaveTextContent('Killing…')
    } finally {
      vi.useRealTimers()
    }
  })

  it('counts down from the engine default when the container sets no stop timeout', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    perform.mockImplementation(() => new Promise(() => {}))
    await user.click(button('Stop zeta'))
    frame()
    expect(row('zeta')).toHaveTextContent(/SIGKILL in (10|9) s/)
  })

  it('Shift+K asks before killing, with Cancel focused', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    frame()
    await user.click(row('zeta'))
    await user.keyboard('{Shift>}K{/Shift}')
    const dialog = screen.getByRole('dialog', { name: 'Kill zeta?' })
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus()
    expect(perform).not.toHaveBeenCalled()
    await user.keyboard('{Enter}') // the focused, safe choice
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(perform).not.toHaveBeenCalled()
    await user.keyboard('{Shift>}K{/Shift}')
    await user.click(within(screen.getByRole('dialog', { name: 'Kill zeta?' })).getByRole('button', { name: 'Kill' }))
    expect(perform).toHaveBeenLastCalledWith('local', 'a', 'kill', undefined)
    await user.keyboard('?')
    const help = screen.getByRole('dialog', { name: 'Keyboard shortcuts' })
    expect(help).toHaveTextContent('Shift+KKill (asks first)')
  })

  it('a failure for want of the backend leaves the row and the panel when the connection is back', async () => {
    const user = render()
    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 1 } })
    frame()
    perform.mockRejectedValueOnce(new UnreachableError('cannot reach the Dockpulse backend: Failed to fetch'))
    await user.click(row('zeta'))
    dispatch({ type: 'connection', connection: { status: 'reconnecting', since: 2, attempt: 1, nextRetryAt: 3, reason: 'closed' } })
    await user.click(within(details('zeta')!).getByRole('button', { name: 'Restart zeta' }))
    frame()
    expect(row('zeta')).toHaveTextContent('Restart failed')
    expect(within(details('zeta')!).getByText(/cannot reach the Dockpulse backend/)).toHaveAttribute('role', 'alert')
    dispatch({ type: 'connection', connection: { status: 'connected', since: 4, latencyMs: 1 } })
    frame()
    expect(row('zeta')).not.toHaveTextContent('Restart failed')
    expect(within(details('zeta')!).queryByText(/cannot reach the Dockpulse backend/)).toBeNull()

    // The engine's own refusal stays after a reconnect.
    perform.mockRejectedValueOnce(new BackendError('restart a: cannot restart (refused)', 409))
    await user.click(within(details('zeta')!).getByRole('button', { name: 'Restart zeta' }))
    dispatch({ type: 'connection', connection: { status: 'reconnecting', since: 5, attempt: 1, nextRetryAt: 6, reason: 'closed' } })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 7, latencyMs: 1 } })
    frame()
    expect(row('zeta')).toHaveTextContent('Restart failed')
  })

  it('the header says the figures are unknown, not zero, until the first samples after a snapshot', () => {
    render()
    dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container({ id: 'a', name: 'zeta' })], stats: [] }) })
    dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 1 } })
    frame()
    const summary = screen.getByLabelText('System summary')
    expect(summary).not.toHaveTextContent('0.0')
    expect(summary).not.toHaveTextContent('0 B of')
    expect(within(summary).getAllByText('—', { exact: false }).length).toBeGreaterThanOrEqual(2)
    dispatch({ type: 'message', message: msg.stats(2, [stats({ id: 'a', cpuPercent: 4, memoryUsage: 2048 })]) })
    frame()
    expect(summary).toHaveTextContent('2.0 KiB of')
  })

  it('groups a restart loop into one toast, keeps a history and mutes a container', async () => {
    localStorage.clear()
    const user = render()
    dispatch({ type: 'message', message: three() })
    dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'b', name: 'alpha', action: 'oom', timeNano: 1e15 })) })
    for (let i = 0; i < 5; i++) {
      const timeNano = 1e15 + (i + 1) * 30e9
      dispatch({
        type: 'message',
        message: msg.event(3 + i, event({ actorId: 'c', name: 'beta', action: 'die', attributes: { exitCode: '1' }, exitCause: 'unasked', timeNano })),
      })
    }
    frame()
    expect(notifications().map((n) => n.getAttribute('aria-labelledby') && n.querySelector('.toast-title')?.textContent)).toEqual([
      'alpha was killed: out of memory',
      'beta died unexpectedly 5 times in 2 min',
    ])
    await user.click(screen.getByRole('button', { name: 'Mute beta' }))
    frame()
    expect(notifications()).toHaveLength(1)
    expect(localStorage.getItem('dockpulse.mutedContainers')).toBe('["local/c"]')
    dispatch({
      type: 'message',
      message: msg.event(8, event({ actorId: 'c', name: 'beta', action: 'die', attributes: { exitCode: '1' }, exitCause: 'unasked', timeNano: 1e15 + 200e9 })),
    })
    frame()
    expect(notifications()).toHaveLength(1)

    await user.click(button('Notifications 2'))
    const dialog = screen.getByRole('dialog', { name: 'Notifications' })
    const items = within(within(dialog).getByRole('list', { name: /Past notifications/ })).getAllByRole('listitem')
    expect(items.map((li) => li.querySelector('.notification-title')?.textContent)).toEqual([
      'beta died unexpectedly 6 times in 2 min (muted)',
      'alpha was killed: out of memory',
    ])
    await user.click(within(dialog).getByRole('button', { name: 'Unmute beta' }))
    expect(localStorage.getItem('dockpulse.mutedContainers')).toBe('[]')
    localStorage.clear()
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
    expect(perform).toHaveBeenLastCalledWith('local', 'a', 'pause', undefined)
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
    const user = await checkDialogHoldsTheKeyboard('{Delete}', 'Stop and remove zeta?', cancel)

    // From a row's button: focus goes back to it.
    const [rowButton] = screen.getAllByRole('button', { name: 'Remove zeta' })
    await user.click(rowButton!)
    await user.click(cancel(screen.getByRole('dialog', { name: 'Stop and remove zeta?' })))
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
