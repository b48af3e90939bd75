import { act, render as renderDom, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveProvider, createLiveStore, type FetchInspect, type Inspect, type LiveStore } from '../live'
import { ManualScheduler, container, engine, msg, stats } from '../livetest'
import { DetailPanel } from './DetailPanel'

const ID = 'c0ffee000000111122223333444455556666777788889999aaaabbbbccccdddd'

function inspectOf(overrides: Partial<Inspect> = {}): Inspect {
  return {
    engine: 'local',
    id: ID,
    name: 'web',
    image: 'nginx:1.27',
    state: 'running',
    created: 1_700_000_000_000,
    startedAt: 1_700_000_001_000,
    finishedAt: 0,
    exitCode: 0,
    oomKilled: false,
    restartCount: 0,
    restartPolicy: 'no',
    env: [
      { name: 'SECRET', value: 'hunter2' },
      { name: 'PATH', value: '/usr/local/bin:/usr/bin' },
    ],
    networkMode: 'shop-net',
    networks: [
      {
        name: 'shop-net',
        networkId: 'n1',
        ipAddress: '172.18.0.2',
        prefixLen: 16,
        gateway: '172.18.0.1',
        macAddress: '02:42:ac:12:00:02',
        aliases: ['web'],
      },
    ],
    limits: { nanoCpus: 500_000_000, memory: 256 << 20, memorySwap: 512 << 20 },
    healthcheck: {
      test: ['CMD-SHELL', 'wget -q -O- http://localhost/'],
      intervalMs: 1000,
      failingStreak: 0,
      status: 'healthy',
      log: [{ start: 1_700_000_002_000, end: 1_700_000_002_040, exitCode: 0, output: 'probe-ok\n' }],
    },
    raw: `{"Id":"${ID}","Config":{"Env":["SECRET=hunter2","PATH=/usr/local/bin:/usr/bin"]},"HostConfig":{"NanoCpus":500000000}}`,
    ...overrides,
  }
}

describe('the detail panel’s inspect', () => {
  let store: LiveStore
  let scheduler: ManualScheduler
  let fetchInspect: ReturnType<typeof vi.fn<FetchInspect>>

  beforeEach(() => {
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler, connection: { status: 'connected', since: 0, latencyMs: 1 } })
    fetchInspect = vi.fn<FetchInspect>(() => Promise.resolve(inspectOf()))
    act(() => {
      store.dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container({ id: ID })] }) })
      scheduler.frame()
    })
  })
  afterEach(() => {
    delete (window as { runtime?: unknown }).runtime
  })

  const render = () => {
    renderDom(
      <LiveProvider store={store} inspect={fetchInspect}>
        <DetailPanel selectedKey={`local/${ID}`} onRemove={() => {}} onClose={() => {}} />
      </LiveProvider>,
    )
    return userEvent.setup()
  }
  const config = () => within(screen.getByRole('region', { name: 'Configuration' }))
  const term = (name: string) => config().getAllByText(name, { selector: 'dt' })[0]!.nextElementSibling

  it("puts the container's CPU limit on the CPU chart's scale", async () => {
    render()
    act(() => {
      store.dispatch({ type: 'message', message: msg.stats(2, [stats({ id: ID, read: 1_700_000_000_000, cpuPercent: 20 })]) })
      store.dispatch({ type: 'message', message: msg.stats(3, [stats({ id: ID, read: 1_700_000_001_000, cpuPercent: 40 })]) })
      scheduler.frame()
    })
    expect(await screen.findByRole('figure', { name: 'CPU, % of one core · limit 0.5 CPU (50 %)' })).toBeInTheDocument()
  })

  it('asks for the container on its engine, and says so while it waits', async () => {
    let answer: (i: Inspect) => void = () => {}
    fetchInspect.mockImplementation(() => new Promise((ok) => (answer = ok)))
    render()
    expect(fetchInspect).toHaveBeenCalledWith('local', ID)
    expect(config().getByText('Inspecting…')).toHaveAttribute('role', 'status')
    await act(() => {
      answer(inspectOf())
      return Promise.resolve()
    })
    expect(config().queryByText('Inspecting…')).not.toBeInTheDocument()
    expect(term('CPU limit')).toHaveTextContent('0.5 CPU')
  })

  it('hides environment values until asked, one or all, and keeps names visible', async () => {
    const user = render()
    const env = within(await screen.findByRole('region', { name: 'Environment' }))
    expect(env.getByText('SECRET')).toBeInTheDocument()
    expect(env.getByText('PATH')).toBeInTheDocument()
    expect(screen.queryByText('hunter2')).not.toBeInTheDocument()

    await user.click(env.getByRole('button', { name: 'Show the value of SECRET' }))
    expect(env.getByText('hunter2')).toBeInTheDocument()
    expect(env.queryByText('/usr/local/bin:/usr/bin')).not.toBeInTheDocument()
    await user.click(env.getByRole('button', { name: 'Hide the value of SECRET' }))
    expect(screen.queryByText('hunter2')).not.toBeInTheDocument()

    const all = env.getByRole('button', { name: 'Show values' })
    expect(all).toHaveAttribute('aria-pressed', 'false')
    await user.click(all)
    expect(env.getByText('hunter2')).toBeInTheDocument()
    expect(env.getByText('/usr/local/bin:/usr/bin')).toBeInTheDocument()
    await user.click(env.getByRole('button', { name: 'Hide values' }))
    expect(screen.queryByText('hunter2')).not.toBeInTheDocument()
  })

  it('keeps the values out of the raw JSON too until all are shown', async () => {
    const user = render()
    await user.click(await screen.findByText('Raw inspect JSON'))
    const raw = screen.getByLabelText("The engine's inspect answer")
    expect(raw).toHaveTextContent('"SECRET=••••••"')
    expect(raw.textContent).not.toContain('hunter2')
    expect(raw).toHaveTextContent('"NanoCpus": 500000000')
    await user.click(screen.getByRole('button', { name: 'Show values' }))
    expect(raw).toHaveTextContent('"SECRET=hunter2"')
  })

  it('renders the raw answer as text, never as HTML', async () => {
    fetchInspect.mockResolvedValue(inspectOf({ raw: '{"Name":"<img src=x onerror=alert(1)>"' }))
    const user = render()
    await user.click(await screen.findByText('Raw inspect JSON'))
    expect(screen.getByLabelText("The engine's inspect answer")).toHaveTextContent('<img src=x onerror=alert(1)>')
    expect(document.querySelector('.raw-json img')).toBeNull()
  })

  it('shows limits in human units, and no limit where there is none', async () => {
    render()
    await screen.findByRole('region', { name: 'Environment' })
    expect(term('CPU limit')).toHaveTextContent(/^0\.5 CPU$/)
    expect(term('Memory limit')).toHaveTextContent(/^256 MiB$/)
    expect(term('Swap')).toHaveTextContent(/^256 MiB$/)
    expect(term('Processes')).toHaveTextContent(/^no limit$/)
    expect(term('Stop')).toHaveTextContent('SIGTERM, then SIGKILL after 10 s (default)')
  })

  it('shows a container without limits as unlimited, never as 0', async () => {
    fetchInspect.mockResolvedValue(inspectOf({ limits: {}, healthcheck: undefined, env: [] }))
    render()
    await screen.findByRole('region', { name: 'Environment' })
    for (const t of ['CPU limit', 'Memory limit', 'Swap', 'Processes']) expect(term(t)).toHaveTextContent(/^no limit$/)
    expect(within(screen.getByRole('region', { name: 'Health check' })).getByText('None.')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Show values' })).not.toBeInTheDocument()
  })

  it('shows networks, the health check and its last results', async () => {
    render()
    const nets = within(await screen.findByRole('region', { name: 'Networks' }))
    expect(nets.getByText('shop-net')).toBeInTheDocument()
    expect(nets.getByText('172.18.0.2/16')).toBeInTheDocument()
    expect(nets.getByText('172.18.0.1')).toBeInTheDocument()
    expect(nets.getByText('02:42:ac:12:00:02')).toBeInTheDocument()
    const health = within(screen.getByRole('region', { name: 'Health check' }))
    expect(health.getByText('wget -q -O- http://localhost/')).toBeInTheDocument()
    expect(health.getByText(/every 1 s, timeout 30 s \(default\), 3 retries \(default\)/)).toBeInTheDocument()
    const results = within(health.getByRole('list', { name: 'Latest health check results' })).getAllByRole('listitem')
    expect(results).toHaveLength(1)
    expect(results[0]).toHaveTextContent(/passed.*in 40 ms.*probe-ok/)
  })

  it('says in words why a container exited', async () => {
    fetchInspect.mockResolvedValue(inspectOf({ state: 'exited', exitCode: 137, finishedAt: 1_700_000_009_000 }))
    render()
    expect(await screen.findByText('killed by SIGKILL (exit code 137)')).toBeInTheDocument()
    fetchInspect.mockResolvedValue(inspectOf({ state: 'exited', exitCode: 137, oomKilled: true, finishedAt: 1_700_000_009_000 }))
    act(() => {
      store.dispatch({ type: 'message', message: msg.upsert(2, container({ id: ID, state: 'exited', exitCode: 137, oomKilled: true })) })
      scheduler.frame()
    })
    expect(await screen.findByText(/killed for want of memory: the kernel's OOM killer \(exit code 137\)/)).toBeInTheDocument()
  })

  it('asks again when the container changes, and only then', async () => {
    render()
    await screen.findByRole('region', { name: 'Environment' })
    expect(fetchInspect).toHaveBeenCalledTimes(1)
    act(() => {
      store.dispatch({ type: 'message', message: msg.heartbeat(1) })
      scheduler.frame()
    })
    expect(fetchInspect).toHaveBeenCalledTimes(1)
    fetchInspect.mockResolvedValue(inspectOf({ restartCount: 3 }))
    act(() => {
      store.dispatch({ type: 'message', message: msg.upsert(2, container({ id: ID, restartCount: 3 })) })
      scheduler.frame()
    })
    expect(fetchInspect).toHaveBeenCalledTimes(2)
    expect(await screen.findByText(/^3×, policy no$/)).toBeInTheDocument()
  })

  it('says why the inspect failed and tries again when asked', async () => {
    fetchInspect.mockRejectedValueOnce(new Error('GET /api/engines/local/containers/c0ffee/inspect: engine unreachable (HTTP 503)'))
    const user = render()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Could not inspect the container: GET /api/engines/local/containers/c0ffee/inspect: engine unreachable (HTTP 503)')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('region', { name: 'Environment' })).toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('copies the full ID and says so, through the browser or the desktop clipboard', async () => {
    const user = render()
    const copy = screen.getByRole('button', { name: 'Copy ID' })
    await user.click(copy)
    expect(await navigator.clipboard.readText()).toBe(ID)
    expect(copy.parentElement).toHaveTextContent('Copied')

    const setText = vi.fn(() => Promise.resolve(false))
    ;(window as { runtime?: unknown }).runtime = { ClipboardSetText: setText }
    await user.click(copy)
    expect(setText).toHaveBeenCalledWith(ID)
    expect(await within(copy.parentElement!).findByText('Not copied: the desktop clipboard did not take the text')).toBeInTheDocument()
  })

  it('gives a long name a tooltip with all of it', () => {
    const long = 'a-very-long-container-name-from-a-compose-project-with-many-words-1'
    act(() => {
      store.dispatch({ type: 'message', message: msg.upsert(2, container({ id: ID, name: long })) })
      scheduler.frame()
    })
    render()
    expect(screen.getByRole('heading', { level: 2, name: long })).toHaveAttribute('title', long)
  })
})
