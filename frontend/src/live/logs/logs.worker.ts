// The logs socket's worker: serves socketWorker.ts to the page that made
// it (workerSocket.ts), with the browser's WebSocket.

import { serveLogsSocket, type FromLogsWorker, type ToLogsWorker } from './socketWorker'

interface WorkerScope {
  onmessage: ((ev: MessageEvent<ToLogsWorker>) => void) | null
  postMessage(message: FromLogsWorker, transfer: Transferable[]): void
  close(): void
}

const scope = self as unknown as WorkerScope
const serve = serveLogsSocket({ post: (message, transfer) => scope.postMessage(message, transfer), close: () => scope.close() })
scope.onmessage = (ev) => serve(ev.data)
