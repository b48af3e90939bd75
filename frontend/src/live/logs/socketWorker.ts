// The logs socket in a worker: what logs.worker.ts runs, a plain module so
// that tests run it on the page (livetest's inPageLogsWorker). A flood of
// lines is tens of thousands a second, and reading their messages (the
// JSON, each line's checks) is the page's biggest cost while a view
// follows one; here it takes the worker's thread instead. The worker runs
// socket.ts's LogsSocket (its sequence rule, its reconnects and their
// backoff); each attempt asks the page for the URL (the token and where to
// resume are the page's). It posts the lines in packs (linePack.ts), at
// most one every postMs, and every status and other message as it comes,
// after the lines that came before it: the page sees them in the socket's
// order.
//
// The messages, page to worker: start (once), the answer to each url
// request, finish, stop (the worker then closes the socket, and a moment
// later itself).

import type { BackoffOptions } from '../backoff'
import type { LogLine, LogServerMessage } from '../types'
import type { WebSocketConstructor } from '../websocketSource'
import { packLines, type LinePack } from './linePack'
import { LogsSocket, type LogsSocketStatus } from './socket'

/** Most often the worker posts lines to the page, in ms: about a frame. */
export const LOGS_POST_MS = 16

/** How long a stopped worker waits for its socket's close handshake before it ends. */
export const CLOSE_GRACE_MS = 1000

export type ToLogsWorker =
  | { kind: 'start'; backoff?: BackoffOptions; postMs?: number }
  | { kind: 'url'; url: string; error?: undefined }
  | { kind: 'url'; url?: undefined; error: string }
  | { kind: 'finish' }
  | { kind: 'stop' }

export type FromLogsWorker =
  /** The next attempt's URL, please (answered by a url message). */
  | { kind: 'url' }
  | { kind: 'status'; status: LogsSocketStatus }
  | { kind: 'message'; message: Exclude<LogServerMessage, { type: 'logs.lines' }> }
  /** The lines of one or more logs.lines messages in a row; seq is the last one's. */
  | { kind: 'lines'; seq: number; pack: LinePack }

/** The worker's side of its messages. */
export interface LogsWorkerPort {
  post(message: FromLogsWorker, transfer: Transferable[]): void
  /** The worker is done: it ends itself. */
  close(): void
}

/** Serves one logs socket for the page behind port; the result handles each message from the page. */
export function serveLogsSocket(port: LogsWorkerPort, WebSocket?: WebSocketConstructor): (message: ToLogsWorker) => void {
  let socket: LogsSocket | null = null
  let asked: { resolve: (url: string) => void; reject: (err: Error) => void } | null = null
  let postMs = LOGS_POST_MS
  let pending: LogLine[][] = []
  let pendingSeq = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  const flush = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    if (pending.length === 0) return
    const { pack, transfer } = packLines(pending.length === 1 ? pending[0]! : pending.flat())
    pending = []
    port.post({ kind: 'lines', seq: pendingSeq, pack }, transfer)
  }

  return (message) => {
    switch (message.kind) {
      case 'start':
        if (socket) throw new Error('logs worker already started')
        postMs = message.postMs ?? LOGS_POST_MS
        socket = new LogsSocket({
          url: () =>
            new Promise<string>((resolve, reject) => {
              asked = { resolve, reject }
              port.post({ kind: 'url' }, [])
            }),
          WebSocket,
          backoff: message.backoff,
        })
        socket.start({
          message: (m) => {
            if (m.type === 'logs.lines') {
              if (m.data.lines.length === 0) return
              pending.push(m.data.lines)
              pendingSeq = m.seq
              timer ??= setTimeout(flush, postMs)
              return
            }
            flush()
            port.post({ kind: 'message', message: m }, [])
          },
          status: (s: LogsSocketStatus) => {
            flush()
            port.post({ kind: 'status', status: s }, [])
          },
        })
        return
      case 'url': {
        const a = asked
        asked = null
        if (!a) return
        if (message.error !== undefined) a.reject(new Error(message.error))
        else a.resolve(message.url)
        return
      }
      case 'finish':
        socket?.finish()
        return
      case 'stop':
        if (timer !== null) clearTimeout(timer)
        timer = null
        pending = []
        socket?.stop()
        socket = null
        // Not at once: a worker that ends drops its socket without the close
        // handshake just begun, and the server would see a lost connection.
        setTimeout(() => port.close(), CLOSE_GRACE_MS)
        return
    }
  }
}
