// Formatting for people. Units follow `docker stats`: binary prefixes (KiB,
// MiB, GiB), percentages with one decimal.

import type { ConnectionState, Container } from './live'

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const

/** 0 → "0 B", 1536 → "1.5 KiB", 536870912 → "512 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  if (unit === 0) return `${Math.round(value)} B`
  // Three significant digits at most: 1.5 KiB, 12.3 MiB, 512 MiB.
  // Rounding can carry into the next unit (1023.96 KiB → "1.0 MiB").
  const decimals = value < 100 ? 1 : 0
  const rounded = Number(value.toFixed(decimals))
  if (rounded >= 1024 && unit < BYTE_UNITS.length - 1) return `1.0 ${BYTE_UNITS[unit + 1]}`
  return `${rounded.toFixed(decimals)} ${BYTE_UNITS[unit]}`
}

/** 12.345 → "12.3%"; CPU may exceed 100% on several cores. */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '—'
  return `${Math.max(0, value).toFixed(1)}%`
}

/** "12.3 MiB / 1.9 GiB", or just the usage when there is no limit. */
export function formatMemory(usage: number, limit: number): string {
  if (!(limit > 0)) return formatBytes(usage)
  return `${formatBytes(usage)} / ${formatBytes(limit)}`
}

/** Milliseconds as "12 ms", "1.2 s". */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(1)} s`
}

/** Whole seconds until a time, "now" when it has passed. */
export function formatCountdown(at: number, now: number): string {
  const s = Math.ceil((at - now) / 1000)
  return s <= 0 ? 'now' : `in ${s} s`
}

function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text
}

/** "Running · healthy", "Exited (137, OOM killed)", "Paused". */
export function describeState(c: Container): string {
  let text = capitalize(c.state || 'unknown')
  if (c.state === 'exited' || c.state === 'dead') {
    text += c.oomKilled ? ` (${c.exitCode}, OOM killed)` : ` (${c.exitCode})`
  }
  if (c.health) text += ` · ${c.health}`
  return text
}

/** The connection indicator's text: changes only when the state does. */
export function describeConnection(state: ConnectionState): string {
  switch (state.status) {
    case 'connecting':
      return 'Connecting…'
    case 'connected':
      return 'Live'
    case 'reconnecting':
      return `Reconnecting (attempt ${state.attempt})`
    case 'polling':
      return 'Degraded: polling'
    case 'offline':
      return 'Offline'
  }
}

/**
 * Detail that changes often (latency, countdowns); kept out of the
 * indicator's live region so screen readers are not flooded.
 */
export function connectionDetail(state: ConnectionState, now: number): string {
  switch (state.status) {
    case 'connected':
      return state.latencyMs === null ? '' : formatLatency(state.latencyMs)
    case 'reconnecting':
      return `retry ${formatCountdown(state.nextRetryAt, now)}`
    case 'polling':
      return state.nextRetryAt === null
        ? 'live updates: retrying'
        : `live updates: retry ${formatCountdown(state.nextRetryAt, now)}`
    case 'offline':
      return state.nextRetryAt === null ? 'retrying' : `retry ${formatCountdown(state.nextRetryAt, now)}`
    case 'connecting':
      return ''
  }
}
