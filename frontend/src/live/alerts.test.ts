import { describe, expect, it } from 'vitest'
import { container, event, snapshot } from '../livetest'
import { alertsAfterMessage } from './alerts'
import { applySnapshot, emptyLiveData } from './reducer'

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
