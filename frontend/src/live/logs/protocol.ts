// The logs socket's messages and the polling answers, decoded at the edge:
// each line is checked once here (fixed-width times, a known stream, text),
// so the buffer and the view can rely on well-formed LogLines. The sequence
// rule of /ws/logs is simpler than the state stream's: every message,
// hello included, is the one after the last, counting from 1.

import { ProtocolError, arrayOf, isObject, parseEnvelope } from '../protocol'
import {
  PROTOCOL_VERSION,
  type LastWords,
  type LogContainer,
  type LogLine,
  type LogPage,
  type LogServerMessage,
  type LogStreamState,
} from '../types'

/** RFC 3339 in UTC with exactly nine fraction digits: string order is time order. */
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/

const STATES: ReadonlySet<string> = new Set<LogStreamState>(['following', 'stopped', 'removed', 'interrupted'])

function str(where: string, value: unknown): string {
  if (typeof value !== 'string') throw new ProtocolError(`${where}: not a string`)
  return value
}

function time(where: string, value: unknown): string {
  const t = str(where, value)
  if (!TIME.test(t)) throw new ProtocolError(`${where}: ${JSON.stringify(t)} is not a time with nine fraction digits`)
  return t
}

function count(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ProtocolError(`${where}: bad count ${String(value)}`)
  }
  return value
}

/** Checks one line; where names it in the error. */
export function parseLine(value: unknown, where = 'line'): LogLine {
  if (!isObject(value)) throw new ProtocolError(`${where}: not an object`)
  const stream = value.stream
  if (stream !== 'stdout' && stream !== 'stderr') throw new ProtocolError(`${where}: stream ${String(stream)}`)
  const line: LogLine = {
    engine: str(`${where}.engine`, value.engine),
    id: str(`${where}.id`, value.id),
    time: time(`${where}.time`, value.time),
    stream,
    text: str(`${where}.text`, value.text),
  }
  if (value.cut !== undefined) line.cut = count(`${where}.cut`, value.cut)
  if (value.partial === true) line.partial = true
  return line
}

export function parseLines(value: unknown, where: string): LogLine[] {
  return arrayOf<unknown>(value).map((l, i) => parseLine(l, `${where}[${i}]`))
}

/** The array field of a logs.lines batch, of n elements (n < 0: any number). */
function column(data: Record<string, unknown>, field: string, n: number): unknown[] {
  const value = data[field]
  if (!Array.isArray(value)) throw new ProtocolError(`logs.lines.${field}: not a list`)
  if (n >= 0 && value.length !== n) throw new ProtocolError(`logs.lines.${field}: ${value.length} for ${n} lines`)
  return value
}

/**
 * Makes a logs.lines batch (one array per field, docs/protocol.md) lines
 * again, each checked as parseLine checks one. The lines of a container
 * share its engine and ID strings.
 */
export function parseBatch(data: Record<string, unknown>): LogLine[] {
  const containers = column(data, 'containers', -1).map((c, i) => {
    if (!isObject(c)) throw new ProtocolError(`logs.lines.containers[${i}]: not an object`)
    return { engine: str(`logs.lines.containers[${i}].engine`, c.engine), id: str(`logs.lines.containers[${i}].id`, c.id) }
  })
  const container = column(data, 'container', -1)
  const n = container.length
  const times = column(data, 'time', n)
  const streams = column(data, 'stream', n)
  const texts = column(data, 'text', n)
  const cuts = data.cut === undefined ? null : column(data, 'cut', n)
  const partials = data.partial === undefined ? null : column(data, 'partial', n)
  const lines = new Array<LogLine>(n)
  for (let i = 0; i < n; i++) {
    const k = container[i]
    const c = typeof k === 'number' ? containers[k] : undefined
    if (!c) throw new ProtocolError(`logs.lines.container[${i}]: ${String(container[i])} is not one of ${containers.length}`)
    const stream = streams[i]
    if (stream !== 'stdout' && stream !== 'stderr') throw new ProtocolError(`logs.lines.stream[${i}]: ${String(stream)}`)
    const t = times[i]
    const text = texts[i]
    const line: LogLine = {
      engine: c.engine,
      id: c.id,
      time: typeof t === 'string' && TIME.test(t) ? t : time(`logs.lines.time[${i}]`, t),
      stream,
      text: typeof text === 'string' ? text : str(`logs.lines.text[${i}]`, text),
    }
    if (cuts && cuts[i] !== 0) line.cut = count(`logs.lines.cut[${i}]`, cuts[i])
    if (partials && partials[i] === true) line.partial = true
    lines[i] = line
  }
  return lines
}

/** A message type this client does not know: it advances seq and changes nothing. */
export interface UnknownLogMessage {
  type: 'unknown'
  rawType: string
  seq: number
}

/** Parses one message of /ws/logs. Throws ProtocolError when it is unusable. */
export function parseLogMessage(text: string): LogServerMessage | UnknownLogMessage {
  const { type, seq, data } = parseEnvelope(text)
  if (typeof type !== 'string') throw new ProtocolError('frame has no type')
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw new ProtocolError(`${type}: bad seq ${String(seq)}`)
  if (!isObject(data)) throw new ProtocolError(`${type}: data is not an object`)
  const v = PROTOCOL_VERSION
  switch (type) {
    case 'logs.hello':
      return {
        v,
        type,
        seq,
        data: {
          containers: arrayOf<unknown>(data.containers).map((c, i): LogContainer => {
            const where = `logs.hello.containers[${i}]`
            if (!isObject(c)) throw new ProtocolError(`${where}: not an object`)
            return { engine: str(`${where}.engine`, c.engine), id: str(`${where}.id`, c.id), name: str(`${where}.name`, c.name), tty: c.tty === true }
          }),
          maxLineBytes: typeof data.maxLineBytes === 'number' ? data.maxLineBytes : 0,
        },
      }
    case 'logs.lines':
      return { v, type, seq, data: { lines: parseBatch(data) } }
    case 'logs.skipped':
      return {
        v,
        type,
        seq,
        data: {
          engine: str('logs.skipped.engine', data.engine),
          id: str('logs.skipped.id', data.id),
          count: count('logs.skipped.count', data.count),
          from: time('logs.skipped.from', data.from),
          to: time('logs.skipped.to', data.to),
        },
      }
    case 'logs.state': {
      const state = str('logs.state.state', data.state)
      if (!STATES.has(state)) throw new ProtocolError(`logs.state: unknown state ${state}`)
      return {
        v,
        type,
        seq,
        data: {
          engine: str('logs.state.engine', data.engine),
          id: str('logs.state.id', data.id),
          state: state as LogStreamState,
          reason: typeof data.reason === 'string' ? data.reason : '',
        },
      }
    }
    default:
      return { type: 'unknown', rawType: type, seq }
  }
}

/** A polling answer from either transport. */
export function parseLogPage(value: unknown): LogPage {
  if (!isObject(value)) throw new ProtocolError('logs page: not an object')
  return {
    lines: parseLines(value.lines, 'logs page lines'),
    cursor: typeof value.cursor === 'string' ? value.cursor : '',
    more: value.more === true,
    start: value.start === true,
  }
}

/** The last words answer from either transport. */
export function parseLastWords(value: unknown): LastWords {
  if (!isObject(value)) throw new ProtocolError('last words: not an object')
  const cause = value.exitCause
  return {
    engine: str('last words engine', value.engine),
    id: str('last words id', value.id),
    name: typeof value.name === 'string' ? value.name : '',
    exitCode: typeof value.exitCode === 'number' ? value.exitCode : 0,
    exitCause: cause === 'stopped' || cause === 'killed' || cause === 'oom' || cause === 'unasked' ? cause : '',
    finishedAt: typeof value.finishedAt === 'number' ? value.finishedAt : 0,
    lines: parseLines(value.lines, 'last words lines'),
    removed: value.removed === true,
  }
}
