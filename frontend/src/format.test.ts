import { describe, expect, it } from 'vitest'
import { container } from './livetest'
import {
  connectionDetail,
  describeConnection,
  describeState,
  formatBytes,
  formatCountdown,
  formatLatency,
  formatMemory,
  formatPercent,
} from './format'

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024 + 512 * 1024, '10.5 MiB'],
    [99.94 * 1024 * 1024, '99.9 MiB'],
    [512 * 1024 * 1024, '512 MiB'],
    [1023.99 * 1024, '1.0 MiB'], // rounding carries into the next unit
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

  it('describes container states', () => {
    expect(describeState(container())).toBe('Running')
    expect(describeState(container({ health: 'healthy' }))).toBe('Running · healthy')
    expect(describeState(container({ state: 'exited', exitCode: 0 }))).toBe('Exited (0)')
    expect(describeState(container({ state: 'exited', exitCode: 137, oomKilled: true }))).toBe(
      'Exited (137, OOM killed)',
    )
    expect(describeState(container({ state: 'paused' }))).toBe('Paused')
  })

  it('describes connection states', () => {
    expect(describeConnection({ status: 'connected', since: 0, latencyMs: 12 })).toBe('Live')
    expect(connectionDetail({ status: 'connected', since: 0, latencyMs: 12 }, 0)).toBe('12 ms')
    const reconnecting = { status: 'reconnecting', since: 0, attempt: 3, nextRetryAt: 4_000, reason: 'x' } as const
    expect(describeConnection(reconnecting)).toBe('Reconnecting (attempt 3)')
    expect(connectionDetail(reconnecting, 1_500)).toBe('retry in 3 s')
    expect(describeConnection({ status: 'polling', since: 0, lastPollAt: 0, attempt: 2, nextRetryAt: null })).toBe(
      'Degraded: polling',
    )
  })
})
