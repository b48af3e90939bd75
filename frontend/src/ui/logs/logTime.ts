// A line's engine timestamp (RFC 3339, UTC, nanoseconds) in local time.

import { formatTimestamp } from '../../format'

/** "14:03:27.123" in local time; the time as given when it does not parse. */
export function shortTime(time: string): string {
  const ms = Date.parse(time)
  if (Number.isNaN(ms)) return time
  return formatTimestamp(ms).slice(11)
}

/** For a title: "2026-12-02 14:03:27.123456789 local time (2026-12-02T13:03:27.123456789Z)". */
export function fullTime(time: string): string {
  const ms = Date.parse(time)
  if (Number.isNaN(ms)) return time
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? ''
  const local = formatTimestamp(ms)
  return `${fraction.length > 3 ? local + fraction.slice(3) : local} local time (${time})`
}
