import { describe, expect, it } from 'vitest'
import { container, engine, event, snapshot } from '../livetest'
import {
  GROUP_WINDOW_MS,
  MAX_ALERTS,
  MAX_HISTORY,
  MUTED_STORAGE_KEY,
  addAlerts,
  alertsAfterMessage,
  loadMuted,
  saveMuted,
  type AlertDraft,
  type AlertLists,
} from './alerts'
import { applySnapshot, emptyLiveData } from './reducer'
import { alertTitle } from '../ui/alertTitle'

const NS = 1_000_000

describe('alerts from events', () => {
  const base = applySnapshot(emptyLiveData, snapshot({ seq: 1, containers: [container({ id: 'a', name: '/web-1' })] }))
  const withEvents = (...events: ReturnType<typeof event>[]) => ({ ...base, events: [...events].reverse() })

  it('an OOM kill raises one alert, not a second one for the die that follows', () => {
    const oom = event({ actorId: 'a', action: 'oom', timeNano: 100 * NS })
    const die = event({ actorId: 'a', action: 'die', attributes: { exitCode: '137' }, timeNano: 101 * NS })
    const data = withEvents(oom, die)
    expect(alertsAfterMessage([oom, die], data, new Map()).map((a) => a.title)).toEqual(['web-1 was killed: out of memory'])
  })

  it('a die after a kill or stop, or with exit 0, is expected', () => {
    const kill = event({ actorId: 'a', action: 'kill', attributes: { signal: '15' }, timeNano: 100 * NS })
    const die = event({ actorId: 'a', action: 'die', attributes: { exitCode: '143' }, timeNano: 101 * NS })
    expect(alertsAfterMessage([die], withEvents(kill, die), new Map())).toEqual([])
    const clean = event({ actorId: 'a', action: 'die', attributes: { exitCode: '0' } })
    expect(alertsAfterMessage([clean], withEvents(clean), new Map())).toEqual([])
  })

  it('a die nobody asked for, and unhealthy in either spelling, raise alerts', () => {
    const die = event({ actorId: 'a', action: 'die', attributes: { exitCode: '2' }, timeNano: 5_000 * NS })
    const h1 = event({ actorId: 'a', action: 'health_status', attributes: { healthStatus: 'unhealthy' } })
    const h2 = event({ actorId: 'a', action: 'health_status: unhealthy' })
    const ok = event({ actorId: 'a', action: 'health_status', attributes: { healthStatus: 'healthy' } })
    const alerts = alertsAfterMessage([die, h1, h2, ok], withEvents(die, h1, h2, ok), new Map())
    expect(alerts.map((a) => [a.kind, a.title, a.key])).toEqual([
      ['died', 'web-1 died unexpectedly (exit 2)', 'local/a'],
      ['unhealthy', 'web-1 is unhealthy', 'local/a'],
      ['unhealthy', 'web-1 is unhealthy', 'local/a'],
    ])
    expect(alerts[0]!.at).toBe(5_000)
  })

  it('a past event read back from the engine raises nothing, even delivered as a delta', () => {
    const die = event({ actorId: 'a', action: 'die', attributes: { exitCode: '2' }, timeNano: 5_000 * NS, backfill: true })
    const oom = event({ actorId: 'a', action: 'oom', timeNano: 4_000 * NS, backfill: true })
    const sick = event({ actorId: 'a', action: 'health_status', attributes: { healthStatus: 'unhealthy' }, backfill: true })
    expect(alertsAfterMessage([oom, die, sick], withEvents(oom, die, sick), new Map())).toEqual([])
  })
})

describe('the die decision reads the exit cause the backend derived', () => {
  const base = applySnapshot(emptyLiveData, snapshot({ seq: 1, containers: [container({ id: 'a', name: '/web-1' })] }))
  const die = (exitCause: 'stopped' | 'killed' | 'oom' | 'unasked' | undefined, timeNano = 100 * NS) =>
    event({ actorId: 'a', action: 'die', attributes: { exitCode: '137' }, timeNano, ...(exitCause ? { exitCause } : {}) })

  it('a stop that ended in SIGKILL or a kill is no alert, even long after the kill', () => {
    for (const cause of ['stopped', 'killed'] as const) {
      const d = die(cause, 600_000 * NS) // ten minutes after anything else: no event window explains it
      expect(alertsAfterMessage([d], { ...base, events: [d] }, new Map())).toEqual([])
    }
  })

  it('an exit nobody asked for is an alert, even with a kill shortly before it in the feed', () => {
    const kill = event({ actorId: 'a', action: 'kill', attributes: { signal: '1' }, timeNano: 99 * NS })
    const d = die('unasked')
    const alerts = alertsAfterMessage([d], { ...base, events: [d, kill] }, new Map())
    expect(alerts.map((a) => a.title)).toEqual(['web-1 died unexpectedly (exit 137)'])
  })

  it('the die of an OOM kill is left to the oom alert', () => {
    const d = die('oom')
    expect(alertsAfterMessage([d], { ...base, events: [d] }, new Map())).toEqual([])
  })
})

describe('grouping, history and muting', () => {
  const empty: AlertLists = { alerts: [], history: [] }
  const died = (at: number, key = 'local/a', name = 'web'): AlertDraft => ({
    kind: 'died',
    tone: 'bad',
    title: `${name} died unexpectedly (exit 1)`,
    at,
    key,
    name,
  })
  const ids = () => {
    let n = 0
    return () => ++n
  }

  it('repeats of one container become one entry with a count: a loop takes one toast', () => {
    const next = ids()
    let lists = addAlerts(empty, [{ kind: 'oom', tone: 'bad', title: 'db was killed: out of memory', at: 0, key: 'local/db', name: 'db' }], new Set(), next)
    for (let i = 0; i < 5; i++) lists = addAlerts(lists, [died(1000 + i * 30_000)], new Set(), next)
    expect(lists.alerts.map(alertTitle)).toEqual(['db was killed: out of memory', 'web died unexpectedly 5 times in 2 min'])
    expect(lists.history).toHaveLength(2)
    expect(lists.history[1]).toMatchObject({ count: 5, firstAt: 1000, at: 121_000 })
  })

  it('a loop never pushes out the alert that mattered', () => {
    const next = ids()
    let lists = addAlerts(empty, [{ kind: 'oom', tone: 'bad', title: 'db was killed: out of memory', at: 0, key: 'local/db' }], new Set(), next)
    for (let i = 0; i < 50; i++) lists = addAlerts(lists, [died(i * 10_000)], new Set(), next)
    expect(lists.alerts.map((a) => a.kind)).toEqual(['oom', 'died'])
  })

  it('a repeat after the window starts a new entry; other containers do not join', () => {
    const next = ids()
    let lists = addAlerts(empty, [died(0)], new Set(), next)
    lists = addAlerts(lists, [died(GROUP_WINDOW_MS + 1)], new Set(), next)
    lists = addAlerts(lists, [died(GROUP_WINDOW_MS + 2, 'local/b', 'api')], new Set(), next)
    expect(lists.history.map((a) => [a.key, a.count])).toEqual([
      ['local/a', 1],
      ['local/a', 1],
      ['local/b', 1],
    ])
  })

  it('a dismissed group comes back as a toast when it repeats', () => {
    const next = ids()
    let lists = addAlerts(empty, [died(0)], new Set(), next)
    lists = { ...lists, alerts: [] } // dismissed
    lists = addAlerts(lists, [died(1000)], new Set(), next)
    expect(lists.alerts.map((a) => a.count)).toEqual([2])
  })

  it('a muted container reaches the history only', () => {
    const lists = addAlerts(empty, [died(0), died(1, 'local/b', 'api')], new Set(['local/a']), ids())
    expect(lists.alerts.map((a) => a.key)).toEqual(['local/b'])
    expect(lists.history.map((a) => [a.key, a.muted ?? false])).toEqual([
      ['local/a', true],
      ['local/b', false],
    ])
  })

  it('toasts and history are bounded', () => {
    let lists = empty
    const next = ids()
    for (let i = 0; i < MAX_HISTORY + 10; i++) lists = addAlerts(lists, [died(i, `local/c${i}`)], new Set(), next)
    expect(lists.alerts).toHaveLength(MAX_ALERTS)
    expect(lists.history).toHaveLength(MAX_HISTORY)
    expect(lists.history[0]!.key).toBe('local/c10')
  })

  it('the muted set survives in storage; bad entries read as none', () => {
    const mem = new Map<string, string>()
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) }
    saveMuted(storage, new Set(['local/b', 'local/a']))
    expect(mem.get(MUTED_STORAGE_KEY)).toBe('["local/a","local/b"]')
    expect([...loadMuted(storage)]).toEqual(['local/a', 'local/b'])
    mem.set(MUTED_STORAGE_KEY, '{not json')
    expect(loadMuted(storage).size).toBe(0)
    mem.set(MUTED_STORAGE_KEY, '[1, "local/x"]')
    expect([...loadMuted(storage)]).toEqual(['local/x'])
    expect(loadMuted(undefined).size).toBe(0)
  })
})

describe('alerts with several engines', () => {
  const two = applySnapshot(
    emptyLiveData,
    snapshot({
      seq: 1,
      engines: [engine({ engine: 'one' }), engine({ engine: 'two', status: 'down' })],
      containers: [container({ engine: 'one', id: 'a', name: '/web' }), container({ engine: 'two', id: 'a', name: '/web' })],
    }),
  )
  it('name the engine in the title, the grouped title and the draft; with one engine they do not', () => {
    const die = event({ engine: 'two', actorId: 'a', action: 'die', attributes: { exitCode: '2' }, exitCause: 'unasked' })
    const [draft] = alertsAfterMessage([die], { ...two, events: [die] }, new Map())
    expect(draft).toMatchObject({ title: 'web on two died unexpectedly (exit 2)', engine: 'two', key: 'two/a', name: 'web' })
    expect(alertTitle({ ...draft!, id: 1, count: 3, firstAt: draft!.at - 60_000 })).toBe('web on two died unexpectedly 3 times in 1 min')
    const unhealthy = event({ engine: 'one', actorId: 'a', action: 'health_status: unhealthy' })
    expect(alertsAfterMessage([unhealthy], { ...two, events: [unhealthy] }, new Map()).map((a) => a.title)).toEqual(['web on one is unhealthy'])

    const single = applySnapshot(emptyLiveData, snapshot({ seq: 1, containers: [container({ id: 'a', name: '/web' })] }))
    const alone = event({ actorId: 'a', action: 'die', attributes: { exitCode: '2' }, exitCause: 'unasked' })
    const [one] = alertsAfterMessage([alone], { ...single, events: [alone] }, new Map())
    expect(one!.title).toBe('web died unexpectedly (exit 2)')
    expect(one!.engine).toBeUndefined()
  })
})
