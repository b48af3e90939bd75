// Live sources turn a transport into a stream of ServerMessages plus a status.
// Components never see them: LiveConnection (connection.ts) runs them and
// feeds the store.
//
//   WebSocketSource  push (websocketSource.ts): hello, snapshot, then deltas.
//                    Reconnects with backoff (backoff.ts), watches for a
//                    silent socket, resyncs on a gap, and sends the view.
//   PollingSource    pull (pollingSource.ts): fetches a full snapshot every
//                    2 s. The fallback while push is down.

import type { ServerMessage } from './types'

/** Receives what a source produces. */
export interface SourceSink<Status> {
  message(msg: ServerMessage): void
  status(status: Status): void
}

export interface LiveSource<Status> {
  /** Begins producing into sink. A started source must be stopped before it is started again. */
  start(sink: SourceSink<Status>): void
  /** Stops at once: no message or status reaches the sink afterwards. */
  stop(): void
}
