// Domain and protocol types, mirroring backend/model/model.go and
// backend/protocol/protocol.go. The JSON names are the protocol: keep them in
// step with the Go `json:"..."` tags (backend/protocol/tstypes_test.go checks
// the names, the kinds and which fields are optional).
//
// A field is optional (`?`) exactly where Go may leave it out (omitempty);
// every other field is always sent. Go encodes nil slices and maps as null, so
// every list or map that comes off the wire may be null; protocol.ts turns
// those into empty values once, at the edge, and the rest of the app can rely
// on the non-null shapes below.

/** The protocol version this client speaks (protocol.Version). */
export const PROTOCOL_VERSION = 2

/** Identifies a container across engines (model.Key). */
export interface ContainerKey {
  engine: string
  id: string
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy'

export interface Port {
  ip?: string
  privatePort: number
  publicPort?: number
  protocol: string
}

export interface Mount {
  type: string
  name?: string
  source: string
  destination: string
  readOnly: boolean
}

/** What Dockpulse knows about one container. Times are Unix ms; 0 means never. */
export interface Container {
  engine: string
  id: string
  name: string
  image: string
  imageId: string
  command: string
  created: number
  /** A ContainerState; typed as string because engines may add states. */
  state: string
  /** Empty or absent without a healthcheck. */
  health?: string
  exitCode: number
  oomKilled: boolean
  error?: string
  startedAt: number
  finishedAt: number
  restartCount: number
  restartPolicy?: string
  ports: Port[]
  mounts: Mount[]
  labels: Record<string, string>
  /** How the last exit came about, from the engine's events; absent when unknown. */
  exitCause?: ExitCause
  /** Seconds a stop waits before SIGKILL, when the container's config sets it; absent: the engine's default. */
  stopTimeout?: number
}

/**
 * How a container's last exit came about (backend/model/exit.go): a stop or
 * restart (with the SIGKILL after the grace period), a kill someone sent, the
 * kernel's OOM killer, or nobody asked (a crash, a job that ended).
 */
export type ExitCause = 'stopped' | 'killed' | 'oom' | 'unasked'

/** The engine's own grace period when a container sets none (dockerd's default). */
export const ENGINE_STOP_TIMEOUT_S = 10

/** One resource sample of a running container, as `docker stats` computes it. */
export interface Stats {
  engine: string
  id: string
  /** Unix ms when the engine took the sample. */
  read: number
  cpuPercent: number
  onlineCpus: number
  memoryUsage: number
  memoryLimit: number
  memoryPercent: number
  networkRx: number
  networkTx: number
  blockRead: number
  blockWrite: number
  pids: number
}

export type EngineState = 'connecting' | 'up' | 'down'

/** Whether Dockpulse currently has a live view of an engine. */
export interface EngineStatus {
  engine: string
  status: EngineState
  /** Why the engine is not up. */
  reason?: string
  /** Unix ms of the last change. */
  since: number
}

/** An engine and its host; descriptive fields are from the last good connection. */
export interface EngineInfo extends EngineStatus {
  host: string
  name: string
  version: string
  apiVersion: string
  os: string
  arch: string
  kernelVersion: string
  cpus: number
  memoryTotal: number
  images: number
  cgroupVersion: string
  /** Where the stats come from: the kernel's cgroup files or the engine's API. */
  statsSource?: 'kernel' | 'engine'
  /**
   * How far back the engine's event history went when Dockpulse first read
   * it (Unix ms): events since then are all in the list, within its bounds.
   * Absent until that first read.
   */
  eventsSince?: number
}

/** One engine event worth showing (model.Event). */
export interface DockerEvent {
  engine: string
  /** container, image, network, volume, daemon, ... */
  type: string
  /** start, die, oom, health_status, ... */
  action: string
  actorId: string
  name?: string
  attributes?: Record<string, string>
  /** The engine's own timestamp. */
  timeNano: number
  /** When Dockpulse published it. */
  sentNano: number
  /**
   * True for an event from before Dockpulse's connection to the engine,
   * read back from the engine's history: shown, never notified as news.
   */
  backfill?: boolean
  /** On a container's die event: how the exit came about, when Dockpulse could tell. */
  exitCause?: ExitCause
}

/** The complete current picture; seq is the last delta it already contains. */
export interface Snapshot {
  seq: number
  engines: EngineInfo[]
  containers: Container[]
  stats: Stats[]
  events: DockerEvent[]
}

export interface Hello {
  server: string
  version: string
  protocol: number
  heartbeatMs: number
  statsIntervalMs: number
  /**
   * "visible": the server streams what some client's view names and samples
   * the rest every backgroundMs, so the client should send views. "all":
   * every running container is sampled every statsIntervalMs.
   */
  statsMode: 'all' | 'visible'
  /** In "visible" mode only. */
  backgroundMs?: number
}

/**
 * A container's samples of the last few minutes, oldest first, read times
 * strictly increasing (GET /api/engines/{engine}/containers/{id}/history,
 * the bound History method).
 */
export interface ContainerHistory {
  engine: string
  id: string
  samples: Stats[]
}

export interface StatsBatch {
  samples: Stats[]
}

/**
 * A context of the Docker CLI's store and whether Dockpulse watches it
 * (GET /api/contexts, the bound method Contexts).
 */
export interface EngineContext {
  name: string
  /** The docker endpoint, without any password it may carry. */
  endpoint: string
  description?: string
  /** The context the docker command would use now. */
  current: boolean
  watched: boolean
  /** The engine's status, reason and since: only while it is watched. */
  status?: EngineState
  reason?: string
  since?: number
}

/**
 * An engine no longer watched: the client drops it and all its containers,
 * samples and status (its past events stay: they are history). An engine
 * added while connected arrives as an engine message for a new name.
 */
export interface EngineRemove {
  engine: string
}

export interface Heartbeat {
  /** Server Unix ms. */
  time: number
}

/** The data of the one message a client sends: every container it shows live. */
export interface View {
  containers: ContainerKey[]
}

interface Envelope<T extends string, D> {
  v: typeof PROTOCOL_VERSION
  type: T
  seq: number
  data: D
}

export type HelloMessage = Envelope<'hello', Hello>
export type SnapshotMessage = Envelope<'snapshot', Snapshot>
export type ContainerUpsertMessage = Envelope<'container.upsert', Container>
export type ContainerRemoveMessage = Envelope<'container.remove', ContainerKey>
export type StatsMessage = Envelope<'stats', StatsBatch>
export type EventMessage = Envelope<'event', DockerEvent>
/** An engine's facts and status, complete: it replaces what was known. */
export type EngineMessage = Envelope<'engine', EngineInfo>
export type EngineRemoveMessage = Envelope<'engine.remove', EngineRemove>
export type HeartbeatMessage = Envelope<'heartbeat', Heartbeat>
/** Client to server: see viewMessage in protocol.ts. */
export type ViewMessage = Envelope<'view', View>

/**
 * A message type this client does not know. The protocol may gain message
 * types; an unknown one is treated as a delta that advances seq and changes
 * nothing, so that it does not look like a gap.
 */
export interface UnknownMessage {
  v: typeof PROTOCOL_VERSION
  type: 'unknown'
  rawType: string
  seq: number
  data: unknown
}

/** Deltas: each advances seq by exactly one. */
export type DeltaMessage =
  | ContainerUpsertMessage
  | ContainerRemoveMessage
  | StatsMessage
  | EventMessage
  | EngineMessage
  | EngineRemoveMessage
  | UnknownMessage

export type ServerMessage = HelloMessage | SnapshotMessage | HeartbeatMessage | DeltaMessage

// ---------------------------------------------------------------------------
// Logs (docs/protocol.md, "Logs"): a socket of their own, /ws/logs, beside the
// state stream; the polling route and the last words of a removed container.

/**
 * One line a container wrote (logs.Line), everywhere: the logs socket, the
 * polling route, the bound methods and the last words.
 */
export interface LogLine {
  engine: string
  id: string
  /** The engine's timestamp, RFC 3339 in UTC with exactly 9 fraction digits: string order is time order. */
  time: string
  /** A TTY container's lines are stdout. */
  stream: 'stdout' | 'stderr'
  /** Without its newline, valid UTF-8, ANSI escapes as written: always shown as text. */
  text: string
  /** Bytes dropped beyond the line limit (64 KiB); absent when none were. */
  cut?: number
  /** The last line has no newline yet (polling answer and last words only). */
  partial?: boolean
}

/** A container a logs socket follows. */
export interface LogContainer {
  engine: string
  id: string
  name: string
  tty: boolean
}

export interface LogHello {
  containers: LogContainer[]
  maxLineBytes: number
}

/** A batch of lines, in time order. */
/**
 * A logs.lines batch as sent: one array per field, one element per line
 * (cut and partial only when a line of the batch has one), each line's
 * container an index into containers.
 */
export interface LogBatch {
  containers: ContainerKey[]
  container: number[]
  time: string[]
  stream: string[]
  text: string[]
  cut?: number[]
  partial?: boolean[]
}

/** A logs.lines batch once checked (logs/protocol.ts): its lines, in time order. */
export interface LogLines {
  lines: LogLine[]
}

/**
 * This client fell behind: count lines of that container with times from..to
 * (inclusive) were not sent; the polling route gives them (since=from&until=to).
 */
export interface LogSkipped {
  engine: string
  id: string
  count: number
  from: string
  to: string
}

/**
 * following: the engine stream is open; stopped: every line up to the exit was
 * sent and the stream waits for a start; removed: the container is gone and its
 * stream is over; interrupted: the engine connection was lost (reason says why),
 * it resumes by itself and says following again.
 */
export type LogStreamState = 'following' | 'stopped' | 'removed' | 'interrupted'

export interface LogState {
  engine: string
  id: string
  state: LogStreamState
  reason: string
}

/** What the polling route and the bound Logs method are asked (logs.Query). */
export interface LogQuery {
  tail: number
  since: string
  until: string
  cursor: string
  limit: number
}

/**
 * The polling answer (logs.Page): lines in time order; cursor continues just
 * after the last one; more says that lines remain up to until (or now).
 */
export interface LogPage {
  lines: LogLine[]
  cursor: string
  more: boolean
  /** A tail answer holds the log's first line: nothing earlier to load. */
  start: boolean
}

/** The last lines Dockpulse kept of a container that died (logs.LastWords). */
export interface LastWords {
  engine: string
  id: string
  name: string
  exitCode: number
  /** Empty when Dockpulse could not tell. */
  exitCause: ExitCause | ''
  /** Unix ms. */
  finishedAt: number
  /** At most 200, oldest first. */
  lines: LogLine[]
  removed: boolean
}

export type LogHelloMessage = Envelope<'logs.hello', LogHello>
export type LogLinesMessage = Envelope<'logs.lines', LogBatch>
/** A logs.lines message once checked (logs/protocol.ts): its batch made lines again. */
export interface LogLinesChecked {
  v: typeof PROTOCOL_VERSION
  type: 'logs.lines'
  seq: number
  data: LogLines
}
export type LogSkippedMessage = Envelope<'logs.skipped', LogSkipped>
export type LogStateMessage = Envelope<'logs.state', LogState>

/** What the logs socket sends, after validation (logs/protocol.ts). */
export type LogServerMessage = LogHelloMessage | LogLinesChecked | LogSkippedMessage | LogStateMessage

/** Shape of the serve-mode HTTP API's error bodies. */
export interface ApiError {
  error: string
}

// ---------------------------------------------------------------------------
// Client-side state

/**
 * How the client currently receives data: a small state machine that the UI
 * renders as is. LiveConnection (connection.ts) owns the transitions.
 */
export type ConnectionState =
  /** First attempt, nothing received yet. */
  | { status: 'connecting'; since: number }
  /** Push is live. latencyMs: smoothed engine-to-screen delay of events, null until one arrived. */
  | { status: 'connected'; since: number; latencyMs: number | null }
  /** Push dropped and no polling result yet; the next attempt is due at nextRetryAt (Unix ms). */
  | { status: 'reconnecting'; since: number; attempt: number; nextRetryAt: number; reason: string }
  /**
   * Degraded: push is down but polling works. lastPollAt is the newest good
   * poll; intervalMs how often polls run, so data is at most that old.
   */
  | {
      status: 'polling'
      since: number
      lastPollAt: number
      intervalMs: number
      attempt: number
      nextRetryAt: number | null
    }
  /**
   * Neither push nor polling reaches the backend. unauthorized: the backend
   * answers but refuses this page's token (a restarted `dockpulse serve` has a
   * new one), so waiting will not help. linkRefused: the address the page was
   * opened with carried a code the server will not take (already used, or from
   * another launch); reason says which, and a freshly printed address is the
   * only way in.
   */
  | { status: 'offline'; since: number; reason: string; nextRetryAt: number | null; unauthorized?: boolean; linkRefused?: boolean }

export type ConnectionStatus = ConnectionState['status']

// ---------------------------------------------------------------------------
// Container actions

/** What the user can do to a container (bound methods / POST /api/engines/{engine}/containers/{id}/{action}). */
export type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove'

export interface ActionOptions {
  /** remove only: also remove the container's anonymous volumes. */
  removeVolumes?: boolean
  /** remove only: stop it first if it runs (`docker rm -f`). */
  force?: boolean
}

/** Throughput between two consecutive samples, in bytes per second. */
export interface Rates {
  netRx: number
  netTx: number
  blockRead: number
  blockWrite: number
}

/**
 * The full inspect of one container (model.Inspect), fetched on demand for
 * the detail panel. Times are Unix ms, 0 meaning never; durations are ms. A
 * field left out means the engine's default, or no limit: never a zero.
 * `env` holds values that are often secrets: shown only when asked.
 */
export interface Inspect {
  engine: string
  id: string
  name: string
  image: string
  state: string
  created: number
  startedAt: number
  finishedAt: number
  exitCode: number
  oomKilled: boolean
  /** The engine's own words on why the container failed. */
  error?: string
  restartCount: number
  /** no, always, unless-stopped, on-failure. */
  restartPolicy: string
  /** on-failure's maximum; absent when unbounded. */
  restartRetries?: number
  /** Absent: SIGTERM. */
  stopSignal?: string
  /** Seconds a stop waits before SIGKILL; absent: the engine's default (10 s). */
  stopTimeout?: number
  env: EnvVar[]
  networkMode: string
  networks: NetworkLink[]
  limits: Limits
  /** Absent without a health check. */
  healthcheck?: Healthcheck
  /** The engine's inspect answer as it sent it; cut (then not valid JSON) past 256 KiB. */
  raw: string
}

export interface EnvVar {
  name: string
  value: string
}

export interface NetworkLink {
  name: string
  networkId: string
  ipAddress?: string
  prefixLen?: number
  gateway?: string
  ipv6Address?: string
  ipv6Gateway?: string
  macAddress?: string
  aliases: string[]
}

/** Resource limits; each is absent when there is none (or the default applies). */
export interface Limits {
  /** --cpus in billionths of a CPU. */
  nanoCpus?: number
  /** µs of CPU time per cpuPeriod. */
  cpuQuota?: number
  /** µs; absent: 100000. */
  cpuPeriod?: number
  cpusetCpus?: string
  cpusetMems?: string
  /** Relative weight; absent: 1024. */
  cpuShares?: number
  memory?: number
  memoryReservation?: number
  /** Memory plus swap, in bytes; -1: unlimited swap. */
  memorySwap?: number
  pidsLimit?: number
}

export interface Healthcheck {
  /** ["CMD-SHELL", "cmd"] or ["CMD", "prog", "arg", …]. */
  test: string[]
  /** Absent at the engine's defaults: 30 s, 30 s, 0, 5 s, 3 retries. */
  intervalMs?: number
  timeoutMs?: number
  startPeriodMs?: number
  startIntervalMs?: number
  retries?: number
  status?: string
  failingStreak: number
  /** The latest results, oldest first. */
  log: HealthResult[]
}

export interface HealthResult {
  start: number
  end: number
  exitCode: number
  output: string
}
