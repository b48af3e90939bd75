// The full inspect of one container, fetched on demand for the detail panel
// (Backend.inspect), and what the UI needs to read it: the lists Go may send
// as null made empty, and the environment's values kept out of the raw
// answer until the user asks for them.

import { arrayOf, isObject } from './protocol'
import type { Healthcheck, Inspect, NetworkLink } from './types'

/** Fills in the lists Go may send as null; throws on an answer that is not an inspect. */
export function normalizeInspect(value: unknown): Inspect {
  if (!isObject(value) || typeof value.id !== 'string') throw new Error('the answer is not a container inspect')
  const v = value as unknown as Inspect
  const health: Healthcheck | undefined = isObject(v.healthcheck)
    ? { ...v.healthcheck, test: arrayOf(v.healthcheck.test), log: arrayOf(v.healthcheck.log) }
    : undefined
  return {
    ...v,
    env: arrayOf(v.env),
    networks: arrayOf<NetworkLink>(v.networks).map((n) => ({ ...n, aliases: arrayOf(n.aliases) })),
    limits: isObject(v.limits) ? v.limits : {},
    healthcheck: health,
    raw: typeof v.raw === 'string' ? v.raw : '',
  }
}

/** What stands for a hidden value. */
export const HIDDEN_VALUE = '••••••'

/**
 * The raw answer with the value of every "NAME=value" string in its
 * "Env" lists replaced by HIDDEN_VALUE. It reads the JSON text itself, so
 * that an answer cut short (no longer valid JSON) is redacted too.
 */
export function redactEnv(raw: string): string {
  const key = /"Env"\s*:\s*\[/g
  let out = ''
  let from = 0
  for (let m = key.exec(raw); m; m = key.exec(raw)) {
    let i = m.index + m[0].length
    out += raw.slice(from, i)
    // Each element is a JSON string; stop at the list's end or the text's.
    for (;;) {
      while (i < raw.length && /[\s,]/.test(raw.charAt(i))) out += raw.charAt(i++)
      if (i >= raw.length || raw[i] !== '"') break
      let end = i + 1
      while (end < raw.length && raw[end] !== '"') end += raw[end] === '\\' ? 2 : 1
      const body = raw.slice(i + 1, Math.min(end, raw.length))
      const eq = body.indexOf('=')
      out += eq < 0 ? `"${body}` : `"${body.slice(0, eq + 1)}${HIDDEN_VALUE}`
      if (end < raw.length) out += '"'
      i = end + 1
    }
    from = i
    key.lastIndex = i
  }
  return out + raw.slice(from)
}

/** The raw answer for reading: indented when it is (still) valid JSON, as sent otherwise. */
export function formatRaw(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2)
  } catch {
    return raw
  }
}
