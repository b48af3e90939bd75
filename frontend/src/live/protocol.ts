// The protocol as this client speaks it. Decoding at the edge: frames from
// the WebSocket and bodies from the polling API become well-formed
// ServerMessages here, so the reducer never has to ask whether a list is
// null. The sequence rules (checkSequence) that say whether a message follows
// the last one, and the one message a client sends (viewMessage).

import {
  PROTOCOL_VERSION,
  type Container,
  type ContainerHistory,
  type ContainerKey,
  type DockerEvent,
  type EngineInfo,
  type ServerMessage,
  type Snapshot,
  type Stats,
  type ViewMessage,
} from './types'

/** A frame this client cannot use; the stream it came from is no longer trustworthy. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProtocolError'
  }
}

const KNOWN_TYPES = new Set([
  'hello',
  'snapshot',
  'heartbeat',
  'container.upsert',
  'container.remove',
  'stats',
  'event',
  'engine',
  'engine.remove',
])

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The envelope of one text frame, of this protocol version. Throws ProtocolError when it is not one. */
export function parseEnvelope(text: string): Record<string, unknown> {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new ProtocolError(`invalid JSON frame: ${(err as Error).message}`)
  }
  if (!isObject(raw)) throw new ProtocolError('frame is not an object')
  if (raw.v !== PROTOCOL_VERSION) {
    throw new ProtocolError(`protocol version ${String(raw.v)}, want ${PROTOCOL_VERSION}`)
  }
  return raw
}

/** Parses one WebSocket text frame. Throws ProtocolError when it is unusable. */
export function parseMessage(text: string): ServerMessage {
  const raw = parseEnvelope(text)
  const type = raw.type
  if (typeof type !== 'string' || type === '') throw new ProtocolError('frame has no type')
  // seq is omitted by Go's encoder only if someone adds omitempty; treat absent as 0.
  const seq = raw.seq === undefined ? 0 : raw.seq
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new ProtocolError(`${type}: bad seq ${String(raw.seq)}`)
  }
  const data = raw.data
  if (!KNOWN_TYPES.has(type)) {
    return { v: PROTOCOL_VERSION, type: 'unknown', rawType: type, seq, data }
  }
  if (!isObject(data)) throw new ProtocolError(`${type}: data is not an object`)

  switch (type) {
    case 'snapshot':
      return { v: PROTOCOL_VERSION, type, seq, data: normalizeSnapshot(data, seq) }
    case 'container.upsert':
      return { v: PROTOCOL_VERSION, type, seq, data: normalizeContainer(data) }
    case 'container.remove':
      return { v: PROTOCOL_VERSION, type, seq, data: data as unknown as ContainerKey }
    case 'stats':
      return {
        v: PROTOCOL_VERSION,
        type,
        seq,
        data: { samples: arrayOf<Stats>(data.samples) },
      }
    case 'event':
      return { v: PROTOCOL_VERSION, type, seq, data: data as unknown as DockerEvent }
    case 'engine':
      return { v: PROTOCOL_VERSION, type, seq, data: data as never }
    case 'engine.remove':
      if (typeof data.engine !== 'string' || data.engine === '') {
        throw new ProtocolError('engine.remove: no engine name')
      }
      return { v: PROTOCOL_VERSION, type, seq, data: { engine: data.engine } }
    case 'hello':
      return { v: PROTOCOL_VERSION, type, seq, data: data as never }
    case 'heartbeat':
      return { v: PROTOCOL_VERSION, type, seq, data: data as never }
    default:
      // Unreachable: KNOWN_TYPES and the cases above list the same types.
      throw new ProtocolError(`unhandled type ${type}`)
  }
}

export function arrayOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : []
}

/** Fills in the lists and maps Go sends as null. */
export function normalizeContainer(value: unknown): Container {
  const c = value as Container
  return {
    ...c,
    ports: arrayOf(c.ports),
    mounts: arrayOf(c.mounts),
    labels: isObject(c.labels) ? c.labels : {},
  }
}

/**
 * Normalizes a snapshot from either transport. fallbackSeq is the envelope's
 * seq, used only if the body lacks its own.
 */
export function normalizeSnapshot(value: unknown, fallbackSeq = 0): Snapshot {
  const s = isObject(value) ? value : {}
  return {
    seq: typeof s.seq === 'number' ? s.seq : fallbackSeq,
    engines: arrayOf<EngineInfo>(s.engines),
    containers: arrayOf<unknown>(s.containers).map(normalizeContainer),
    stats: arrayOf<Stats>(s.stats),
    events: arrayOf<DockerEvent>(s.events),
  }
}

/** Normalizes a container's history from either transport (samples may come as null). */
export function normalizeHistory(value: unknown): ContainerHistory {
  const h = isObject(value) ? value : {}
  return {
    engine: typeof h.engine === 'string' ? h.engine : '',
    id: typeof h.id === 'string' ? h.id : '',
    samples: arrayOf<Stats>(h.samples),
  }
}

/** Wraps a polled snapshot as the message the store applies. */
export function snapshotMessage(snapshot: Snapshot): ServerMessage {
  return { v: PROTOCOL_VERSION, type: 'snapshot', seq: snapshot.seq, data: snapshot }
}

// ---------------------------------------------------------------------------
// Sequence

/** A missed message: expected is null when no snapshot was applied yet. */
export interface Gap {
  expected: number | null
  got: number
  type: string
}

export type SequenceCheck =
  | { kind: 'snapshot' }
  /** Does not touch seq: hello, heartbeat. */
  | { kind: 'control' }
  | { kind: 'delta' }
  | { kind: 'gap'; gap: Gap }

/**
 * Classifies a message against the sequence seen so far. Shared by the reducer
 * and by WebSocketSource, which tracks its own stream so it can resync
 * without waiting for the store.
 */
export function checkSequence(synced: boolean, lastSeq: number, msg: ServerMessage): SequenceCheck {
  switch (msg.type) {
    case 'snapshot':
      return { kind: 'snapshot' }
    case 'hello':
      return { kind: 'control' }
    case 'heartbeat':
      if (synced && msg.seq !== lastSeq) {
        return { kind: 'gap', gap: { expected: lastSeq, got: msg.seq, type: msg.type } }
      }
      return { kind: 'control' }
    default:
      if (!synced) return { kind: 'gap', gap: { expected: null, got: msg.seq, type: msg.type } }
      if (msg.seq !== lastSeq + 1) {
        return { kind: 'gap', gap: { expected: lastSeq + 1, got: msg.seq, type: msg.type } }
      }
      return { kind: 'delta' }
  }
}

// ---------------------------------------------------------------------------
// Client messages

/** The most containers one view message may name (the server refuses more). */
export const MAX_VIEW_CONTAINERS = 150

/**
 * The one message a client sends: the containers it shows live, replacing
 * the previous view. Beyond MAX_VIEW_CONTAINERS the rest are left out (the
 * first ones are kept: put what matters most first).
 */
export function viewMessage(keys: readonly ContainerKey[]): string {
  const containers = keys.slice(0, MAX_VIEW_CONTAINERS).map(({ engine, id }) => ({ engine, id }))
  const message: ViewMessage = { v: PROTOCOL_VERSION, type: 'view', seq: 0, data: { containers } }
  return JSON.stringify(message)
}

/** The store and React key of a container or sample. */
export function keyOf(item: ContainerKey): string {
  return `${item.engine}/${item.id}`
}
