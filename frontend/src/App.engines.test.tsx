// The app with several engines: two and three engines in the state, one of
// them down.
import { act, render as renderDom, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { LiveProvider, createLiveStore, type LiveStore, type PerformAction } from './live'
import { BackendError } from './live/backend'
import { ManualScheduler, container, engine, event, msg, stats } from './livetest'
import { resetEngineColumnSetting } from './ui/engineLive'

describe('App with several engines', () => {
  let scheduler: ManualScheduler
  let store: LiveStore
  let perform: ReturnType<typeof vi.fn<PerformAction>>

  beforeEach(() => {
    localStorage.clear()
    resetEngineColumnSetting()
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler, connection: { status: 'connecting', since: 0 } })
    perform = vi.fn<PerformAction>(async () => {})
  })

  const render = () => {
    renderDom(
      <LiveProvider store={store} perform={perform}>
        <App />
      </LiveProvider>,
    )
    return userEvent.setup()
  }
  const frame = () => act(() => scheduler.frame())
  const dispatch = (m: Parameters<LiveStore['dispatch']>[0]) => act(() => void store.dispatch(m))
  const connected = () => dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: 5 } })
  const grid = () => screen.getByRole('grid', { name: 'Containers' })
  const body = () => within(grid()).getByRole('rowgroup')
  const rows = () => within(body()).queryAllByRole('row')
  const names = () => rows().map((r) => r.getAttribute('aria-label'))
  const row = (name: string) => within(body()).getByRole('row', { name })
  const headers = () => within(grid()).getAllByRole('columnheader').map((h) => h.textContent)
  const engineFilter = () => screen.getByRole('combobox', { name: 'Filter by engine' })

  // Three engines: "alpha" and "beta" up, "gamma" down (it was reached before).
  const threeEngines = (seq = 1) =>
    msg.snapshot({
      seq,
      engines: [
        engine({ engine: 'alpha', version: '27.3.1', cpus: 8, memoryTotal: 16 * 1024 ** 3 }),
        engine({ engine: 'beta', version: '20.10.24', cpus: 0, memoryTotal: 0 }),
        engine({ engine: 'gamma', status: 'down', reason: 'dial unix /run/gamma.sock: connect: connection refused', version: '24.0.7' }),
      ],
      containers: [
        container({ engine: 'alpha', id: 'a1', name: 'web' }),
        container({ engine: 'alpha', id: 'a2', name: 'cache', state: 'exited', exitCode: 0 }),
        container({ engine: 'beta', id: 'b1', name: 'api' }),
        container({ engine: 'gamma', id: 'g1', name: 'worker' }),
        container({ engine: 'gamma', id: 'g2', name: 'db' }),
      ],
      stats: [
        stats({ engine: 'alpha', id: 'a1', cpuPercent: 40, memoryUsage: 64 * 1024 ** 2 }),
        stats({ engine: 'beta', id: 'b1', cpuPercent: 10, memoryUsage: 32 * 1024 ** 2 }),
        // gamma is down: the reducer keeps no sample of it.
        stats({ engine: 'gamma', id: 'g1', cpuPercent: 99 }),
      ],
    })

  it('has an engine column, sortable, only with more than one engine unless asked for', { timeout: 30_000 }, async () => {
    const user = render()
    dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [container()] }) })
    connected()
    frame()
    expect(headers()).not.toContain('Engine')
    expect(screen.queryByRole('combobox', { name: 'Filter by engine' })).toBeNull()
    // Available with one engine too, from the settings.
    await user.click(screen.getByRole('button', { name: 'Keyboard shortcuts' }))
    await user.click(screen.getByRole('checkbox', { name: /Show the engine column/ }))
    expect(headers()).toContain('Engine')
    expect(localStorage.getItem('dockpulse.engineColumn')).toBe('on')
    await user.click(screen.getByRole('checkbox', { name: /Show the engine column/ }))
    expect(headers()).not.toContain('Engine')
    await user.keyboard('{Escape}')

    dispatch({ type: 'message', message: threeEngines(2) })
    frame()
    expect(headers().slice(0, 3)).toEqual(['Name', 'Engine', 'Image'])
    expect(within(row('worker')).getAllByRole('gridcell')[0]).toHaveTextContent('gamma')
    await user.click(within(grid()).getByRole('button', { name: 'Engine' }))
    expect(rows().map((r) => within(r).getAllByRole('gridcell')[0]!.textContent)).toEqual(['alpha', 'alpha', 'beta', 'gamma', 'gamma'])
    await user.click(within(grid()).getByRole('button', { name: /Engine/ }))
    expect(rows().map((r) => within(r).getAllByRole('gridcell')[0]!.textContent)).toEqual(['gamma', 'gamma', 'beta', 'alpha', 'alpha'])
  })

  it('filters by engine with counts, keeps it with the state filter, and finds containers by engine name', { timeout: 30_000 }, async () => {
    const user = render()
    dispatch({ type: 'message', message: threeEngines() })
    connected()
    frame()
    expect(within(engineFilter()).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'All engines (5)',
      'alpha (2)',
      'beta (1)',
      'gamma (2) · down',
    ])
    await user.selectOptions(engineFilter(), 'alpha')
    expect(names().sort()).toEqual(['cache', 'web'])
    const states = screen.getByRole('radiogroup', { name: 'Filter by state' })
    // The state filter counts the chosen engine's containers.
    expect(within(states).getByRole('radio', { name: /All/ })).toHaveTextContent('All 2')
    await user.click(within(states).getByRole('radio', { name: /Running/ }))
    expect(names()).toEqual(['web'])
    await user.selectOptions(engineFilter(), '')
    expect(names().sort()).toEqual(['api', 'db', 'web', 'worker'])
    await user.click(within(states).getByRole('radio', { name: /All/ }))
    await user.type(screen.getByRole('searchbox', { name: 'Search containers' }), 'gamma')
    expect(names().sort()).toEqual(['db', 'worker'])
  })

  it('says each engine in the header: its facts, status and counts, unknown as unknown, details on demand', { timeout: 30_000 }, async () => {
    const user = render()
    dispatch({ type: 'message', message: threeEngines() })
    connected()
    frame()
    expect(screen.queryByLabelText('System summary')).toBeNull()
    expect(screen.getByRole('status', { name: 'Engine alpha' })).toHaveTextContent('alpha · 27.3.1 · 8 CPUs · 16.0 GiB · 1/2 running')
    // Its CPUs and memory were not said: unknown, never 0.
    expect(screen.getByRole('status', { name: 'Engine beta' })).toHaveTextContent('beta · 20.10.24 · CPUs unknown · memory unknown · 1/1 running')
    expect(screen.getByRole('status', { name: 'Engine gamma' })).toHaveTextContent('gamma down · 24.0.7 · 2 CPUs · 4.0 GiB · 2/2 running, last known')
    expect(screen.getByRole('alert')).toHaveTextContent('Engine gamma down: dial unix /run/gamma.sock: connect: connection refused')

    await user.click(screen.getByRole('button', { name: 'Engine details' }))
    const table = within(screen.getByRole('region', { name: 'Engine details' }))
    const cellsOf = (name: string) => table.getByRole('row', { name: new RegExp(`^${name}`) }).querySelectorAll('td')
    const text = (name: string) => [...cellsOf(name)].map((td) => td.textContent)
    expect(text('alpha').slice(0, 6)).toEqual(['connected', '27.3.1 API 1.41', '8', '16.0 GiB', '1/2 running', '5.0% of 8 CPUs'])
    expect(text('alpha')[6]).toBe('64.0 MiB')
    expect(text('beta').slice(2, 6)).toEqual(['unknown', 'unknown', '1/1 running', '10.0% of one core'])
    expect(text('gamma').slice(0, 1)).toEqual(['down: dial unix /run/gamma.sock: connect: connection refused'])
    expect(text('gamma').slice(4, 7)).toEqual(['2/2 running (last known)', '— not live', '— not live'])
    await user.click(screen.getByRole('button', { name: 'Hide engine details' }))
    expect(screen.queryByRole('region', { name: 'Engine details' })).toBeNull()
    // A popover: Escape closes it and gives the focus back to its button, and so does a press outside it.
    await user.click(screen.getByRole('button', { name: 'Engine details' }))
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('region', { name: 'Engine details' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Engine details' })).toHaveFocus()
    await user.click(screen.getByRole('button', { name: 'Engine details' }))
    await user.click(screen.getByRole('heading', { name: 'Dockpulse' }))
    expect(screen.queryByRole('region', { name: 'Engine details' })).toBeNull()
  })

  it('shows in each engine entry only as much as fits on the header line', () => {
    // The list of entries is given 400 px; with facts they take 900, with counts 380, names alone 200.
    const need = { full: 900, count: 380, name: 200 }
    const chips = (el: HTMLElement) => el.classList.contains('engine-chips')
    const room = { value: 400 }
    const scroll = vi.spyOn(HTMLElement.prototype, 'scrollWidth', 'get').mockImplementation(function (this: HTMLElement) {
      return chips(this) ? need[this.dataset.detail as keyof typeof need] : 0
    })
    const client = vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
      return chips(this) ? room.value : 0
    })
    try {
      render()
      dispatch({ type: 'message', message: threeEngines() })
      connected()
      frame()
      const list = screen.getByRole('list', { name: 'Docker engines' })
      expect(list).toHaveAttribute('data-detail', 'count')
      expect(list).not.toHaveAttribute('data-wrap')
      // New text is measured again: a room too small even for the names wraps them.
      room.value = 150
      dispatch({ type: 'message', message: msg.engine(2, { engine: 'beta', version: '20.10.25', cpus: 0, memoryTotal: 0 }) })
      frame()
      expect(list).toHaveAttribute('data-detail', 'name')
      expect(list).toHaveAttribute('data-wrap', 'true')
    } finally {
      scroll.mockRestore()
      client.mockRestore()
    }
  })

  it('says an engine never reached and one connecting, and knows nothing of them', () => {
    render()
    dispatch({
      type: 'message',
      message: msg.snapshot({
        seq: 1,
        engines: [
          engine({ engine: 'alpha' }),
          engine({ engine: 'far', status: 'down', reason: 'ssh: connect to host far port 22: No route to host', version: '', apiVersion: '', cpus: 0, memoryTotal: 0 }),
          engine({ engine: 'slow', status: 'connecting', version: '', apiVersion: '', cpus: 0, memoryTotal: 0 }),
        ],
        containers: [container({ engine: 'alpha', id: 'a1', name: 'web' })],
      }),
    })
    connected()
    frame()
    expect(screen.getByRole('status', { name: 'Engine far' })).toHaveTextContent('far never reached · version unknown · CPUs unknown · memory unknown · containers unknown')
    expect(screen.getByRole('status', { name: 'Engine slow' })).toHaveTextContent('slow connecting… · version unknown')
    expect(screen.getByRole('alert')).toHaveTextContent('Dockpulse has not reached engine far yet: ssh: connect to host far port 22: No route to host')
  })

  it('marks only the down engine’s rows, panel and charts as last known; the others stay live', { timeout: 30_000 }, async () => {
    const user = render()
    dispatch({ type: 'message', message: threeEngines() })
    connected()
    frame()
    for (const name of ['worker', 'db']) {
      expect(row(name)).toHaveAttribute('data-stale')
      expect(within(row(name)).getByText('last known')).toBeInTheDocument()
    }
    for (const name of ['web', 'cache', 'api']) {
      expect(row(name)).not.toHaveAttribute('data-stale')
      expect(within(row(name)).queryByText('last known')).toBeNull()
    }
    expect(grid()).not.toHaveAttribute('data-stale')
    // Live figures for the live engines; none invented for the down one.
    expect(within(row('web')).getAllByRole('gridcell')[4]).toHaveTextContent('40.0%')
    expect(within(row('worker')).getAllByRole('gridcell')[4]).toHaveTextContent('—')

    await user.click(row('worker'))
    const panel = screen.getByRole('region', { name: 'Details of worker' })
    expect(panel).toHaveAttribute('data-stale')
    expect(within(panel).getByText('on gamma')).toBeInTheDocument()
    expect(within(panel).getByText('last known')).toBeInTheDocument()
    expect(panel).toHaveTextContent('No samples: engine gamma down. The container was last known running.')

    await user.click(row('web'))
    const live = screen.getByRole('region', { name: 'Details of web' })
    expect(live).not.toHaveAttribute('data-stale')
    expect(within(live).queryByText('last known')).toBeNull()

    // gamma comes back: its rows are live again; alpha goes down: now its rows are not.
    dispatch({ type: 'message', message: msg.engine(2, { engine: 'gamma', status: 'up' }) })
    dispatch({ type: 'message', message: msg.engine(3, { engine: 'alpha', status: 'down', reason: 'EOF' }) })
    frame()
    expect(row('worker')).not.toHaveAttribute('data-stale')
    expect(row('web')).toHaveAttribute('data-stale')
    expect(row('api')).not.toHaveAttribute('data-stale')
    expect(screen.getByRole('status', { name: 'Engine alpha' })).toHaveTextContent('1/2 running, last known')
    expect(screen.getByRole('status', { name: 'Engine gamma' })).not.toHaveTextContent('last known')

    // The backend out of reach: every engine is last known.
    dispatch({ type: 'connection', connection: { status: 'reconnecting', since: 2, attempt: 1, nextRetryAt: 5, reason: 'closed' } })
    frame()
    expect(grid()).toHaveAttribute('data-stale')
    expect(screen.getByRole('status', { name: 'Engine beta' })).toHaveTextContent('1/1 running, last known')
  })

  it('names the engine in every event line, toast, history entry and failed action', { timeout: 30_000 }, async () => {
    const user = render()
    dispatch({ type: 'message', message: threeEngines() })
    connected()
    dispatch({ type: 'message', message: msg.event(2, event({ engine: 'beta', actorId: 'b1', name: 'api', action: 'die', attributes: { exitCode: '1' }, exitCause: 'unasked', timeNano: 2e18 })) })
    dispatch({ type: 'message', message: msg.event(3, event({ engine: 'alpha', actorId: 'a1', name: 'web', action: 'oom', timeNano: 2e18 + 1e9 })) })
    frame()
    const log = within(screen.getByRole('log', { name: 'Events, newest first' }))
    expect(log.getAllByRole('listitem').map((li) => li.querySelector('.event-engine')?.textContent)).toEqual(['engine alpha:', 'engine beta:'])
    expect(log.getAllByRole('listitem')[1]).toHaveTextContent('engine beta:api died (exit 1)')
    const region = within(screen.getByRole('region', { name: 'Notifications' }))
    expect(region.getAllByRole('alert').map((t) => t.querySelector('.toast-title')?.textContent)).toEqual([
      'api on beta died unexpectedly (exit 1)',
      'web on alpha was killed: out of memory',
    ])
    expect(screen.getByRole('button', { name: 'Mute api on beta' })).toBeInTheDocument()

    // The container's events in its panel name the engine too.
    await user.click(row('api'))
    const recent = within(screen.getByRole('region', { name: 'Recent events of this container' }))
    expect(recent.getByRole('listitem')).toHaveTextContent('engine beta:api died (exit 1)')

    // A refused action says on which engine.
    perform.mockRejectedValueOnce(new BackendError('container is not running', 409))
    await user.click(within(row('worker')).getByRole('button', { name: /Stop worker/ }))
    frame()
    expect(region.getAllByRole('alert').some((t) => t.querySelector('.toast-title')?.textContent === 'Could not stop worker on gamma')).toBe(true)

    await user.click(screen.getByRole('button', { name: /^Notifications/ }))
    const dialog = within(screen.getByRole('dialog', { name: 'Notifications' }))
    expect(dialog.getAllByRole('listitem').map((li) => li.querySelector('.notification-title')?.textContent)).toEqual([
      'Could not stop worker on gamma',
      'web on alpha was killed: out of memory',
      'api on beta died unexpectedly (exit 1)',
    ])
  })

  it('with one engine, event lines and alerts carry no engine', () => {
    render()
    dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [container()] }) })
    connected()
    dispatch({ type: 'message', message: msg.event(2, event({ action: 'die', attributes: { exitCode: '1' }, exitCause: 'unasked' })) })
    frame()
    const log = within(screen.getByRole('log', { name: 'Events, newest first' }))
    expect(log.getByRole('listitem').querySelector('.event-engine')).toBeNull()
    const toast = within(screen.getByRole('region', { name: 'Notifications' })).getByRole('alert')
    expect(toast).toHaveAccessibleName('web died unexpectedly (exit 1)')
  })
})
