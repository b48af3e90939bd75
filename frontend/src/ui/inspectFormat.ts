// The full inspect in words: limits in human units ("0.5 CPU", "256 MiB",
// "no limit", never a fake 0), why a container exited, the health check.

import { formatBytes, formatClock } from '../format'
import type { Healthcheck, Inspect, Limits } from '../live'

const NO_LIMIT = 'no limit'

/** A count of CPUs: "0.5 CPU", "1 CPU", "2 CPUs", "1.25 CPUs". */
export function formatCpus(cpus: number): string {
  const n = Number(cpus.toFixed(3))
  return `${n} ${n > 1 ? 'CPUs' : 'CPU'}`
}

/** How many CPUs the container may use at most, from its quota; undefined without one. */
export function cpuCeiling(l: Limits): number | undefined {
  if (l.nanoCpus) return l.nanoCpus / 1e9
  if (l.cpuQuota && l.cpuQuota > 0) return l.cpuQuota / (l.cpuPeriod ?? 100_000)
  return undefined
}

/**
 * The CPU chart's title: its scale (100 % is one core, as docker stats
 * counts), and the container's limit on that scale when it has one.
 */
export function cpuTitle(l: Limits | undefined): string {
  const n = l && cpuCeiling(l)
  return n === undefined ? 'CPU, % of one core' : `CPU, % of one core · limit ${formatCpus(n)} (${Number((n * 100).toFixed(1))} %)`
}

/** The CPU limits, most binding first: "0.5 CPU", "1.5 CPUs (quota 150000 µs per 100000 µs)", "CPUs 0-1", "weight 512 of 1024". */
export function formatCpuLimit(l: Limits): string {
  const parts: string[] = []
  if (l.nanoCpus) parts.push(formatCpus(l.nanoCpus / 1e9))
  if (l.cpuQuota) {
    const period = l.cpuPeriod ?? 100_000
    const quota = `quota ${l.cpuQuota} µs per ${period} µs`
    parts.push(l.nanoCpus ? `(${quota})` : `${formatCpus(l.cpuQuota / period)} (${quota})`)
  }
  if (l.cpusetCpus) parts.push(`only CPUs ${l.cpusetCpus}`)
  if (l.cpuShares) parts.push(`weight ${l.cpuShares} (default 1024)`)
  return parts.length === 0 ? NO_LIMIT : parts.join(', ')
}

/** The memory limit: "256 MiB", "256 MiB (soft limit 128 MiB)", "no limit". */
export function formatMemoryLimit(l: Limits): string {
  const soft = l.memoryReservation ? `soft limit ${formatBytes(l.memoryReservation)}` : ''
  if (!l.memory) return soft ? `${NO_LIMIT} (${soft})` : NO_LIMIT
  return soft ? `${formatBytes(l.memory)} (${soft})` : formatBytes(l.memory)
}

/** Swap beyond the memory limit: "256 MiB", "none", "unlimited", "no limit". */
export function formatSwapLimit(l: Limits): string {
  if (l.memorySwap === -1) return 'unlimited'
  if (!l.memory) return NO_LIMIT // without a memory limit, swap is not limited either
  if (!l.memorySwap) return `${formatBytes(l.memory)} (the engine's default: as much as the memory limit)`
  const swap = l.memorySwap - l.memory
  return swap > 0 ? formatBytes(swap) : 'none'
}

export function formatPidsLimit(l: Limits): string {
  return l.pidsLimit ? `${l.pidsLimit} processes` : NO_LIMIT
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
}

/**
 * Why a container that ran is no longer running, in words, or null while it
 * runs or before it ever ran.
 */
export function exitReason(c: Pick<Inspect, 'state' | 'exitCode' | 'oomKilled' | 'finishedAt'>): string | null {
  if (c.state !== 'exited' && c.state !== 'dead') return null
  if (c.finishedAt === 0 && c.exitCode === 0 && !c.oomKilled) return null // created, never started
  const code = `exit code ${c.exitCode}`
  if (c.oomKilled) return `killed for want of memory: the kernel's OOM killer (${code})`
  if (c.exitCode === 0) return `exited normally (${code})`
  if (c.exitCode === 137) return `killed by SIGKILL (${code})`
  if (c.exitCode === 143) return `stopped by SIGTERM (${code})`
  if (c.exitCode === 126) return `its command could not be run (${code})`
  if (c.exitCode === 127) return `its command was not found (${code})`
  if (c.exitCode > 128 && c.exitCode < 160) {
    const n = c.exitCode - 128
    return `killed by signal ${n}${SIGNALS[n] ? ` (${SIGNALS[n]})` : ''} (${code})`
  }
  return `failed (${code})`
}

/** A duration of milliseconds: "300 ms", "1 s", "1.5 s", "2 min". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Number((ms / 1000).toFixed(1))} s`
  return `${ms / 60_000} min`
}

/** A moment, Unix ms: "2026-12-02 00:28:08"; "never" for 0. */
export function formatMoment(ms: number): string {
  if (ms <= 0) return 'never'
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatClock(ms)}`
}

/** The health check's command as a person would type it. */
export function healthCommand(h: Healthcheck): string {
  const [kind, ...rest] = h.test
  if (kind === 'CMD-SHELL') return rest.join(' ')
  if (kind === 'CMD') return rest.join(' ')
  return h.test.join(' ')
}

/** How often and how patiently it runs: "every 1 s, timeout 30 s, 3 retries". Defaults say so. */
export function healthSchedule(h: Healthcheck): string {
  const parts = [
    `every ${h.intervalMs ? formatMs(h.intervalMs) : '30 s (default)'}`,
    `timeout ${h.timeoutMs ? formatMs(h.timeoutMs) : '30 s (default)'}`,
    `${h.retries ?? 3} ${h.retries === 1 ? 'retry' : 'retries'}${h.retries ? '' : ' (default)'}`,
  ]
  if (h.startPeriodMs) parts.push(`start period ${formatMs(h.startPeriodMs)}`)
  return parts.join(', ')
}

/** What a health check's exit code means (Docker: 0 healthy, 1 unhealthy, other reserved). */
export function healthOutcome(exitCode: number): { text: string; tone: 'ok' | 'bad' } {
  if (exitCode === 0) return { text: 'passed', tone: 'ok' }
  if (exitCode === 1) return { text: 'failed (exit 1)', tone: 'bad' }
  return { text: `error (exit ${exitCode})`, tone: 'bad' }
}

/** The stop settings: "SIGTERM, then SIGKILL after 10 s (default)". */
export function formatStop(i: Pick<Inspect, 'stopSignal' | 'stopTimeout'>): string {
  const signal = i.stopSignal || 'SIGTERM'
  const timeout = i.stopTimeout === undefined ? '10 s (default)' : `${i.stopTimeout} s`
  return `${signal}, then SIGKILL after ${timeout}`
}
