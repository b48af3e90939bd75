// The search worker: runs regexJob.ts on each batch it is sent and answers
// with the matches (their buffer moved, not copied). A regular expression
// that takes forever blocks this thread, not the page's; the page then
// terminates it (regexSearch.ts).

import { regexRunner, type RegexJob, type RegexReply } from './regexJob'

interface WorkerScope {
  onmessage: ((ev: MessageEvent<RegexJob>) => void) | null
  postMessage(reply: RegexReply, transfer: Transferable[]): void
}

const scope = self as unknown as WorkerScope
const run = regexRunner()
scope.onmessage = (ev) => {
  const reply = run(ev.data)
  scope.postMessage(reply, reply.hits ? [reply.hits.buffer] : [])
}
