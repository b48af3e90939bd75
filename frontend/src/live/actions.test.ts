import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ManualScheduler, container, event, msg, snapshot } from '../livetest'
import { actionsAfterMessage, availableActions, createActionRunner, shortenIds } from './actions'
import { BackendError, UnreachableError } from './backend'
import { applySnapshot, emptyLiveData } from './reducer'
import { createLiveStore, type LiveStore } from './store'

describe('container actions in the store', () => {
  let store: LiveStore
  let scheduler: ManualScheduler
  beforeEach(() => {
    vi.useFakeTimers()
    scheduler = new ManualScheduler()
    store = createLiveStore({ scheduler })
    store.dispatch({
      type: 'message',
      message: msg.snapshot({ seq: 1, containers: [container({ id: 'a', name: 'web' }), container({ id: 'b', name: 'db' })] }),
    })
  })
  afterEach(() => vi.useRealTimers())

  const state = () => {
    scheduler.frame()
    return store.getState()
  }

  it('records the state at the click and clears on the confirming event', () => {
    store.dispatch({ type: 'action.start', key: 'local/a', action: 'stop', token: 1, at: 5 })
    expect(state().actions.get('local/a')).toMatchObject({ phase: 'pending', action: 'stop', stateBefore: 'running' })
    // An unrelated event of another container changes nothing.
    store.dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'b', action: 'die' })) })
    expect(state().actions.has('local/a')).toBe(true)
    store.dispatch({ type: 'message', message: msg.event(3, event({ actorId: 'a', action: 'die' })) })
    expect(state().actions.has('local/a')).toBe(false)
  })

  it('keeps a pause pending after the engine\'s event until the container says paused', () => {
    // The backend publishes the event, then the inspected container: between
    // the two the row must not read plain Running.
    store.dispatch({ type: 'action.start', key: 'local/a', action: 'pause', token: 1, at: 5 })
    store.dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'a', action: 'pause' })) })
    expect(state().actions.get('local/a')?.phase).toBe('pending')
    store.dispatch({ type: 'message', message: msg.upsert(3, container({ id: 'a', name: 'web', state: 'paused' })) })
    expect(state().actions.has('local/a')).toBe(false)
  })

  it('clears when the container changes state or goes away', () => {
    store.dispatch({ type: 'action.start', key: 'local/a', action: 'stop', token: 1, at: 5 })
    store.dispatch({ type: 'action.start', key: 'local/b', action: 'remove', token: 2, at: 5 })
    store.dispatch({ type: 'message', message: msg.upsert(2, container({ id: 'a', name: 'web', state: 'exited' })) })
    store.dispatch({ type: 'message', message: msg.remove(3, 'local', 'b') })
    expect(state().actions.size).toBe(0)
  })

  it('restart is not confirmed by kill or die, only by start or restart', () => {
    store.dispatch({ type: 'action.start', key: 'local/a', action: 'restart', token: 1, at: 5 })
    store.dispatch({ type: 'message', message: msg.event(2, event({ actorId: 'a', action: 'kill' })) })
    store.dispatch({ type: 'message', message: msg.event(3, event({ actorId: 'a', action: 'die', attributes: { exitCode: '143' } })) })
    expect(state().actions.get('local/a')?.phase).toBe('pending')
    store.dispatch({ type: 'message', message: msg.event(4, event({ actorId: 'a', action: 'start' })) })
    expect(state().actions.has('local/a')).toBe(false)
  })

  it('a failure stays on the row with the reason, raises an alert and is settled later', () => {
    store.dispatch({ type: 'action.start', key: 'local/a', action: 'remove', token: 7, at: 5 })
    store.dispatch({ type: 'action.failed', key: 'local/a', token: 7, error: 'conflict', name: 'web', at: 6 })
    const s = state()
    expect(s.actions.get('local/a')).toMatchObject({ phase: 'failed', error: 'conflict' })
    expect(s.alerts).toMatchObject([{ id: 1, kind: 'action-failed', title: 'Could not remove web', detail: 'conflict' }])
    // A settle for an older run does nothing.
    store.dispatch({ type: 'action.settle', key: 'local/a', token: 6 })
    expect(state().actions.has('local/a')).toBe(true)
    store.dispatch({ type: 'action.settle', key: 'local/a', token: 7 })
    expect(state().actions.has('local/a')).toBe(false)
    store.dispatch({ type: 'alert.dismiss', id: 1 })
    expect(state().alerts).toEqual([])
  })

  it('the runner settles a resolved action that the engine never confirmed, and reports rejections', async () => {
    const perform = vi.fn((_engine: string, id: string) =>
      // Wails rejects bound calls with the Go error's string, not an Error.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      id === 'b' ? Promise.reject('stop b: no such container') : Promise.resolve(),
    )
    const run = createActionRunner((a) => store.dispatch(a), perform, { settleMs: 4000, failureMs: 12000 })
    await expect(run({ engine: 'local', id: 'a', name: 'web' }, 'start')).resolves.toBe(true)
    expect(perform).toHaveBeenLastCalledWith('local', 'a', 'start', undefined)
    expect(state().actions.get('local/a')).toMatchObject({ phase: 'pending', resolved: true })
    await vi.advanceTimersByTimeAsync(4000)
    expect(state().actions.has('local/a')).toBe(false)

    await expect(run({ engine: 'local', id: 'b', name: 'db' }, 'stop')).resolves.toBe(false)
    expect(state().actions.get('local/b')).toMatchObject({ phase: 'failed', error: 'stop b: no such container' })
    await vi.advanceTimersByTimeAsync(12000)
    expect(state().actions.has('local/b')).toBe(false)
  })

  it('a failure for want of the backend goes when the connection is back; a refusal stays until the state changes', async () => {
    const perform = vi.fn((_engine: string, id: string) =>
      Promise.reject(
        id === 'a'
          ? new UnreachableError('cannot reach the Dockpulse backend: Failed to fetch')
          : new BackendError('restart b: cannot restart (refused in the container\'s current state)', 409),
      ),
    )
    const run = createActionRunner((a) => store.dispatch(a), perform)
    store.dispatch({ type: 'connection', connection: { status: 'reconnecting', since: 1, attempt: 1, nextRetryAt: 2, reason: 'closed' } })
    await run({ engine: 'local', id: 'a', name: 'web' }, 'restart')
    await run({ engine: 'local', id: 'b', name: 'db' }, 'restart')
    expect(state().actions.get('local/a')).toMatchObject({ phase: 'failed', transport: true })
    expect(state().alerts.map((a) => a.key)).toEqual(['local/a', 'local/b'])

    store.dispatch({ type: 'connection', connection: { status: 'connected', since: 3, latencyMs: null } })
    expect(state().actions.has('local/a')).toBe(false)
    expect(state().alerts.map((a) => a.key)).toEqual(['local/b'])
    expect(state().history.map((a) => a.key)).toEqual(['local/a', 'local/b'])
    expect(state().actions.get('local/b')).toMatchObject({ phase: 'failed' })

    store.dispatch({ type: 'message', message: msg.upsert(2, container({ id: 'b', name: 'db', state: 'exited' })) })
    expect(state().actions.has('local/b')).toBe(false)
  })

  it('keeps at most MAX_ALERTS alerts, dropping the oldest', () => {
    for (let i = 0; i < 7; i++) {
      store.dispatch({ type: 'action.start', key: 'local/a', action: 'stop', token: i, at: i })
      store.dispatch({ type: 'action.failed', key: 'local/a', token: i, error: `e${i}`, name: 'web', at: i })
    }
    expect(state().alerts.map((a) => a.detail)).toEqual(['e2', 'e3', 'e4', 'e5', 'e6'])
  })
})

describe('actionsAfterMessage', () => {
  const base = applySnapshot(emptyLiveData, snapshot({ seq: 1, containers: [container({ id: 'a', name: '/web-1' })] }))

  it('pending entries without a known container state get it from the next message', () => {
    const pending = new Map([
      ['local/a', { action: 'stop' as const, token: 1, phase: 'pending' as const, startedAt: 0, stateBefore: '', resolved: false }],
    ])
    const next = actionsAfterMessage(pending, base, [])
    expect(next.get('local/a')?.stateBefore).toBe('running')
  })
})

describe('shortenIds', () => {
  it('cuts full container ids in engine messages to 12 characters', () => {
    const id = 'a'.repeat(12) + 'b'.repeat(52)
    expect(shortenIds(`You cannot remove a running container ${id}. Stop it`)).toBe('You cannot remove a running container aaaaaaaaaaaa. Stop it')
  })
})

describe('availableActions', () => {
  it('offers what the state allows', () => {
    expect(availableActions({ state: 'running' })).toMatchObject({ start: false, stop: true, pause: true, unpause: false, kill: true })
    expect(availableActions({ state: 'paused' })).toMatchObject({ stop: true, pause: false, unpause: true })
    expect(availableActions({ state: 'exited' })).toMatchObject({ start: true, stop: false, kill: false, remove: true })
  })
})
