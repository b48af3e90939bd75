// Logs workers for the tests (jsdom has no Worker): each runs
// socketWorker.ts on the page with the WebSocket it is given, and carries
// the messages both ways as a worker does: a task later, in order, as
// structured clones (the buffers in a transfer list moved).

import { serveLogsSocket, type FromLogsWorker, type ToLogsWorker } from '../live/logs/socketWorker'
import type { LogsWorker, LogsWorkerFactory } from '../live/logs/workerSocket'
import type { WebSocketConstructor } from '../live/websocketSource'

export interface InPageLogsWorker extends LogsWorker {
  /** What the page posted to it, in order. */
  received: ToLogsWorker[]
  /** What it posted to the page, in order. */
  posted: FromLogsWorker[]
  /** It ended itself (after stop). */
  closed: boolean
  terminated: boolean
  /** The worker throws, as its script would: the page's onerror hears it a task later. */
  crash(message: string): void
}

export function inPageLogsWorkers(WebSocket: WebSocketConstructor): { factory: LogsWorkerFactory; made: InPageLogsWorker[] } {
  const made: InPageLogsWorker[] = []
  const factory = () => {
    const later = (fn: () => void) =>
      setTimeout(() => {
        if (!w.terminated && !w.closed) fn()
      }, 0)
    const serve = serveLogsSocket(
      {
        post: (message: FromLogsWorker, transfer) => {
          const copy = structuredClone(message, { transfer })
          w.posted.push(copy)
          later(() => w.onmessage?.({ data: copy }))
        },
        close: () => {
          w.closed = true
        },
      },
      WebSocket,
    )
    const w: InPageLogsWorker = {
      received: [],
      posted: [],
      closed: false,
      terminated: false,
      onmessage: null,
      onerror: null,
      postMessage(message) {
        w.received.push(message)
        const copy = structuredClone(message)
        later(() => serve(copy))
      },
      terminate() {
        // Its socket goes with it.
        serve({ kind: 'stop' })
        w.terminated = true
      },
      crash(message) {
        later(() => w.onerror?.({ message }))
      },
    }
    made.push(w)
    return w
  }
  return { factory, made }
}
