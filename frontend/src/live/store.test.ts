import { describe, expect, it, vi } from 'vitest'
import { ManualScheduler, container, engine, event, msg, stats } from '../livetest'
import { createLiveStore } from './store'

const web = container({ id: 'c1', name: 'web' })

describe('createLiveStore', () => {
  it('applies at once but notifies once per frame', () => {
    const scheduler = new ManualScheduler()
    const store = createLiveStore({ scheduler })
    const listener = vi.fn()
    store.subscribe(listener)

    store.dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [web] }) })
    for (let i = 0; i < 50; i++) {
      store.dispatch({ type: 'message', message: msg.stats(2 + i, [stats({ cpuPercent: i })]) })
    }
    expect(listener).not.toHaveBeenCalled()
    expect(store.getState().data.synced).toBe(false) // committed state is still the old one
    expect(scheduler.scheduled).toBe(1)

    scheduler.frame()
    expect(listener).toHaveBeenCalledTimes(1)
    expect(store.getState().data.lastSeq).toBe(51)
    expect(store.getState().data.stats.get('local/c1')?.cpuPercent).toBe(49)
  })

  it('returns the gap synchronously from dispatch', () => {
    const store = createLiveStore({ scheduler: new ManualScheduler() })
    store.dispatch({ type: 'message', message: msg.snapshot({ seq: 5 }) })
    const r = store.dispatch({ type: 'message', message: msg.upsert(7, web) })
    expect(r).toEqual({ ok: false, gap: { expected: 6, got: 7, type: 'container.upsert' } })
  })

  it('does not schedule a frame for a no-op', () => {
    const scheduler = new ManualScheduler()
    const store = createLiveStore({ scheduler, connection: { status: 'connecting', since: 1 } })
    store.dispatch({ type: 'connection', connection: { status: 'connecting', since: 1 } })
    expect(scheduler.scheduled).toBe(0)
    store.dispatch({ type: 'connection', connection: { status: 'connected', since: 2, latencyMs: null } })
    expect(scheduler.scheduled).toBe(1)
    scheduler.frame()
    expect(store.getState().connection.status).toBe('connected')
  })

  it('stops notifying after unsubscribe', () => {
    const scheduler = new ManualScheduler()
    const store = createLiveStore({ scheduler })
    const listener = vi.fn()
    const unsubscribe = store.subscribe(listener)
    unsubscribe()
    store.dispatch({ type: 'message', message: msg.snapshot() })
    scheduler.frame()
    expect(listener).not.toHaveBeenCalled()
    expect(store.getState().data.synced).toBe(true)
  })

  it('hands each alert to onAlerts as it is raised, before any frame', () => {
    const scheduler = new ManualScheduler()
    const onAlerts = vi.fn()
    const store = createLiveStore({ scheduler, onAlerts })
    store.dispatch({ type: 'message', message: msg.snapshot({ seq: 1, containers: [web] }) })
    const die = event({ actorId: 'c1', action: 'die', attributes: { exitCode: '3' } })
    store.dispatch({ type: 'message', message: msg.event(2, die) })
    expect(onAlerts).toHaveBeenCalledTimes(1)
    expect(onAlerts.mock.calls[0]![0]).toEqual([expect.objectContaining({ kind: 'died', title: 'web died unexpectedly (exit 3)', id: 1 })])
    expect(scheduler.scheduled).toBe(1) // not committed yet: a hidden page may paint no frame for a while
  })

  it('names the engine in the alerts it hands on (the OS notifications) while more than one engine is known', () => {
    const onAlerts = vi.fn()
    const store = createLiveStore({ scheduler: new ManualScheduler(), onAlerts })
    store.dispatch({
      type: 'message',
      message: msg.snapshot({
        seq: 1,
        engines: [engine({ engine: 'one' }), engine({ engine: 'two' }), engine({ engine: 'three', status: 'down' })],
        containers: [container({ engine: 'two', id: 'c1', name: 'web' })],
      }),
    })
    store.dispatch({ type: 'message', message: msg.event(2, event({ engine: 'two', actorId: 'c1', action: 'oom' })) })
    expect(onAlerts.mock.calls[0]![0]).toEqual([expect.objectContaining({ title: 'web on two was killed: out of memory', engine: 'two' })])
    store.dispatch({ type: 'action.start', key: 'two/c1', action: 'stop', token: 7, at: 1 })
    store.dispatch({ type: 'action.failed', key: 'two/c1', token: 7, error: 'refused', name: 'web', at: 2 })
    expect(onAlerts.mock.calls[1]![0]).toEqual([expect.objectContaining({ title: 'Could not stop web on two', engine: 'two' })])
  })
})
