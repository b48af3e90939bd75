import { describe, expect, it } from 'vitest'
import { cpuTitle, exitReason, formatCpuLimit, formatMemoryLimit, formatMs, formatPidsLimit, formatStop, formatSwapLimit, healthSchedule } from './inspectFormat'

describe('limits in words', () => {
  it("the CPU chart's scale, and the limit on it", () => {
    expect(cpuTitle(undefined)).toBe('CPU, % of one core')
    expect(cpuTitle({ cpusetCpus: '0' })).toBe('CPU, % of one core')
    expect(cpuTitle({ nanoCpus: 500_000_000 })).toBe('CPU, % of one core · limit 0.5 CPU (50 %)')
    expect(cpuTitle({ cpuQuota: 150_000, cpuPeriod: 100_000 })).toBe('CPU, % of one core · limit 1.5 CPUs (150 %)')
  })

  it('CPU', () => {
    expect(formatCpuLimit({})).toBe('no limit')
    expect(formatCpuLimit({ nanoCpus: 500_000_000 })).toBe('0.5 CPU')
    expect(formatCpuLimit({ nanoCpus: 2_000_000_000 })).toBe('2 CPUs')
    expect(formatCpuLimit({ cpuQuota: 150_000, cpuPeriod: 100_000 })).toBe('1.5 CPUs (quota 150000 µs per 100000 µs)')
    expect(formatCpuLimit({ cpuQuota: 50_000 })).toBe('0.5 CPU (quota 50000 µs per 100000 µs)')
    expect(formatCpuLimit({ cpusetCpus: '0-1', cpuShares: 512 })).toBe('only CPUs 0-1, weight 512 (default 1024)')
  })

  it('memory, swap and processes', () => {
    expect(formatMemoryLimit({})).toBe('no limit')
    expect(formatMemoryLimit({ memory: 256 << 20 })).toBe('256 MiB')
    expect(formatMemoryLimit({ memory: 256 << 20, memoryReservation: 128 << 20 })).toBe('256 MiB (soft limit 128 MiB)')
    expect(formatSwapLimit({})).toBe('no limit')
    expect(formatSwapLimit({ memory: 256 << 20, memorySwap: 512 << 20 })).toBe('256 MiB')
    expect(formatSwapLimit({ memory: 256 << 20, memorySwap: 256 << 20 })).toBe('none')
    expect(formatSwapLimit({ memory: 256 << 20, memorySwap: -1 })).toBe('unlimited')
    expect(formatPidsLimit({})).toBe('no limit')
    expect(formatPidsLimit({ pidsLimit: 100 })).toBe('100 processes')
  })
})

describe('exitReason', () => {
  const exited = (exitCode: number, oomKilled = false) => ({ state: 'exited', exitCode, oomKilled, finishedAt: 1 })
  it('names the signal or the cause', () => {
    expect(exitReason(exited(0))).toBe('exited normally (exit code 0)')
    expect(exitReason(exited(137))).toBe('killed by SIGKILL (exit code 137)')
    expect(exitReason(exited(143))).toBe('stopped by SIGTERM (exit code 143)')
    expect(exitReason(exited(137, true))).toBe("killed for want of memory: the kernel's OOM killer (exit code 137)")
    expect(exitReason(exited(139))).toBe('killed by signal 11 (SIGSEGV) (exit code 139)')
    expect(exitReason(exited(127))).toBe('its command was not found (exit code 127)')
    expect(exitReason(exited(3))).toBe('failed (exit code 3)')
  })
  it('says nothing while it runs or before it ever ran', () => {
    expect(exitReason({ state: 'running', exitCode: 0, oomKilled: false, finishedAt: 0 })).toBeNull()
    expect(exitReason({ state: 'exited', exitCode: 0, oomKilled: false, finishedAt: 0 })).toBeNull()
  })
})

describe('durations and stop', () => {
  it('reads as a person would', () => {
    expect(formatMs(300)).toBe('300 ms')
    expect(formatMs(1500)).toBe('1.5 s')
    expect(formatMs(120_000)).toBe('2 min')
    expect(healthSchedule({ test: [], failingStreak: 0, log: [], intervalMs: 5000, retries: 1, startPeriodMs: 2000 })).toBe(
      'every 5 s, timeout 30 s (default), 1 retry, start period 2 s',
    )
    expect(formatStop({ stopSignal: 'SIGINT', stopTimeout: 0 })).toBe('SIGINT, then SIGKILL after 0 s')
  })
})
