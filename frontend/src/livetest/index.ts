// Test helpers for the live layer (like Go's httptest): fixtures, message
// builders, a manual frame scheduler, a recording source sink and a fake
// WebSocket. Used only by tests.

import type { SourceSink } from '../live/source'
import type { FrameScheduler } from '../live/store'
import type { WebSocketLike } from '../live/websocketSource'
import type {
  Container,
  ContainerKey,
  DockerEvent,
  EngineInfo,
  Hello,
  LogBatch,
  LogLine,
  ServerMessage,
  Snapshot,
  Stats,
} from '../live/types'

export function container(overrides: Partial<Container> = {}): Container {
  return {
    engine: 'local',
    id: 'c1',
    name: 'web',
    image: 'nginx:1.27',
    imageId: 'sha256:aaa',
    command: 'nginx -g daemon off;',
    created: 1_700_000_000_000,
    state: 'running',
    exitCode: 0,
    oomKilled: false,
    startedAt: 1_700_000_001_000,
    finishedAt: 0,
    restartCount: 0,
    ports: [],
    mounts: [],
    labels: {},
    ...overrides,
  }
}

export function stats(overrides: Partial<Stats> = {}): Stats {
  return {
    engine: 'local',
    id: 'c1',
    read: 1_700_000_002_000,
    cpuPercent: 12.5,
    onlineCpus: 2,
    memoryUsage: 50 * 1024 * 1024,
    memoryLimit: 2 * 1024 * 1024 * 1024,
    memoryPercent: 2.44,
    networkRx: 0,
    networkTx: 0,
    blockRead: 0,
    blockWrite: 0,
    pids: 3,
    ...overrides,
  }
}

export function engine(overrides: Partial<EngineInfo> = {}): EngineInfo {
  return {
    engine: 'local',
    status: 'up',
    since: 1_700_000_000_000,
    host: 'unix:///var/run/docker.sock',
    name: 'host1',
    version: '20.10.24',
    apiVersion: '1.41',
    os: 'Debian GNU/Linux 12',
    arch: 'x86_64',
    kernelVersion: '6.1.0',
    cpus: 2,
    memoryTotal: 4 * 1024 ** 3,
    images: 3,
    cgroupVersion: '1',
    ...overrides,
  }
}

export function event(overrides: Partial<DockerEvent> = {}): DockerEvent {
  return {
    engine: 'local',
    type: 'container',
    action: 'start',
    actorId: 'c1',
    name: 'web',
    timeNano: 1_700_000_000_000_000_000,
    sentNano: 1_700_000_000_001_000_000,
    ...overrides,
  }
}

export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return { seq: 10, engines: [engine()], containers: [], stats: [], events: [], ...overrides }
}

export const hello: Hello = {
  server: 'dockpulse',
  version: 'test',
  protocol: 2,
  heartbeatMs: 5000,
  statsIntervalMs: 1000,
  statsMode: 'all',
}

/** Message builders: typed envelopes for the store and sources. */
export const msg = {
  hello: (data: Partial<Hello> = {}, seq = 0): ServerMessage => ({
    v: 2,
    type: 'hello',
    seq,
    data: { ...hello, ...data },
  }),
  snapshot: (data: Partial<Snapshot> = {}): ServerMessage => {
    const s = snapshot(data)
    return { v: 2, type: 'snapshot', seq: s.seq, data: s }
  },
  upsert: (seq: number, data: Container): ServerMessage => ({ v: 2, type: 'container.upsert', seq, data }),
  remove: (seq: number, engine: string, id: string): ServerMessage => ({
    v: 2,
    type: 'container.remove',
    seq,
    data: { engine, id },
  }),
  stats: (seq: number, samples: Stats[]): ServerMessage => ({ v: 2, type: 'stats', seq, data: { samples } }),
  event: (seq: number, data: DockerEvent): ServerMessage => ({ v: 2, type: 'event', seq, data }),
  engine: (seq: number, data: Partial<EngineInfo> = {}): ServerMessage => ({
    v: 2,
    type: 'engine',
    seq,
    data: engine(data),
  }),
  engineRemove: (seq: number, engine: string): ServerMessage => ({ v: 2, type: 'engine.remove', seq, data: { engine } }),
  heartbeat: (seq: number, time = 0): ServerMessage => ({ v: 2, type: 'heartbeat', seq, data: { time } }),
}

/** Commits only when the test says a frame has passed. */
export class ManualScheduler implements FrameScheduler {
  private pending: (() => void)[] = []
  request(commit: () => void): void {
    this.pending.push(commit)
  }
  get scheduled(): number {
    return this.pending.length
  }
  frame(): void {
    const due = this.pending
    this.pending = []
    for (const commit of due) commit()
  }
}

/** A source sink that keeps what it was given, for the test to look at. */
export function recordSink<S>() {
  const messages: ServerMessage[] = []
  const statuses: S[] = []
  const sink: SourceSink<S> = {
    message: (m) => messages.push(m),
    status: (s) => statuses.push(s),
  }
  return { sink, messages, statuses, last: () => statuses.at(-1) }
}

/**
 * A WebSocket the test drives by hand. Every instance is recorded in
 * FakeWebSocket.instances, newest last.
 */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = []
  /** When true, new sockets fail like a refused connection (close 1006 on the next tick). */
  static refuse = false
  static reset(): void {
    FakeWebSocket.instances = []
    FakeWebSocket.refuse = false
  }
  static get last(): FakeWebSocket {
    const ws = FakeWebSocket.instances.at(-1)
    if (!ws) throw new Error('no FakeWebSocket was created')
    return ws
  }

  readyState = 0
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null = null
  closedWith: { code?: number; reason?: string } | null = null
  /** What the client sent, in order. */
  sent: string[] = []

  /** The container ids of each view message the client sent, in order. */
  viewsSent(): string[][] {
    return this.sent.map((frame) => {
      const view = JSON.parse(frame) as { data: { containers: ContainerKey[] } }
      return view.data.containers.map((k) => k.id)
    })
  }

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this)
    if (FakeWebSocket.refuse) setTimeout(() => this.drop(), 0)
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error(`send on a socket in state ${this.readyState}`)
    this.sent.push(data)
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason }
    this.readyState = 3
  }

  // Server side
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  deliver(message: ServerMessage | string): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) })
  }
  /** The server or network ends the connection. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3
    this.onclose?.({ code, reason, wasClean: code !== 1006 })
  }
  /** Opens and sends hello + snapshot: the connection is live afterwards. */
  handshake(snap: Partial<Snapshot> = {}, helloData: Partial<Hello> = {}): void {
    this.open()
    this.deliver(msg.hello(helloData))
    this.deliver(msg.snapshot(snap))
  }
}

/** A logs.lines batch of these lines as the server sends it: one array per field. */
export function logBatch(lines: readonly LogLine[]): LogBatch {
  const containers: ContainerKey[] = []
  const index = (l: LogLine) => {
    let i = containers.findIndex((c) => c.engine === l.engine && c.id === l.id)
    if (i < 0) i = containers.push({ engine: l.engine, id: l.id }) - 1
    return i
  }
  const batch: LogBatch = {
    containers,
    container: lines.map(index),
    time: lines.map((l) => l.time),
    stream: lines.map((l) => l.stream),
    text: lines.map((l) => l.text),
  }
  if (lines.some((l) => l.cut)) batch.cut = lines.map((l) => l.cut ?? 0)
  if (lines.some((l) => l.partial)) batch.partial = lines.map((l) => l.partial === true)
  return batch
}
