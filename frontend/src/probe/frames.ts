// A frame probe for benchmark builds only (`vite build --mode frameprobe`;
// main.tsx imports it behind __FRAME_PROBE__, so the shipped bundle holds
// none of it: frontend/embed_test.go checks). WebKitGTK has no long-task API,
// so the probe times frames instead: every requestAnimationFrame callback's
// timestamp, summed up over back-to-back windows of a fixed length, each
// reported once it closes. A gap over 50 ms is a frame the user saw late,
// which is what a long task causes.

/** Found in the bundle only when the probe is compiled in (embed_test.go looks for it). */
export const FRAME_PROBE_MARKER = 'dockpulse-frame-probe'

/** A gap longer than this is a late frame (the long-task threshold). */
export const LONG_GAP_MS = 50

/** One window's frames. Gaps are between consecutive frames' timestamps. */
export interface FrameSummary {
  /** rAF callbacks in the window, counting the one that opened it. */
  frames: number
  /** From the first frame's timestamp to the last's. */
  windowMs: number
  /** Gaps longer than LONG_GAP_MS. */
  over50: number
  /** The longest gap; null with fewer than two frames (unknown, not zero). */
  worstMs: number | null
  /** The 99th percentile gap (nearest rank); null with fewer than two frames. */
  p99Ms: number | null
}

/**
 * The figures of one window from its frames' timestamps, in the order they
 * came (ms, as requestAnimationFrame passes them).
 */
export function summarizeFrames(times: readonly number[]): FrameSummary {
  const gaps: number[] = []
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!)
  const sorted = [...gaps].sort((a, b) => a - b)
  return {
    frames: times.length,
    windowMs: times.length < 2 ? 0 : times[times.length - 1]! - times[0]!,
    over50: gaps.filter((g) => g > LONG_GAP_MS).length,
    worstMs: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
    p99Ms: sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)]!,
  }
}

export type Report = (summary: FrameSummary, seq: number) => void

/**
 * Records every frame's timestamp and reports each window of windowMs as
 * soon as a frame lands at or past its end. The frame that closes a window
 * also opens the next, so every gap is counted once, in the window where it
 * ends, and windows follow each other without a hole. seq counts windows
 * from 1; the first one holds the page's load.
 */
export class FrameProbe {
  private times: number[] = []
  private seq = 0
  private running = false

  constructor(
    private readonly windowMs: number,
    private readonly report: Report,
    private readonly raf: (cb: FrameRequestCallback) => number = (cb) => requestAnimationFrame(cb),
  ) {
    if (!(windowMs > 0)) throw new Error(`frame probe: window ${windowMs} ms, want more than 0`)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.raf(this.tick)
  }

  stop(): void {
    this.running = false
  }

  private readonly tick = (t: number): void => {
    if (!this.running) return
    this.times.push(t)
    if (t - this.times[0]! >= this.windowMs) {
      this.report(summarizeFrames(this.times), ++this.seq)
      this.times = [t]
    }
    this.raf(this.tick)
  }
}
