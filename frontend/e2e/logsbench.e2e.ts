// Benchmark (prints figures; no timing decides pass or fail): the dashboard
// while its logs view follows a flood. A container writes lines as fast as
// asked (chunks of 1000 in one write, paced by sleep; some with ANSI
// colours), and for SECONDS each, in one page:
//
//   quiet     the full logs view open on a container writing 10 lines a second;
//             each line's time from the engine's timestamp to the frame that
//             shows it, against `docker logs -f` on the same container
//   flood     the flood running, its container selected, the logs closed:
//             what the flood costs the page without any log rendering (the
//             engine and the backend share the machine with Chromium)
//   followed  the flood followed in the full logs view
//   paused    the same, scrolled up: lines arrive into the buffer, none drawn
//
// "followed" against "flood" is what rendering the logs costs the page; the
// goal is no long task over 50 ms from it.
//
//   npm run e2e:bench-logs       (same environment as npm run e2e)
//   DOCKPULSE_BENCH_SECONDS=30 DOCKPULSE_BENCH_LOGS_RATE=50000
//   DOCKPULSE_BENCH_TOTAL=100 DOCKPULSE_BENCH_RUNNING=20   the rest of the dashboard
//   DOCKPULSE_BENCH_THROTTLE=1,4   Chromium's CPU slowed down by these factors
//   DOCKPULSE_BENCH_ROUNDS=1
//   DOCKPULSE_BENCH_COMPARE=NAME=BIN,...  more builds measured the same way, in
//                                  the same rounds, alternating with this one
//                                  (before and after a change)
//   DOCKPULSE_BENCH_PROFILE=DIR    a CPU profile of each window into DIR, and where
//                                  the main thread went (as in bench.e2e.ts)
//   DOCKPULSE_BENCH_TRACE=DIR      a Chrome trace of each window into DIR, and the
//                                  main thread's time by trace event (style, layout,
//                                  paint, message delivery and JavaScript apart)

import { cpus } from 'node:os'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWindow, median, observeLongTasks, startProfile, startTrace, startWindow, sum, type WindowFigures } from './benchmeter'
import { describeLatency, lineLatency, ms, watchLines, type LineLatency } from './linelatency'
import {
  connectionStatus,
  createContainer,
  docker,
  dockpulseBinary,
  launchBrowser,
  newPage,
  removeBuiltBinary,
  removeLabelled,
  row,
  sleep,
  startEngine,
  startServe,
  stopEngine,
  until,
  type Engine,
  type Serve,
} from './harness'

const SECONDS = Number(process.env.DOCKPULSE_BENCH_SECONDS ?? 30)
const RATE = Number(process.env.DOCKPULSE_BENCH_LOGS_RATE ?? 50_000)
const TOTAL = Number(process.env.DOCKPULSE_BENCH_TOTAL ?? 100)
const RUNNING = Number(process.env.DOCKPULSE_BENCH_RUNNING ?? 20)
const THROTTLE = (process.env.DOCKPULSE_BENCH_THROTTLE ?? '1,4').split(',').map(Number)
const ROUNDS = Number(process.env.DOCKPULSE_BENCH_ROUNDS ?? 1)
const PROFILE_DIR = process.env.DOCKPULSE_BENCH_PROFILE
const TRACE_DIR = process.env.DOCKPULSE_BENCH_TRACE
const CHUNK = 1000

const WINDOWS = ['quiet', 'flood', 'followed', 'paused'] as const
type WindowName = (typeof WINDOWS)[number]

let engine: Engine
let browser: Browser
let builds: { name: string; bin: string }[]
let talker: string

beforeAll(async () => {
  engine = await startEngine()
  const bin = await dockpulseBinary()
  builds = [`this build=${bin}`, ...(process.env.DOCKPULSE_BENCH_COMPARE ?? '').split(',').filter(Boolean)].map((nb) => {
    const [name, path] = nb.split('=') as [string, string]
    return { name, bin: path }
  })
  await removeLabelled(engine)
  for (let i = 0; i < TOTAL; i++) {
    const live = i < RUNNING
    await createContainer(engine, `lbench-${String(i).padStart(3, '0')}`, {
      start: live,
      cmd: live ? ['sh', '-c', 'while true; do sleep 1; done'] : ['true'],
      args: ['--label', `com.docker.compose.project=lproj-${i % 5}`],
    })
  }
  talker = await createContainer(engine, 'lbench-talker', {
    cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "talker line $i"; sleep 0.1; done'],
  })
  browser = await launchBrowser()
}, 1_800_000)

afterAll(async () => {
  await browser?.close()
  if (engine) {
    await removeLabelled(engine)
    await stopEngine(engine)
  }
  removeBuiltBinary()
}, 1_800_000)

/** A container writing RATE lines a second until removed; a tenth of them coloured. */
function startFlood(name: string): Promise<string> {
  const pause = (CHUNK / RATE).toFixed(3)
  const plain = `GET /api/items?page=1 200 3ms ${'x'.repeat(60)}`
  const script = [
    `p=$(yes '${plain}' | head -n ${CHUNK - CHUNK / 10})`,
    `c=$(yes "$(printf '\\033[32mINFO\\033[0m \\033[1mserved\\033[0m %s' '${plain}')" | head -n ${CHUNK / 10})`,
    `while true; do printf '%s\\n%s\\n' "$p" "$c"; sleep ${pause}; done`,
  ].join('; ')
  return createContainer(engine, name, { cmd: ['sh', '-c', script] })
}

interface Run {
  build: string
  rate: number
  round: number
  windows: Partial<Record<WindowName, WindowFigures & { held: string; notices: string }>>
  /** The quiet window's lines, written to shown. */
  latency?: LineLatency
}

/** A container's row, the table scrolled (half a view at a time) until it is rendered. */
async function reveal(page: Page, id: string): Promise<Locator> {
  const r = row(page, id)
  await until(
    'its row in the table',
    async () => {
      const n = await r.count()
      if (n === 0) await page.locator('.grid-body').evaluate((el) => (el.scrollTop = el.scrollTop + el.clientHeight >= el.scrollHeight ? 0 : el.scrollTop + el.clientHeight / 2))
      return n
    },
    (n) => n === 1,
    60_000,
  )
  return r
}

async function openFullLogs(page: Page, id: string, name: string): Promise<Locator> {
  await (await reveal(page, id)).click()
  await page.keyboard.press('l')
  const full = page.getByRole('dialog', { name: `Logs of ${name}` })
  await full.getByRole('status', { name: 'Log stream' }).filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 })
  return full
}

async function closeFullLogs(page: Page, full: Locator): Promise<void> {
  await page.keyboard.press('Escape')
  await full.waitFor({ state: 'detached', timeout: 10_000 })
}

async function measure(build: { name: string; bin: string }, rate: number, round: number): Promise<Run> {
  const serve: Serve = await startServe(build.bin, engine)
  const page = await newPage(browser)
  const run: Run = { build: build.name, rate, round, windows: {} }
  let flood: string | undefined
  try {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate })
    await observeLongTasks(page)
    await page.goto(serve.url)
    await until('connected', () => connectionStatus(page), (s) => s === 'connected', 60_000)
    await reveal(page, talker)

    const measureWindow = async (name: WindowName, full: Locator | undefined) => {
      const meter = await startWindow(page, cdp)
      const profile = PROFILE_DIR ? await startProfile(page, cdp) : undefined
      const trace = TRACE_DIR ? await startTrace(page) : undefined
      const lines = name === 'quiet' ? await watchLines(page, engine, talker, '.logs-full .log-scroller', 'talker line (\\d+)$') : undefined
      await sleep(SECONDS * 1000)
      if (lines) run.latency = lineLatency(await lines.stop())
      const f = await meter.stop()
      const tag = `logs-${build.name.replace(/\W+/g, '_')}-cpu${rate}x-round${round}-${name}`
      if (profile) console.log((await profile.stop(PROFILE_DIR!, tag, f.longTasks)).map((l) => `bench-logs: ${l}`).join('\n'))
      if (trace) console.log((await trace.stop(TRACE_DIR!, tag)).map((l) => `bench-logs: ${l}`).join('\n'))
      const held = full ? ((await full.locator('.log-lines-count').textContent()) ?? '?') : '-'
      const notices = full ? (await full.getByRole('list', { name: 'Log notices' }).getByRole('listitem').allTextContents()).join(' | ') : ''
      run.windows[name] = { ...f, held, notices }
      console.log(
        [
          `bench-logs: [${build.name}, CPU ${rate}x, round ${round}, ${name}] lines held: ${held}${notices ? `; notices: ${notices}` : ''}`,
          ...(lines && run.latency ? [`bench-logs:   ${describeLatency(run.latency)}`] : []),
          ...describeWindow(f, 'bench-logs:   '),
          `bench-logs:   load average before/after: ${f.loadBefore} / ${f.loadAfter} on ${cpus().length} CPUs`,
        ].join('\n'),
      )
    }

    let full = await openFullLogs(page, talker, 'lbench-talker')
    await measureWindow('quiet', full)
    await closeFullLogs(page, full)

    const floodName = `lbench-flood-${builds.indexOf(build)}-${rate}x-${round}`
    flood = await startFlood(floodName)
    await until('the flood writing', () => docker(engine, 'logs', '--tail', '1', flood!), (t) => t.length > 0, 30_000)
    await (await reveal(page, flood)).click()
    await measureWindow('flood', undefined)

    full = await openFullLogs(page, flood, floodName)
    await measureWindow('followed', full)

    await full.getByRole('log').hover()
    await page.mouse.wheel(0, -5000)
    await full.getByRole('button', { name: 'Follow', exact: true }).waitFor({ timeout: 10_000 })
    await measureWindow('paused', full)
    expect(await full.getByRole('status', { name: 'Follow' }).textContent()).toMatch(/Paused/)
    await closeFullLogs(page, full)
    return run
  } finally {
    if (flood) await docker(engine, 'rm', '-f', flood).catch(() => undefined)
    await page.context().close()
    await serve.stop()
  }
}

describe('benchmark', () => {
  it(`the logs view following ${RATE} lines a second, ${SECONDS} s a window`, async () => {
    const runs: Run[] = []
    for (let round = 1; round <= ROUNDS; round++) for (const rate of THROTTLE) for (const build of builds) runs.push(await measure(build, rate, round))
    const longest = (f: WindowFigures) => Math.max(0, ...f.longTasks.map((l) => l.duration))
    const lines = [`bench-logs: medians over ${ROUNDS} round(s): CPU | window | build | long tasks | longest | total | busy | script | renderer CPU | worst frame gap | gaps > 50 ms | load average`]
    for (const rate of THROTTLE) {
      for (const name of WINDOWS) for (const build of builds) {
        const fs = runs.filter((r) => r.rate === rate && r.build === build.name).map((r) => r.windows[name]!)
        const m = (fn: (f: WindowFigures) => number) => median(fs.map(fn)).toFixed(0)
        lines.push(
          `bench-logs: ${rate}x | ${name} | ${build.name} | ${m((f) => f.longTasks.length)} | ${m(longest)} ms | ${m((f) => sum(f.longTasks.map((l) => l.duration)))} ms | ${m((f) => f.busyMs)} ms | ${m((f) => f.scriptMs)} ms | ${m((f) => f.rendererCpuMs)} ms | ${m((f) => f.worstFrameGapMs)} ms | ${m((f) => f.framesOver50ms)} | ${fs.map((f) => `${f.loadBefore.split(' ')[0]}→${f.loadAfter.split(' ')[0]}`).join(', ')}`,
        )
      }
    }
    lines.push(`bench-logs: a line shown (quiet window), medians over ${ROUNDS} round(s): CPU | build | page p50 | page p99 | docker logs -f p50 | docker logs -f p99 | lines`)
    for (const rate of THROTTLE) {
      for (const build of builds) {
        const ls = runs.filter((r) => r.rate === rate && r.build === build.name && r.latency).map((r) => r.latency!)
        const m = (fn: (l: LineLatency) => number) => ms(median(ls.map(fn)))
        lines.push(`bench-logs: ${rate}x | ${build.name} | ${m((l) => l.page.p50)} | ${m((l) => l.page.p99)} | ${m((l) => l.cli.p50)} | ${m((l) => l.cli.p99)} | ${ls.map((l) => l.lines).join(', ')}`)
      }
    }
    // The goal's baseline is the flood with the logs closed, measured in the same page.
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'unknown (no baseline)')
    for (const rate of THROTTLE) {
      for (const build of builds) {
        const of = (name: WindowName) => runs.filter((r) => r.rate === rate && r.build === build.name).map((r) => r.windows[name]!)
        const total = (name: WindowName) => median(of(name).map((f) => sum(f.longTasks.map((l) => l.duration))))
        const script = (name: WindowName) => median(of(name).map((f) => f.scriptMs))
        for (const name of ['followed', 'paused'] as const) {
          lines.push(`bench-logs: ${rate}x | ${build.name} | ${name} against flood: long-task time ${ratio(total(name), total('flood'))}, script ${ratio(script(name), script('flood'))}`)
        }
      }
    }
    console.log(lines.join('\n'))
  }, 3_600_000)
})
