// The lines a logs view holds: one list in time order (several containers'
// lines merged), at most `bound` of them, the oldest dropped first and
// counted. Lines arrive mostly at the end (the live stream), sometimes
// before it (load earlier, skipped lines fetched afterwards, a resume that
// starts at the last line's time); each is merged in place by its time, and
// a line that is already there (same container, time and text: the edge of
// a resume or of a page) is not added twice.

import type { LogLine } from '../types'

/** Lines a view keeps in memory. */
export const LOG_BUFFER_LINES = 100_000

function sameLine(a: LogLine, b: LogLine): boolean {
  return a.time === b.time && a.id === b.id && a.engine === b.engine && a.text === b.text
}

/** The first index from lo on whose line's time is at or after t. */
function lowerBound(lines: readonly LogLine[], lo: number, t: string): number {
  let hi = lines.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (lines[mid]!.time < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

function byTime(a: LogLine, b: LogLine): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : 0
}

export class LogBuffer {
  // The held lines are lines[head…]: dropping the oldest moves head, and the
  // array is cut only once head reaches the bound, so a full buffer's add
  // costs what its new lines cost, not a move of all 100,000 held.
  private lines: LogLine[] = []
  private head = 0
  private view: readonly LogLine[] = []
  private viewVersion = -1
  /** Bumped by every change. */
  version = 0
  /** Lines dropped from the head to stay within the bound, since the start. */
  dropped = 0
  /** Partial lines replaced by their whole selves. */
  private replaced = 0

  constructor(readonly bound = LOG_BUFFER_LINES) {}

  get size(): number {
    return this.lines.length - this.head
  }

  get full(): boolean {
    return this.size >= this.bound
  }

  /** The lines, oldest first: the same array until the next change. */
  snapshot(): readonly LogLine[] {
    if (this.viewVersion !== this.version) {
      this.view = this.lines.slice(this.head)
      this.viewVersion = this.version
    }
    return this.view
  }

  /** The newest line's time, or '' when empty. */
  lastTime(): string {
    return this.size > 0 ? this.lines.at(-1)!.time : ''
  }

  /** The newest line of one container. */
  lastOf(engine: string, id: string): LogLine | undefined {
    for (let i = this.lines.length - 1; i >= this.head; i--) {
      const l = this.lines[i]!
      if (l.id === id && l.engine === engine) return l
    }
    return undefined
  }

  /** The oldest line of one container. */
  firstOf(engine: string, id: string): LogLine | undefined {
    for (let i = this.head; i < this.lines.length; i++) {
      const l = this.lines[i]!
      if (l.id === id && l.engine === engine) return l
    }
    return undefined
  }

  /**
   * Merges lines in by time; returns how many were new. Lines at the same
   * time keep the order they came in, after those already held.
   */
  add(incoming: readonly LogLine[]): number {
    if (incoming.length === 0) return 0
    let sorted = incoming
    for (let i = 1; i < incoming.length; i++) {
      if (incoming[i]!.time < incoming[i - 1]!.time) {
        sorted = [...incoming].sort(byTime) // stable: same-time lines keep their order
        break
      }
    }
    const lines = this.lines
    const before = lines.length
    const replacedBefore = this.replaced
    if (before === this.head || sorted[0]!.time > lines[before - 1]!.time) {
      for (const l of sorted) lines.push(l)
    } else {
      // Only the part at or after the first new line's time can change.
      const tail = lines.splice(lowerBound(lines, this.head, sorted[0]!.time))
      let i = 0
      for (const l of sorted) {
        while (i < tail.length && tail[i]!.time <= l.time) lines.push(tail[i++]!)
        this.placeAtEnd(l)
      }
      while (i < tail.length) lines.push(tail[i++]!)
    }
    const added = lines.length - before
    if (added === 0 && this.replaced === replacedBefore) return 0
    const drop = this.size - this.bound
    if (drop > 0) {
      this.head += drop
      this.dropped += drop
      if (this.head >= this.bound) {
        this.lines = lines.slice(this.head)
        this.head = 0
      }
    }
    this.version++
    return added
  }

  /**
   * Appends l unless a line the same as l is among the held lines of l's
   * time at the end; a held partial line of l's container at that time (a
   * last line without its newline yet) gives way to l, its longer self.
   */
  private placeAtEnd(l: LogLine): void {
    const lines = this.lines
    for (let k = lines.length - 1; k >= this.head && lines[k]!.time === l.time; k--) {
      const held = lines[k]!
      if (sameLine(held, l)) return
      if (held.partial && held.id === l.id && held.engine === l.engine) {
        lines[k] = l
        this.replaced++
        return
      }
    }
    lines.push(l)
  }

  clear(): void {
    this.lines = []
    this.head = 0
    this.dropped = 0
    this.version++
  }
}
