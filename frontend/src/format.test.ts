import { describe, expect, it } from 'vitest'
import { container, event, snapshot } from './livetest'
import { applySnapshot, emptyLiveData } from './live'
import {
  describeNoEvents,
  connectionDetail,
  describeConnection,
  describeEvent,
  describeStatus,
  eventTone,
  formatDuration,
  formatRate,
  formatBytes,
  formatClock,
  formatCountdown,
  formatLatency,
  formatMemory,
  formatPercent,
  formatPorts,
  byteTicks,
  formatByteTick,
  formatEventTime,
  formatTimestamp,
  shortId,
  timeTicks,
} from './format'

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1000, '0.98 KiB'], // the next unit from 1000 of the lower one
    [1023, '1.00 KiB'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024 + 512 * 1024, '10.5 MiB'],
    [99.94 * 1024 * 1024, '99.9 MiB'],
    [512 * 1024 * 1024, '512 MiB'],
    [1000 * 1024, '0.98 MiB'],
    [999.7 * 1024, '0.98 MiB'], // rounding to 1000 carries into the next unit
    [1023.99 * 1024, '1.00 MiB'],
    [1.9 * 1024 ** 3, '1.9 GiB'],
    [3 * 1024 ** 4, '3.0 TiB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('%s → %s', (bytes, want) => {
    expect(formatBytes(bytes)).toBe(want)
  })
})

describe('formatPercent', () => {
  it.each([
    [0, '0.0%'],
    [12.345, '12.3%'],
    [12.35, '12.3%'], // toFixed rounds the binary value 12.3499…
    [99.99, '100.0%'],
    [250.04, '250.0%'],
    [-0.2, '0.0%'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('%s → %s', (value, want) => {
    expect(formatPercent(value)).toBe(want)
  })
})

describe('formatMemory', () => {
  it('shows usage and limit', () => {
    expect(formatMemory(50 * 1024 * 1024, 2 * 1024 ** 3)).toBe('50.0 MiB / 2.0 GiB')
  })
  it('shows usage alone without a limit', () => {
    expect(formatMemory(2048, 0)).toBe('2.0 KiB')
  })
})

describe('small helpers', () => {
  it('formats latency and countdowns', () => {
    expect(formatLatency(12.4)).toBe('12 ms')
    expect(formatLatency(1250)).toBe('1.3 s')
    expect(formatCountdown(10_000, 7_100)).toBe('in 3 s')
    expect(formatCountdown(10_000, 10_000)).toBe('now')
  })

  it('describes connection states', () => {
    expect(describeConnection({ status: 'connected', since: 0, latencyMs: 12 })).toBe('Live')
    expect(connectionDetail({ status: 'connected', since: 0, latencyMs: 12 }, 0)).toBe('12 ms')
    const reconnecting = { status: 'reconnecting', since: 0, attempt: 3, nextRetryAt: 4_000, reason: 'x' } as const
    expect(describeConnection(reconnecting)).toBe('Reconnecting (attempt 3)')
    expect(connectionDetail(reconnecting, 1_500)).toBe('next try in 3 s')
    const polling = { status: 'polling', since: 0, lastPollAt: 0, intervalMs: 2000, attempt: 2, nextRetryAt: 5_000 } as const
    expect(describeConnection(polling)).toBe('Degraded: polling')
    expect(connectionDetail(polling, 1_000)).toBe('data up to 2 s old · live: next try in 4 s')
    expect(connectionDetail({ ...polling, nextRetryAt: null }, 1_000)).toBe('data up to 2 s old · live: trying')
    const refusedLink = { status: 'offline', since: 0, reason: 'this link was already used', nextRetryAt: 3_000, linkRefused: true } as const
    expect(connectionDetail(refusedLink, 0)).toBe('needs a fresh address') // no countdown: waiting will not help
    const offline = { status: 'offline', since: 0, reason: 'HTTP 401', nextRetryAt: null, unauthorized: true } as const
    expect(describeConnection(offline)).toBe('Offline: access refused')
    expect(connectionDetail(offline, 0)).toBe('token no longer valid')
  })
})

describe('events and status', () => {
  const data = applySnapshot(
    emptyLiveData,
    snapshot({ seq: 1, containers: [container({ id: 'c1', name: '/web-1', oomKilled: true, finishedAt: 1_700_000_000_000 })] }),
  )
  it('says what an event means in one line', () => {
    const die = event({ action: 'die', attributes: { exitCode: '137' }, timeNano: 1_700_000_000_000 * 1e6 })
    expect(describeEvent(die, data)).toBe('web-1 died (exit 137, OOM killed)')
    expect(describeEvent(event({ action: 'die', attributes: { exitCode: '1' } }))).toBe('web died (exit 1)')
    expect(describeEvent(event({ action: 'die', attributes: { exitCode: '0' } }))).toBe('web exited (exit 0)')
    expect(describeEvent(event({ action: 'kill', attributes: { signal: '15' } }))).toBe('Docker sent SIGTERM to web')
    expect(describeEvent(event({ action: 'kill', attributes: { signal: '9' } }))).toBe('Docker sent SIGKILL to web')
    expect(describeEvent(event({ action: 'unpause' }))).toBe('web resumed')
    expect(describeEvent(event({ action: 'destroy' }))).toBe('web removed')
    expect(describeEvent(event({ action: 'health_status', attributes: { healthStatus: 'unhealthy' } }))).toBe('web is unhealthy')
    expect(describeEvent(event({ action: 'health_status: healthy' }))).toBe('web is healthy')
    expect(describeEvent(event({ action: 'rename', attributes: { oldName: '/old' } }))).toBe('web renamed from old')
    expect(describeEvent(event({ type: 'image', action: 'pull', actorId: 'nginx:1.27', name: undefined, attributes: { name: 'nginx:1.27' } }))).toBe(
      'image nginx:1.27 pulled',
    )
    expect(describeEvent(event({ type: 'network', action: 'connect', attributes: { name: 'bridge', container: 'c0ffee0123456789' } }))).toBe(
      'c0ffee012345 connected to network bridge',
    )
    expect(describeEvent(event({ type: 'network', action: 'disconnect', attributes: { name: 'none', container: 'c1' } }), data)).toBe(
      'web-1 disconnected from network none',
    )
    expect(describeEvent(event({ type: 'volume', action: 'destroy', attributes: { name: 'data' } }))).toBe('volume data removed')
  })

  it('gives events a tone', () => {
    expect(eventTone(event({ action: 'oom' }))).toBe('bad')
    expect(eventTone(event({ action: 'die', attributes: { exitCode: '0' } }))).toBe('idle')
    expect(eventTone(event({ action: 'start' }))).toBe('ok')
  })

  it('formats rates, durations and the status column', () => {
    expect(formatRate(1536)).toBe('1.5 KiB/s')
    expect(formatRate(1000 * 1024)).toBe('0.98 MiB/s')
    expect(formatRate(undefined)).toBe('—')
    expect(formatDuration(45_000)).toBe('45 s')
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min')
    expect(formatDuration(2 * 86400_000)).toBe('2 days')
    const now = 1_700_000_600_000
    expect(describeStatus(container({ startedAt: now - 120_000 }), now)).toBe('Up 2 min')
    expect(describeStatus(container({ state: 'exited', finishedAt: now - 30_000 }), now)).toBe('Exited 30 s ago')
    expect(describeStatus(container({ state: 'restarting', restartCount: 3 }), now)).toBe('Restarting (3)')
    expect(describeStatus(container({ state: 'paused', startedAt: now - 3600_000 }), now)).toBe('Paused, up 1 h')
  })
})

describe('formatClock', () => {
  it('writes the local time of day, with or without the seconds', () => {
    const at = new Date(2026, 0, 2, 9, 5, 7).getTime()
    expect(formatClock(at)).toBe('09:05:07')
    expect(formatClock(at, { seconds: false })).toBe('09:05')
  })
})

describe('formatPorts', () => {
  it('shows an address only where it narrows who can connect, and each mapping once', () => {
    expect(formatPorts([])).toBe('')
    expect(
      formatPorts([
        { ip: '0.0.0.0', privatePort: 80, publicPort: 8080, protocol: 'tcp' },
        { ip: '::', privatePort: 80, publicPort: 8080, protocol: 'tcp' },
        { ip: '127.0.0.1', privatePort: 6379, publicPort: 6380, protocol: 'tcp' },
        { ip: '::1', privatePort: 53, publicPort: 5353, protocol: 'udp' },
        { privatePort: 9000, protocol: 'tcp' },
      ]),
    ).toBe('8080→80/tcp, 127.0.0.1:6380→6379/tcp, [::1]:5353→53/udp, 9000/tcp')
  })
})

describe('describeNoEvents', () => {
  it('says how far back the list reaches, with the date when it is another day', () => {
    const now = new Date(2026, 11, 2, 15, 0, 0).getTime()
    const today = new Date(2026, 11, 2, 9, 5, 7).getTime()
    const before = new Date(2026, 10, 30, 22, 4, 0).getTime()
    expect(describeNoEvents(today, now, 'events')).toBe("No events since 09:05:07, as far back as the engine's event history went.")
    expect(describeNoEvents(before, now, 'events of this container')).toBe(
      "No events of this container since 2026-11-30 22:04, as far back as the engine's event history went.",
    )
    expect(describeNoEvents(null, now, 'events')).toBe("No events yet: the engine's event history has not been read.")
  })
})

describe('names and IDs in events', () => {
  const digest = 'sha256:' + '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
  it('names a removed container from its earlier events', () => {
    // Oldest last: the destroy came after the die that carried the name.
    const die = event({ actorId: 'c0ffee0123456789', action: 'die', name: '/api-1', attributes: { exitCode: '0', name: 'api-1' } })
    const data = { ...emptyLiveData, events: [die] }
    const disconnect = event({ type: 'network', action: 'disconnect', attributes: { name: 'bridge', container: 'c0ffee0123456789' } })
    expect(describeEvent(disconnect, data)).toBe('api-1 disconnected from network bridge')
    const bare = event({ actorId: 'c0ffee0123456789', action: 'destroy', name: undefined, attributes: {} })
    expect(describeEvent(bare, data)).toBe('api-1 removed')
    expect(describeEvent(bare)).toBe('c0ffee012345 removed')
  })
  it('shortens image digests', () => {
    expect(shortId(digest)).toBe('9f86d081884c')
    expect(describeEvent(event({ type: 'image', action: 'delete', actorId: digest, name: digest, attributes: { name: digest } }))).toBe(
      'image 9f86d081884c deleted',
    )
    expect(describeEvent(event({ type: 'image', action: 'untag', actorId: digest, name: undefined, attributes: {} }))).toBe(
      'image 9f86d081884c untagged',
    )
  })
})

describe('event times', () => {
  const now = new Date(2026, 11, 2, 9, 30, 0).getTime()
  it('says the date when the event was not today, and everything on hover', () => {
    expect(formatEventTime(new Date(2026, 11, 2, 8, 5, 7).getTime(), now)).toBe('08:05:07')
    expect(formatEventTime(new Date(2026, 11, 1, 23, 59, 1).getTime(), now)).toBe('1 Dec 23:59:01')
    expect(formatEventTime(new Date(2025, 0, 3, 1, 2, 3).getTime(), now)).toBe('3 Jan 2025 01:02:03')
    expect(formatTimestamp(new Date(2026, 11, 1, 23, 59, 1, 42).getTime())).toBe('2026-12-01 23:59:01.042')
  })
})

describe('chart ticks', () => {
  it('puts byte ticks on round values of the unit the axis is written in', () => {
    // 1.15 MB of axis: KiB, not 0 / 488 / 977 KiB.
    const ticks = byteTicks(1.15e6)
    expect(ticks.map((v) => formatByteTick(v, ticks))).toEqual(['0', '0.5 MiB', '1.0 MiB'])
    const small = byteTicks(900 * 1024)
    expect(small.map((v) => formatByteTick(v, small, '/s'))).toEqual(['0', '250 KiB/s', '500 KiB/s', '750 KiB/s'])
    const quarter = byteTicks(1.0 * 1024 ** 3)
    expect(quarter.map((v) => formatByteTick(v, quarter))).toEqual(['0', '0.25 GiB', '0.50 GiB', '0.75 GiB', '1.00 GiB'])
    expect(byteTicks(300 * 1024 ** 2).map((v) => v / 1024 ** 2)).toEqual([0, 100, 200, 300])
    expect(byteTicks(0)).toEqual([0])
  })
  it('labels a five-minute axis several times, on whole steps of the clock', () => {
    const max = 1_800_000_030 // 30 s past a whole 5 minutes
    const min = max - 300
    const wide = timeTicks(min, max, 8)
    expect(wide.step).toBe(60)
    expect(wide.ticks).toHaveLength(5)
    expect(wide.ticks.every((t) => t % 60 === 0)).toBe(true)
    expect(timeTicks(min, max, 3).step).toBe(120)
    expect(timeTicks(min, max, 12).step).toBe(30)
    expect(timeTicks(min, max, 40).step).toBe(15)
  })
})
