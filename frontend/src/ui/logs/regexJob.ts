// What the search worker does with one batch of lines: every match of a
// regular expression in each text (findRanges, as on the main thread). A
// plain module, so tests run it directly; regex.worker.ts only carries the
// messages.

import { findRanges } from './search'

/** One batch: the lines' plain texts, in the order their answer refers to. */
export interface RegexJob {
  id: number
  source: string
  flags: string
  texts: readonly string[]
}

/** hits: a triple (index in texts, start, end) per match, in order; or why it could not run. */
export type RegexReply = { id: number; hits: Int32Array; error?: undefined } | { id: number; hits?: undefined; error: string }

/** Runs jobs, keeping the last expression compiled (a search sends many batches of one). */
export function regexRunner(): (job: RegexJob) => RegexReply {
  let last: { source: string; flags: string; re: RegExp } | null = null
  return (job) => {
    try {
      if (!last || last.source !== job.source || last.flags !== job.flags) last = { source: job.source, flags: job.flags, re: new RegExp(job.source, job.flags) }
      const hits: number[] = []
      job.texts.forEach((text, i) => {
        for (const [start, end] of findRanges(last!.re, text)) hits.push(i, start, end)
      })
      return { id: job.id, hits: Int32Array.from(hits) }
    } catch (err) {
      return { id: job.id, error: err instanceof Error ? err.message : String(err) }
    }
  }
}
