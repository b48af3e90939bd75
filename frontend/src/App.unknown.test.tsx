// What the dashboard says when it does not know: an engine never reached, an
// engine gone down under running containers, a page with no access yet, a
// paused container.

import { act, render as renderDom, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { LiveProvider, createLiveStore, type LiveStore, type PerformAction } from './live'
import { ManualScheduler, container, engine, msg, stats } from './livetest'

let scheduler: ManualScheduler
let store: LiveStore

beforeEach(() => {
  scheduler = new ManualScheduler()
  store = createLiveStore({ scheduler, connection: { status: 'connecting', since: 0 } })
})

const render = () => {
  renderDom(
    <LiveProvider store={store} perform={vi.fn<PerformAction>(async () => {})}>
      <App />
    </LiveProvider>,
  )
  return userEvent.setup()
}
const frame = () => act(() => scheduler.frame())
const dispatch = (m: Parameters<LiveStore['dispatch']>[0]) => act(() => void store.dispatch(m))

describe('App, when it does not know', () => {
  const connected = () => dispatch({ type: 'connection', connection: { status: 'connected', since: 1, latencyMs: null } })
  const summary = () => screen.getByLabelText('System summary')
  const term = (name: string) => {
    const dt = within(summary()).getByText(name, { selector: 'dt' })
    return dt.nextElementSibling as HTMLElement
  }
  const chart = (title: RegExp) => screen.getByRole('img', { name: title })
  const row = (name: string) => within(screen.getByRole('grid', { name: 'Containers' })).getByRole('row', { name })

  // Dockpulse started with the engine stopped: what the backend sends.
  const neverReached = engine({
    status: 'down',
    reason: 'dial unix /run/docker.sock: connect: no such file or directory',
    version: '',
    apiVersion: '',
    os: '',
    arch: '',
    kernelVersion: '',
    cpus: 0,
    memoryTotal: 0,
    images: 0,
    cgroupVersion: '',
  })

  it('says why the table is empty when the last engine was switched off', () => {
    render()
    dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [container({ id: 'c1', name: 'web' })] }) })
    connected()
    frame()
    expect(screen.queryByText(/No engine is watched/)).toBeNull()
    dispatch({ type: 'message', message: msg.engineRemove(2, 'local') })
    frame()
    expect(screen.getByText('No engine is watched: switch one on under Engines.')).toBeInTheDocument()
    expect(screen.queryByRole('row', { name: /web/ })).toBeNull()
  })

  it('says the engine was never reached, and shows its figures as unknown, not zero', () => {
    render()
    dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [neverReached] }) })
    connected()
    frame()
    expect(screen.getByText('No containers shown: Dockpulse has not reached the engine yet (see above).')).toBeInTheDocument()
    expect(screen.queryByText(/No containers on this engine yet/)).toBeNull()
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Dockpulse has not reached the Docker engine yet: dial unix /run/docker.sock: connect: no such file or directory',
    )
    const text = summary().textContent ?? ''
    expect(text).not.toMatch(/0\.0\s*%|0 B|of 1 CPU/)
    expect(term('Docker')).toHaveTextContent('not reached yet')
    expect(term('Containers')).toHaveTextContent('unknown')
    expect(term('Images')).toHaveTextContent('unknown')
    expect(term('CPU')).toHaveTextContent(/^unknown$/)
    expect(term('Memory')).toHaveTextContent(/^unknown$/)
    expect(screen.getByRole('status', { name: 'Engine' })).toHaveTextContent('Engine not reached')
  })

  it('while the engine is down, keeps running containers as last known, not stopped, and invents no 0 %', async () => {
    const user = render()
    dispatch({
      type: 'message',
      message: msg.snapshot({
        seq: 1,
        engines: [engine()],
        containers: [container({ id: 'a', name: 'web' })],
        stats: [stats({ id: 'a', cpuPercent: 40, memoryUsage: 64 * 1024 ** 2 })],
      }),
    })
    connected()
    frame()
    expect(term('CPU')).toHaveTextContent('20.0% of 2 CPUs')
    await user.click(row('web'))
    frame()
    expect(chart(/^CPU, % of one core: /)).toHaveAccessibleName('CPU, % of one core: 40.0%')

    dispatch({ type: 'message', message: msg.engine(2, { status: 'down', reason: 'connection refused', since: 5 }) })
    frame()
    expect(term('Containers')).toHaveTextContent(/^1 running0 paused0 stopped\s*last known$/)
    expect(term('CPU')).toHaveTextContent('— not live')
    expect(term('CPU')).not.toHaveTextContent('0.0%')
    expect(term('Memory')).toHaveTextContent('— of 4.0 GiB')
    expect(term('Memory')).toHaveAttribute('title', 'not live: engine down')
    for (const title of [/^CPU/, /^Memory/, /^Network/, /^Block I\/O/]) {
      expect(chart(title).getAttribute('aria-label')).toMatch(/: not live: engine down$/)
    }
    expect(screen.queryByText(/stopped$/, { selector: '[role="img"]' })).toBeNull()
  })

  it('shows a paused container as paused, with its memory, counted in the header', async () => {
    const user = render()
    dispatch({
      type: 'message',
      message: msg.snapshot({
        seq: 1,
        engines: [engine()],
        containers: [container({ id: 'a', name: 'web' }), container({ id: 'b', name: 'db', state: 'paused' })],
        stats: [
          stats({ id: 'a', memoryUsage: 100 * 1024 ** 2, memoryLimit: 0 }),
          stats({ id: 'b', cpuPercent: 0, memoryUsage: 50 * 1024 ** 2, memoryLimit: 0 }),
        ],
      }),
    })
    connected()
    frame()
    expect(term('Memory')).toHaveTextContent('150 MiB of 4.0 GiB')
    expect(within(row('db')).getByText('50.0 MiB')).toBeInTheDocument()
    await user.click(row('db'))
    frame()
    expect(chart(/^CPU/)).toHaveAccessibleName('CPU, % of one core: paused')
    expect(chart(/^Memory/)).toHaveAccessibleName('Memory: 50.0 MiB, paused')
    expect(chart(/^Network/)).toHaveAccessibleName('Network: paused')
  })

  it('draws no legend for a chart of one line: its title names it', async () => {
    const user = render()
    dispatch({
      type: 'message',
      message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container({ id: 'a', name: 'web' })], stats: [stats({ id: 'a' })] }),
    })
    connected()
    frame()
    await user.click(row('web'))
    frame()
    const cpu = screen.getByRole('figure', { name: 'CPU, % of one core' })
    expect(cpu.querySelector('.chart-legend')).toBeNull()
    const net = screen.getByRole('figure', { name: 'Network' })
    expect(net.querySelector('.chart-legend')).toHaveTextContent('rxtx')
  })
})

describe('App, on a first visit without access', () => {
  beforeEach(() => void render())
  const notice = () => screen.getByRole('status', { name: 'Connection notice' })
  const refused = (reason: string) =>
    dispatch({ type: 'connection', connection: { status: 'offline', since: 0, nextRetryAt: null, unauthorized: true, reason } })

  it('says an address without a code gives no access, and where a fresh one comes from', () => {
    refused('no access token: open Dockpulse through the address it printed (it ends in ?code=…)')
    frame()
    expect(notice()).toHaveTextContent('This page has no access to Dockpulse yet: its address carries no access code.')
    expect(notice()).toHaveTextContent('Open the address `dockpulse serve` printed in its terminal (it ends in ?code=…).')
    expect(notice()).not.toHaveTextContent(/restarted|last known/)
  })

  it('says a token the server does not know gives no access, without claiming a last known state', () => {
    refused('GET /api/snapshot: the server did not prove it knows the token')
    frame()
    expect(notice()).toHaveTextContent('This page has no access to Dockpulse: the server on this port does not know the token this page has.')
    expect(notice()).not.toHaveTextContent(/restarted|last known/)
  })

  it('after a picture was shown, says the backend changed and that the picture is the last known', () => {
    dispatch({ type: 'message', message: msg.snapshot({ seq: 1, engines: [engine()], containers: [container()] }) })
    refused('GET /api/snapshot: HTTP 401')
    frame()
    expect(notice()).toHaveTextContent('no longer accepts this page')
    expect(notice()).toHaveTextContent('Showing the last known state.')
  })
})
