// What the log viewer is given. LogLine is the wire's line (docs/protocol.md,
// "Logs"); it moves to live/types.ts with the logs client and is re-exported
// from there.

/** One line of a container's output, as the engine timestamped it. */
export interface LogLine {
  engine: string
  id: string
  /** RFC 3339 in UTC with exactly 9 fraction digits: string order is time order. */
  time: string
  stream: 'stdout' | 'stderr'
  /** Without its newline; ANSI escapes as the container wrote them. */
  text: string
  /** Bytes of the line dropped beyond the server's limit. */
  cut?: number
  /** The container has not ended this line yet. */
  partial?: boolean
}

export interface LogContainer {
  engine: string
  id: string
  name: string
}

export type LogTone = 'live' | 'polling' | 'offline' | 'ended'

export interface LogStatus {
  text: string
  tone: LogTone
}

export interface LogNotice {
  key: string
  text: string
  action?: { label: string; run(this: void): void }
}

export interface LogViewProps {
  /** Oldest first, at most the buffer's bound. Lines are compared by identity: keep them as they came. */
  lines: readonly LogLine[]
  /** More than one is a compose project: a colour and a label per container. */
  containers: readonly LogContainer[]
  status: LogStatus
  notices: readonly LogNotice[]
  canLoadEarlier: boolean
  loadingEarlier: boolean
  onLoadEarlier(this: void): void
  /** The download's name ("web-1.log"). */
  fileName: string
  /** In the detail panel's tab, or the full-height view. */
  variant: 'panel' | 'full'
  onOpenFull?(this: void): void
  onClose?(this: void): void
}
