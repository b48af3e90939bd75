// Search workers for the tests (jsdom has no Worker): one that runs the
// worker's own job code in the page, a task later, as a worker answers; and
// one that never answers, as a worker stuck in an expression would.

import { regexRunner, type RegexJob, type RegexReply } from './regexJob'
import type { SearchWorker } from './regexSearch'

export interface TestWorker extends SearchWorker {
  /** Every job posted to it, in order. */
  jobs: RegexJob[]
  terminated: boolean
}

function testWorker(answer: ((job: RegexJob) => RegexReply) | null): TestWorker {
  const w: TestWorker = {
    jobs: [],
    terminated: false,
    onmessage: null,
    onerror: null,
    postMessage(job) {
      w.jobs.push(job)
      if (!answer) return
      setTimeout(() => {
        if (!w.terminated) w.onmessage?.({ data: answer(job) })
      }, 0)
    },
    terminate() {
      w.terminated = true
    },
  }
  return w
}

/** Runs regexJob.ts in the page. */
export function inPageWorker(): TestWorker {
  return testWorker(regexRunner())
}

/** Takes the jobs and answers none. */
export function stuckWorker(): TestWorker {
  return testWorker(null)
}
