// A batch of log lines as the logs worker (logs.worker.ts) posts it to the
// page: a few strings and typed arrays instead of one object per line, so
// that the page's copy of the message is a few copies of memory and the
// lines' objects are made once, on the page. Each text and time is a
// slice of one string (V8 keeps a slice as a view of its string, not a copy).

import type { LogLine } from '../types'

/** A line's time, as parseLine checked it: RFC 3339 with nine fraction digits, UTC. */
export const TIME_CHARS = '2006-01-02T15:04:05.000000000Z'.length

export interface LinePack {
  count: number
  /** The lines' containers, each once. */
  sources: { engine: string; id: string }[]
  /** Per line: its container's index in sources times 2, plus 1 for stderr. */
  source: Uint32Array
  /** The lines' times, TIME_CHARS each, one after the other. */
  times: string
  /** The lines' texts, one after the other. */
  texts: string
  /** Per line: where its text ends in texts. */
  ends: Uint32Array
  /** The lines that were cut: index and bytes cut, in pairs. */
  cuts: number[]
  /** The indexes of partial lines. */
  partials: number[]
}

/** The pack of lines, and the buffers a postMessage can move rather than copy. */
export function packLines(lines: readonly LogLine[]): { pack: LinePack; transfer: ArrayBuffer[] } {
  const sources: LinePack['sources'] = []
  const sourceIndex = new Map<string, number>()
  const source = new Uint32Array(lines.length)
  const ends = new Uint32Array(lines.length)
  const times: string[] = []
  const texts: string[] = []
  const cuts: number[] = []
  const partials: number[] = []
  let end = 0
  lines.forEach((l, i) => {
    const key = `${l.engine}\u0000${l.id}`
    let s = sourceIndex.get(key)
    if (s === undefined) {
      s = sources.length
      sources.push({ engine: l.engine, id: l.id })
      sourceIndex.set(key, s)
    }
    if (l.time.length !== TIME_CHARS) throw new Error(`pack line ${i}: time ${JSON.stringify(l.time)} is not ${TIME_CHARS} characters`)
    source[i] = s * 2 + (l.stream === 'stderr' ? 1 : 0)
    times.push(l.time)
    texts.push(l.text)
    end += l.text.length
    ends[i] = end
    if (l.cut !== undefined) cuts.push(i, l.cut)
    if (l.partial) partials.push(i)
  })
  const pack = { count: lines.length, sources, source, times: times.join(''), texts: texts.join(''), ends, cuts, partials }
  return { pack, transfer: [source.buffer, ends.buffer] }
}

/** The lines of a pack, as parseLine makes them (the same fields, in the same order). */
export function unpackLines(pack: LinePack): LogLine[] {
  const { count, sources, source, times, texts, ends } = pack
  if (source.length !== count || ends.length !== count || times.length !== count * TIME_CHARS || (count > 0 && ends[count - 1] !== texts.length)) {
    throw new Error(`a pack of ${count} lines does not hold them: ${source.length} sources, ${ends.length} ends, ${times.length} time characters, ${texts.length} text characters`)
  }
  const lines = new Array<LogLine>(count)
  let start = 0
  for (let i = 0; i < count; i++) {
    const s = source[i]!
    const from = sources[s >>> 1]
    if (!from) throw new Error(`pack line ${i}: no container ${s >>> 1} of ${sources.length}`)
    const end = ends[i]!
    lines[i] = {
      engine: from.engine,
      id: from.id,
      time: times.slice(i * TIME_CHARS, (i + 1) * TIME_CHARS),
      stream: s & 1 ? 'stderr' : 'stdout',
      text: texts.slice(start, end),
    }
    start = end
  }
  for (let k = 0; k + 1 < pack.cuts.length; k += 2) lines[pack.cuts[k]!]!.cut = pack.cuts[k + 1]!
  for (const i of pack.partials) lines[i]!.partial = true
  return lines
}
