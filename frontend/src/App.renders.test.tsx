// What a stats batch renders: the rows whose figures changed, not the App.
// Counted through the table model's hook, which the App calls on every render.

import { act, render, screen, within } from '@testing-library/react'
import { expect, it, vi } from 'vitest'
import { App } from './App'
import { LiveProvider, createLiveStore } from './live'
import { ManualScheduler, container, engine, msg, stats } from './livetest'
import * as tableModel from './ui/useTableModel'

const renders = vi.hoisted(() => ({ app: 0 }))
vi.mock('./ui/useTableModel', async (importOriginal) => {
  const real = await importOriginal<typeof tableModel>()
  return {
    ...real,
    useTableModel: (...args: Parameters<typeof real.useTableModel>) => {
      renders.app++
      return real.useTableModel(...args)
    },
  }
})

it('renders only the rows for a stats batch, and the App for a container change or a sort by CPU', () => {
  const scheduler = new ManualScheduler()
  const store = createLiveStore({ scheduler, connection: { status: 'connected', since: 0, latencyMs: null } })
  render(
    <LiveProvider store={store}>
      <App />
    </LiveProvider>,
  )
  const send = (m: ReturnType<typeof msg.stats>) =>
    act(() => {
      store.dispatch({ type: 'message', message: m })
      scheduler.frame()
    })
  send(
    msg.snapshot({
      seq: 1,
      engines: [engine()],
      containers: [container({ id: 'a', name: 'web' }), container({ id: 'b', name: 'db' })],
      stats: [stats({ id: 'a', cpuPercent: 1 }), stats({ id: 'b', cpuPercent: 2 })],
    }),
  )
  const cpu = (name: string) => within(screen.getByRole('row', { name })).getAllByRole('gridcell')[3]
  expect(cpu('web')).toHaveTextContent('1.0%')

  const before = renders.app
  send(msg.stats(2, [stats({ id: 'a', cpuPercent: 7 })]))
  expect(cpu('web')).toHaveTextContent('7.0%')
  expect(cpu('db')).toHaveTextContent('2.0%')
  expect(renders.app).toBe(before)

  send(msg.upsert(3, container({ id: 'b', name: 'db', state: 'paused' })))
  expect(renders.app).toBeGreaterThan(before)

  // Sorted by CPU, the order reads the figures: a batch renders the App.
  act(() => screen.getByRole('button', { name: 'CPU' }).click())
  const sorted = renders.app
  send(msg.stats(4, [stats({ id: 'a', cpuPercent: 9 })]))
  expect(renders.app).toBeGreaterThan(sorted)
  expect(cpu('web')).toHaveTextContent('9.0%')
})
