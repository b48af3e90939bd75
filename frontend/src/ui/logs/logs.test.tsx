import { act, render as renderDom, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../App'
import { LiveProvider, LogsProvider, createLiveStore, type LastWords, type LiveStore, type LogLine, type LogsBackend } from '../../live'
import { BackendError } from '../../live/backend'
import { FakeWebSocket, ManualScheduler, container, engine, event, logBatch, msg } from '../../livetest'

const T = (s: number) => `2026-12-02T06:43:${String(s).padStart(2, '0')}.000000000Z`
const line = (id: string, s: number, text: string): LogLine => ({ engine: 'local', id, time: T(s), stream: 'stdout', text })

describe('logs in the app', () => {
  let scheduler: ManualScheduler
  let store: LiveStore
  let backend: LogsBackend & { urls: string[] }

  beforeEach(() => {
    FakeWebSocket.reset()
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler, connection: { status: 'connecting', since: 0 } })
    const urls: string[] = []
    backend = {
      urls,
      logsSocketUrl: (engine, ids, from) => {
        const u = `ws://127.0.0.1:9/ws/logs?engine=${engine}&${ids.map((id) => `id=${id}`).join('&')}&${JSON.stringify(from)}`
        urls.push(u)
        return Promise.resolve(u)
      },
      logs: vi.fn(() => new Promise<never>(() => {})),
      lastWords: vi.fn(() => Promise.reject(new BackendError('none kept', 404))),
    }
  })

  const render = () => {
    renderDom(
      <LiveProvider store={store}>
        <LogsProvider backend={backend} options={{ WebSocket: FakeWebSocket, notifyMs: 0 }}>
          <App />
        </LogsProvider>
      </LiveProvider>,
    )
    return userEvent.setup()
  }
  const frame = () => act(() => scheduler.frame())
  const dispatch = (m: Parameters<LiveStore['dispatch']>[0]) => act(() => void store.dispatch(m))
  const deliver = (ws: FakeWebSocket, seq: number, type: string, data: unknown) =>
    act(() => ws.deliver(JSON.stringify({ v: 2, type, seq, data })))

  const snapshot = () =>
    msg.snapshot({
      seq: 1,
      engines: [engine()],
      containers: [
        container({ id: 'web', name: 'web-1', labels: { 'com.docker.compose.project': 'shop' }, created: 1 }),
        container({ id: 'db', name: 'db-1', labels: { 'com.docker.compose.project': 'shop' }, created: 2 }),
        container({ id: 'job', name: 'job-1' }),
      ],
    })

  it('follows the selected container’s logs only while the Logs tab is shown', async () => {
    const user = render()
    dispatch({ type: 'message', message: snapshot() })
    frame()
    await user.click(screen.getByRole('row', { name: 'web-1' }))
    const details = screen.getByRole('region', { name: 'Details of web-1' })
    expect(FakeWebSocket.instances).toHaveLength(0)
    await user.click(within(details).getByRole('tab', { name: 'Logs' }))
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1))
    expect(backend.urls[0]).toBe('ws://127.0.0.1:9/ws/logs?engine=local&id=web&{"tail":500}')
    const ws = FakeWebSocket.last
    deliver(ws, 1, 'logs.hello', { containers: [{ engine: 'local', id: 'web', name: 'web-1', tty: false }], maxLineBytes: 65536 })
    deliver(ws, 2, 'logs.lines', logBatch([line('web', 1, 'GET / 200'), line('web', 2, '<b>not bold</b>')]))
    const panel = within(details).getByRole('tabpanel', { name: 'Logs of web-1' })
    expect(await within(panel).findByText('GET / 200')).toBeInTheDocument()
    expect(within(panel).getByText('<b>not bold</b>')).toBeInTheDocument()
    expect(within(panel).getByRole('status', { name: 'Log stream' })).toHaveTextContent('Live')
    await user.click(within(details).getByRole('tab', { name: 'Overview' }))
    expect(ws.closedWith?.code).toBe(1000)
    expect(within(details).queryByRole('tabpanel', { name: 'Logs of web-1' })).toBeNull()
  })

  it('opens the full view from the tab and goes back to the table with Esc', async () => {
    const user = render()
    dispatch({ type: 'message', message: snapshot() })
    frame()
    await user.click(screen.getByRole('row', { name: 'web-1' }))
    await user.click(screen.getByRole('tab', { name: 'Logs' }))
    await user.click(screen.getByRole('button', { name: 'Full view' }))
    const full = screen.getByRole('dialog', { name: 'Logs of web-1' })
    expect(full).toBeVisible()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog', { name: 'Logs of web-1' })).toBeNull()
    expect(screen.getByRole('row', { name: 'web-1', selected: true })).toBeInTheDocument()
    // Both sockets (the tab's and the view's) were opened; only the tab's is open now.
    expect(FakeWebSocket.instances.filter((ws) => ws.closedWith === null)).toHaveLength(1)
  })

  it('opens the selected container’s logs full height with l', async () => {
    const user = render()
    dispatch({ type: 'message', message: snapshot() })
    frame()
    await user.keyboard('l')
    expect(screen.queryByRole('dialog')).toBeNull()
    await user.click(screen.getByRole('row', { name: 'db-1' }))
    act(() => (document.activeElement as HTMLElement | null)?.blur())
    await user.keyboard('l')
    expect(screen.getByRole('dialog', { name: 'Logs of db-1' })).toBeVisible()
    await vi.waitFor(() => expect(backend.urls.at(-1)).toContain('id=db'))
  })

  it('opens a compose project’s logs from its group header, every container on one socket', async () => {
    const user = render()
    dispatch({ type: 'message', message: snapshot() })
    frame()
    await user.click(screen.getByRole('checkbox', { name: 'Group by project' }))
    frame()
    await user.click(screen.getByRole('button', { name: 'Logs of project shop' }))
    expect(screen.getByRole('dialog', { name: 'Logs of project shop' })).toBeInTheDocument()
    await vi.waitFor(() => expect(backend.urls).toEqual(['ws://127.0.0.1:9/ws/logs?engine=local&id=web&id=db&{"tail":500}']))
  })

  it('opens the last words of a container that died and was removed from its notification', async () => {
    const words: LastWords = {
      engine: 'local',
      id: 'job',
      name: 'job-1',
      exitCode: 1,
      exitCause: 'unasked',
      finishedAt: 1e6,
      lines: [line('job', 1, 'starting'), line('job', 2, 'panic: boom')],
      removed: true,
    }
    backend.lastWords = vi.fn(() => Promise.resolve(words))
    const user = render()
    dispatch({ type: 'message', message: snapshot() })
    dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'job', name: 'job-1', action: 'die', attributes: { exitCode: '1' }, exitCause: 'unasked' })) })
    dispatch({ type: 'message', message: msg.remove(3, 'local', 'job') })
    frame()
    await user.click(screen.getByRole('button', { name: 'Open logs of job-1' }))
    const full = screen.getByRole('dialog', { name: 'Logs of job-1' })
    expect(await within(full).findByText('This container was removed; these are its last 2 lines, kept by Dockpulse')).toBeInTheDocument()
    expect(within(full).getByText('panic: boom')).toBeInTheDocument()
    expect(backend.lastWords).toHaveBeenCalledWith('local', 'job')
    expect(FakeWebSocket.instances).toHaveLength(0)
    await user.click(within(full).getByRole('button', { name: 'Close the logs' }))

    // The history opens them too.
    await user.click(screen.getByRole('button', { name: /^Notifications/ }))
    const history = screen.getByRole('dialog', { name: 'Notifications' })
    await user.click(within(history).getByRole('button', { name: 'Open logs of job-1' }))
    expect(screen.queryByRole('dialog', { name: 'Notifications' })).toBeNull()
    expect(await screen.findByRole('dialog', { name: 'Logs of job-1' })).toBeInTheDocument()
  })
})
