// Formatting for people. Units follow `docker stats`: binary prefixes (KiB,
// MiB, GiB), percentages with one decimal.

import { eventSubject, healthOf, knownContainerName, type ConnectionState, type Container, type DockerEvent, type LiveData, type Port } from './live'

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const

/**
 * 0 → "0 B", 1536 → "1.5 KiB", 536870912 → "512 MiB". A figure moves to the
 * next unit at 1000 of the lower one, so it never needs four digits: 1000 KiB
 * reads "0.98 MiB". At most three significant digits: two decimals under 1,
 * one under 100, none above.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  const unit = byteUnit(bytes)
  if (unit === 0) return `${Math.round(bytes)} B`
  const value = bytes / 1024 ** unit
  const decimals = value < 1 ? 2 : value < 100 ? 1 : 0
  const rounded = Number(value.toFixed(decimals))
  // Rounding can reach 1000 (999.7 KiB): that is the next unit's 0.98.
  if (rounded >= 1000 && unit < BYTE_UNITS.length - 1) return `${(value / 1024).toFixed(2)} ${BYTE_UNITS[unit + 1]}`
  return `${rounded.toFixed(decimals)} ${BYTE_UNITS[unit]}`
}

/** The index in BYTE_UNITS a figure is written in: the next unit from 1000 of the lower one. */
export function byteUnit(bytes: number): number {
  let unit = 0
  let value = bytes
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit
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

/** Bytes per second: "0 B/s", "1.5 KiB/s"; "—" when unknown. */
export function formatRate(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) return '—'
  return `${formatBytes(bytesPerSecond)}/s`
}

/** A duration in words, coarse: "45 s", "12 min", "3 h 5 min", "4 days". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  const min = Math.floor(s / 60)
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`
  const d = Math.floor(h / 24)
  return d === 1 ? '1 day' : `${d} days`
}

/**
 * The status column, like `docker ps`: "Up 3 h 5 min", "Exited 12 min ago",
 * "Created 2 min ago", "Restarting (3)". Times are Unix ms; 0 means unknown.
 */
export function describeStatus(c: Container, now: number): string {
  switch (c.state) {
    case 'running':
      return c.startedAt > 0 ? `Up ${formatDuration(now - c.startedAt)}` : 'Up'
    case 'paused':
      return c.startedAt > 0 ? `Paused, up ${formatDuration(now - c.startedAt)}` : 'Paused'
    case 'restarting':
      return `Restarting (${c.restartCount})`
    case 'exited':
    case 'dead':
      return c.finishedAt > 0 ? `${capitalize(c.state)} ${formatDuration(now - c.finishedAt)} ago` : capitalize(c.state)
    case 'created':
      return c.created > 0 ? `Created ${formatDuration(now - c.created)} ago` : 'Created'
    default:
      return capitalize(c.state || 'unknown')
  }
}

/** Wall-clock time, Unix ms: "14:03:27", or "14:03" without the seconds (a chart's axis). */
export function formatClock(ms: number, { seconds = true }: { seconds?: boolean } = {}): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  const minutes = `${two(d.getHours())}:${two(d.getMinutes())}`
  return seconds ? `${minutes}:${two(d.getSeconds())}` : minutes
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/** An event's time: "14:03:27" today, "1 Dec 14:03:27" on another day (local time). */
export function formatEventTime(ms: number, now: number): string {
  const d = new Date(ms)
  const today = new Date(now)
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()
  if (sameDay) return formatClock(ms)
  const year = d.getFullYear() === today.getFullYear() ? '' : ` ${d.getFullYear()}`
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${year} ${formatClock(ms)}`
}

/** The full local timestamp, for a tooltip: "2026-12-01 14:03:27.123". */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`
  return `${date} ${formatClock(ms)}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** Content-addressed IDs as people write them: "sha256:9f86d08…" → "9f86d081884c". */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}

/** Full digests in a text shortened the way shortId does. */
function shortenDigests(text: string): string {
  return text.replace(/\bsha256:([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1')
}

/**
 * Round y-axis ticks for bytes (or bytes per second), in the unit the
 * largest figure is written in: 0, 200, 400, 600 KiB rather than 0, 488,
 * 977 KiB. max is the top of the axis; about `count` ticks.
 */
export function byteTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0]
  const factor = 1024 ** byteUnit(max)
  const step = niceStep(max / factor / count) * factor
  const ticks: number[] = []
  for (let v = 0; v <= max * (1 + 1e-9); v += step) ticks.push(v)
  return ticks
}

/**
 * One tick of a byteTicks axis, written in the unit of the axis's top tick
 * with as many decimals as its step needs: "0", "0.5 MiB", "1.0 MiB" rather
 * than "512 KiB" beside "1.0 MiB".
 */
export function formatByteTick(value: number, ticks: readonly number[], suffix = ''): string {
  const top = ticks.length > 0 ? Math.max(...ticks) : value
  if (value === 0) return '0'
  const unit = byteUnit(top)
  const factor = 1024 ** unit
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) / factor : 1
  const decimals = unit === 0 || step >= 1 ? 0 : step >= 0.1 && Math.round(step * 10) === step * 10 ? 1 : 2
  return `${(value / factor).toFixed(decimals)} ${BYTE_UNITS[unit]}${suffix}`
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least raw. */
function niceStep(raw: number): number {
  const base = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= raw) return m * base
  return 10 * base
}

/** Steps a time axis may use, in seconds. */
const TIME_STEPS = [15, 30, 60, 120, 300, 600] as const

/**
 * Time-axis ticks (Unix seconds) between min and max, on whole steps of the
 * clock, as many as fit: at most maxTicks.
 */
export function timeTicks(min: number, max: number, maxTicks: number): { ticks: number[]; step: number } {
  const span = max - min
  const step: number = TIME_STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? 600
  const ticks: number[] = []
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t)
  return { ticks, step }
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::'])

/**
 * Published and exposed ports: "8080→80/tcp, 127.0.0.1:6380→6379/tcp,
 * 9000/tcp". A port published on every interface (0.0.0.0, or :: for IPv6)
 * shows without an address, so the IPv4 and IPv6 halves of one mapping read
 * once; only an address that narrows who can connect is shown. (`docker ps`
 * writes 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp.)
 */
export function formatPorts(ports: readonly Port[]): string {
  const out = ports.map((p) => {
    if (!p.publicPort) return `${p.privatePort}/${p.protocol}`
    const ip = !p.ip || EVERY_INTERFACE.has(p.ip) ? '' : p.ip.includes(':') ? `[${p.ip}]:` : `${p.ip}:`
    return `${ip}${p.publicPort}→${p.privatePort}/${p.protocol}`
  })
  return [...new Set(out)].join(', ')
}

const SIGNALS: Record<string, string> = {
  '1': 'SIGHUP',
  '2': 'SIGINT',
  '3': 'SIGQUIT',
  '9': 'SIGKILL',
  '10': 'SIGUSR1',
  '12': 'SIGUSR2',
  '15': 'SIGTERM',
}

/**
 * One line that says what an event means: "web-1 died (exit 137, OOM
 * killed)", "web-1 is unhealthy", "image nginx:1.27 pulled". `data`, when
 * given, supplies current names and whether the container was OOM-killed.
 */
export function describeEvent(e: DockerEvent, data?: LiveData): string {
  const attrs = e.attributes ?? {}
  if (e.type === 'container') {
    const who = eventSubject(e, data)
    const health = healthOf(e)
    if (health !== null) {
      if (health === 'unhealthy') return `${who} is unhealthy`
      if (health === 'healthy') return `${who} is healthy`
      return `${who} health: ${health}`
    }
    switch (e.action) {
      case 'create':
        return `${who} created`
      case 'start':
        return `${who} started`
      case 'restart':
        return `${who} restarted`
      case 'die': {
        const code = attrs.exitCode ?? '?'
        const oom = wasOomKilled(e, data)
        if (code === '0' && !oom) return `${who} exited (exit 0)`
        return `${who} died (exit ${code}${oom ? ', OOM killed' : ''})`
      }
      case 'oom':
        return `${who} ran out of memory`
      case 'kill': {
        const sig = attrs.signal
        const name = sig ? (SIGNALS[sig] ?? (sig.startsWith('SIG') ? sig : `signal ${sig}`)) : ''
        return name ? `Docker sent ${name} to ${who}` : `${who} killed`
      }
      case 'stop':
        return `${who} stopped`
      case 'pause':
        return `${who} paused`
      case 'unpause':
        return `${who} resumed`
      case 'destroy':
        return `${who} removed`
      case 'rename':
        return attrs.oldName ? `${who} renamed from ${attrs.oldName.replace(/^\//, '')}` : `${who} renamed`
      case 'update':
        return `${who} configuration updated`
      default:
        return `${who} ${e.action.replace(/_/g, ' ')}`
    }
  }
  const name = shortenDigests(attrs.name ?? e.name ?? shortId(e.actorId))
  const past: Record<string, string> = {
    pull: 'pulled',
    push: 'pushed',
    delete: 'deleted',
    destroy: 'removed',
    create: 'created',
    remove: 'removed',
    tag: 'tagged',
    untag: 'untagged',
    import: 'imported',
    load: 'loaded',
    save: 'saved',
    prune: 'pruned',
    mount: 'mounted',
    unmount: 'unmounted',
    reload: 'reloaded',
  }
  const verb = past[e.action] ?? e.action.replace(/_/g, ' ')
  if (e.type === 'network' && (e.action === 'connect' || e.action === 'disconnect')) {
    const id = attrs.container
    if (!id) return `network ${name} ${e.action}ed`
    const who = knownContainerName(e.engine, id, data)
    return `${who} ${e.action}ed ${e.action === 'connect' ? 'to' : 'from'} network ${name}`
  }
  if (e.type === 'daemon') return `engine ${verb}`
  return `${e.type} ${name} ${verb}`
}

function wasOomKilled(e: DockerEvent, data?: LiveData): boolean {
  if (!data) return false
  const c = data.containers.get(`${e.engine}/${e.actorId}`)
  if (c?.oomKilled && c.finishedAt > 0 && Math.abs(c.finishedAt - e.timeNano / 1e6) < 5000) return true
  return data.events.some(
    (o) =>
      o.action === 'oom' &&
      o.actorId === e.actorId &&
      o.engine === e.engine &&
      o.timeNano <= e.timeNano &&
      e.timeNano - o.timeNano < 30e9,
  )
}

/** How bad an event is, for its dot: bad, warn, ok or idle. */
export function eventTone(e: DockerEvent): 'bad' | 'warn' | 'ok' | 'idle' {
  if (e.type !== 'container') return 'idle'
  const health = healthOf(e)
  if (health === 'unhealthy') return 'bad'
  if (health === 'healthy') return 'ok'
  switch (e.action) {
    case 'oom':
      return 'bad'
    case 'die':
      return e.attributes?.exitCode === '0' ? 'idle' : 'bad'
    case 'kill':
      return 'warn'
    case 'start':
    case 'unpause':
    case 'restart':
      return 'ok'
    case 'pause':
      return 'warn'
    default:
      return 'idle'
  }
}

/** Whole seconds until a time, "now" when it has passed. */
export function formatCountdown(at: number, now: number): string {
  const s = Math.ceil((at - now) / 1000)
  return s <= 0 ? 'now' : `in ${s} s`
}

function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text
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
      if (state.linkRefused) return 'Offline: link refused'
      return state.unauthorized ? 'Offline: access refused' : 'Offline'
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
      return `next try ${formatCountdown(state.nextRetryAt, now)}`
    case 'polling': {
      const age = `data up to ${Math.round(state.intervalMs / 1000)} s old`
      return state.nextRetryAt === null
        ? `${age} · live: trying`
        : `${age} · live: next try ${formatCountdown(state.nextRetryAt, now)}`
    }
    case 'offline':
      if (state.unauthorized) return 'token no longer valid'
      if (state.linkRefused) return 'needs a fresh address'
      return state.nextRetryAt === null ? 'retrying' : `retry ${formatCountdown(state.nextRetryAt, now)}`
    case 'connecting':
      return ''
  }
}

/** The tooltip of an event from before Dockpulse connected to its engine. */
export const PAST_EVENT = "From the engine's history: before Dockpulse connected"

/** A moment in the past, Unix ms: "14:03:27" today, "2026-11-30 14:03" another day. */
export function formatSince(ms: number, now: number): string {
  const d = new Date(ms)
  if (d.toDateString() === new Date(now).toDateString()) return formatClock(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatClock(ms, { seconds: false })}`
}

/** What an empty events list means: how far back it reaches ("since 14:03:27, as far back as …"). */
export function describeNoEvents(since: number | null, now: number, what: string): string {
  if (since === null) return `No ${what} yet: the engine's event history has not been read.`
  return `No ${what} since ${formatSince(since, now)}, as far back as the engine's event history went.`
}
