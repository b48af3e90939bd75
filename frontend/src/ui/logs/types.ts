// What the log viewer is given: the wire's line (live/types.ts,
// docs/protocol.md "Logs") and what the logs client says of it.

import type { LogLine, LogNotice, LogStatus } from '../../live'

export type { LogLine, LogNotice, LogStatus }

export interface LogContainer {
  engine: string
  id: string
  name: string
}

export type LogTone = LogStatus['tone']

export interface LogViewProps {
  /** Oldest first, at most the buffer's bound. Lines are compared by identity: keep them as they came. */
  lines: readonly LogLine[]
  /** More than one is a compose project: a colour and a label per container. */
  containers: readonly LogContainer[]
  status: LogStatus
  notices: readonly LogNotice[]
  canLoadEarlier: boolean
  /** Every container's first line is held: says "Start of the log". */
  atStart: boolean
  loadingEarlier: boolean
  onLoadEarlier(this: void): void
  /** The view stopped following the newest line, or follows it again: the client then tells of new lines less often. */
  onPaused?(this: void, paused: boolean): void
  /** The download's name ("web-1.log"). */
  fileName: string
  /** In the detail panel's tab, or the full-height view. */
  variant: 'panel' | 'full'
  onOpenFull?(this: void): void
  onClose?(this: void): void
}
