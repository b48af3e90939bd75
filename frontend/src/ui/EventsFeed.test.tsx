import { act, render, screen, within } from '@testing-library/react'
import { expect, it } from 'vitest'
import { LiveProvider, createLiveStore } from '../live'
import { ManualScheduler, container, event, msg } from '../livetest'
import { EventsFeed } from './EventsFeed'

const options = () =>
  within(screen.getByRole('combobox', { name: 'Filter events by container' }))
    .getAllByRole('option')
    .map((o) => o.textContent)

it('lists the containers of the events by name, and keeps the list as a pause changes only a state', () => {
  const scheduler = new ManualScheduler()
  const store = createLiveStore({ scheduler })
  render(
    <LiveProvider store={store}>
      <EventsFeed onSelectContainer={() => {}} />
    </LiveProvider>,
  )
  const web = container({ id: 'w', name: '/web-10' })
  act(() => {
    store.dispatch({
      type: 'message',
      message: msg.snapshot({
        seq: 1,
        containers: [web, container({ id: 'd', name: '/db' }), container({ id: 'v', name: '/web-9' })],
        events: [
          event({ actorId: 'w', name: 'web-10' }),
          event({ actorId: 'd', name: 'db' }),
          event({ actorId: 'v', name: 'web-9' }),
          event({ actorId: 'w', name: 'web-10', action: 'pause' }),
          event({ type: 'image', actorId: 'sha256:x', name: 'nginx' }),
        ],
      }),
    })
    scheduler.frame()
  })
  // String.localeCompare's order (digits as text), each name once, images apart.
  expect(options()).toEqual(['All containers', 'db', 'web-10', 'web-9'])
  const before = screen.getAllByRole('option')

  act(() => {
    store.dispatch({ type: 'message', message: msg.upsert(2, { ...web, state: 'paused' }) })
    scheduler.frame()
  })
  expect(options()).toEqual(['All containers', 'db', 'web-10', 'web-9'])
  expect(screen.getAllByRole('option')).toEqual(before)

  act(() => {
    store.dispatch({ type: 'message', message: msg.upsert(3, container({ id: 'a', name: '/api' })) })
    store.dispatch({ type: 'message', message: msg.event(4, event({ actorId: 'a', name: 'api' })) })
    scheduler.frame()
  })
  expect(options()).toEqual(['All containers', 'api', 'db', 'web-10', 'web-9'])
})
