// A log line's latency as a person sees it: from the engine's timestamp of
// the line to the first frame in which the page shows it, beside the time
// `docker logs -f --timestamps` on the same container prints it. The engine,
// the page and this process read the same clock (one machine).

import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Page } from 'playwright-core'
import type { Engine } from './harness'

/** Numbered lines: the number is the first group of pattern. */
export interface LineTimes {
  /** The engine's timestamp of each line, ms since the epoch. */
  written: Map<number, number>
  /** When `docker logs -f` printed it. */
  printed: Map<number, number>
  /** The frame in which the page first showed it. */
  shown: Map<number, number>
}

export interface LineLatency {
  lines: number
  /** Lines the engine wrote that the page never showed while watched. */
  unseen: number
  page: Quantiles
  cli: Quantiles
}

export interface Quantiles {
  p50: number
  p99: number
  max: number
}

/**
 * Watches the rows under root (a logs view's scroller) for lines matching
 * pattern, and follows the same container with `docker logs -f` meanwhile.
 * A row's time is that of the animation frame after the mutation that put
 * its text in the page: the frame that paints it.
 */
export async function watchLines(page: Page, engine: Engine, id: string, root: string, pattern: string): Promise<{ stop: () => Promise<LineTimes> }> {
  // Lines written from now on: each is shown after the watch below starts.
  const since = (Date.now() / 1000).toFixed(3)
  await page.evaluate(
    ({ root, pattern }) => {
      const el = document.querySelector(root)
      if (!el) throw new Error(`no ${root} in the page`)
      const re = new RegExp(pattern)
      const shown = new Map<number, number>()
      let asked = false
      const scan = () => {
        asked = false
        const t = performance.timeOrigin + performance.now()
        el.querySelectorAll('.log-row').forEach((row) => {
          const m = re.exec(row.textContent ?? '')
          if (m && !shown.has(Number(m[1]))) shown.set(Number(m[1]), t)
        })
      }
      const observer = new MutationObserver(() => {
        if (asked) return
        asked = true
        requestAnimationFrame(scan)
      })
      observer.observe(el, { childList: true, subtree: true, characterData: true })
      ;(window as unknown as { __lineWatch: unknown }).__lineWatch = { shown, observer }
    },
    { root, pattern },
  )
  const cli = spawn('docker', ['logs', '-f', '--timestamps', '--since', since, id], {
    env: { ...process.env, DOCKER_HOST: engine.dockerHost },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const written = new Map<number, number>()
  const printed = new Map<number, number>()
  const re = new RegExp(pattern)
  createInterface({ input: cli.stdout }).on('line', (line) => {
    const at = performance.timeOrigin + performance.now()
    const space = line.indexOf(' ')
    const m = re.exec(line.slice(space + 1))
    if (space < 0 || !m) return
    const n = Number(m[1])
    written.set(n, engineTime(line.slice(0, space)))
    printed.set(n, at)
  })
  const exited = new Promise<void>((ok) => cli.on('close', () => ok()))
  return {
    async stop() {
      const shown = await page.evaluate(() => {
        const w = (window as unknown as { __lineWatch: { shown: Map<number, number>; observer: MutationObserver } }).__lineWatch
        w.observer.disconnect()
        return [...w.shown]
      })
      cli.kill()
      await exited
      return { written, printed, shown: new Map(shown) }
    },
  }
}

/** An RFC 3339 timestamp with nanoseconds, in ms since the epoch (to the µs). */
function engineTime(ts: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts)
  if (!m) throw new Error(`not an engine timestamp: ${ts}`)
  const whole = Date.parse(`${m[1]}Z`)
  if (Number.isNaN(whole)) throw new Error(`not an engine timestamp: ${ts}`)
  return whole + Number(`0.${m[2] ?? '0'}`) * 1000
}

/**
 * The latencies of the lines `docker logs -f` printed while watched, the
 * last few left out (the watch stopping around them).
 */
export function lineLatency(t: LineTimes, edge = 3): LineLatency {
  const numbers = [...t.written.keys()].sort((a, b) => a - b).slice(0, -edge)
  const page: number[] = []
  const cli: number[] = []
  let unseen = 0
  for (const n of numbers) {
    const shown = t.shown.get(n)
    if (shown === undefined) {
      unseen++
      continue
    }
    page.push(shown - t.written.get(n)!)
    cli.push(t.printed.get(n)! - t.written.get(n)!)
  }
  return { lines: page.length, unseen, page: quantiles(page), cli: quantiles(cli) }
}

/** Nearest-rank quantiles; NaN (unknown) for no figures. */
function quantiles(xs: number[]): Quantiles {
  if (xs.length === 0) return { p50: NaN, p99: NaN, max: NaN }
  const s = [...xs].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!
  return { p50: at(0.5), p99: at(0.99), max: s.at(-1)! }
}

/** A latency in ms, or "unknown" where no line gave one. */
export const ms = (x: number) => (Number.isNaN(x) ? 'unknown' : `${x.toFixed(1)} ms`)

export function describeLatency(l: LineLatency): string {
  const q = (x: Quantiles) => `${ms(x.p50)} / ${ms(x.p99)} / ${ms(x.max)}`
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'unknown')
  return `a line shown, p50 / p99 / max: ${q(l.page)} against docker logs -f's ${q(l.cli)} (p50 ${ratio(l.page.p50, l.cli.p50)}, p99 ${ratio(l.page.p99, l.cli.p99)}), ${l.lines} lines${l.unseen > 0 ? `, ${l.unseen} never shown` : ''}`
}
