// What the benchmarks measure of a page over a window of time: long tasks
// (over 50 ms, from a PerformanceObserver), frame gaps (requestAnimationFrame),
// the main thread's busy time (DevTools' Performance.getMetrics), the renderer
// processes' CPU time (/proc) and the load average. Figures only: nothing
// here passes or fails.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CDPSession, Page } from 'playwright-core'

export interface LongTask {
  start: number
  duration: number
}

export interface WindowFigures {
  longTasks: LongTask[]
  frames: number
  worstFrameGapMs: number
  framesOver50ms: number
  /** The window as it ran. */
  windowMs: number
  /** The renderer main thread's busy time over the window (TaskDuration, wall time), and its parts. */
  busyMs: number
  scriptMs: number
  layoutMs: number
  styleMs: number
  /** CPU time of the renderer processes over the window (all their threads). */
  rendererCpuMs: number
  loadBefore: string
  loadAfter: string
}

type Probe = { __long: LongTask[]; __frames: number[]; __measuring: boolean }

/**
 * Starts recording long tasks from the page's very start (before its
 * scripts run), so the initial load can be reported on its own:
 * loadLongTasks reads them.
 */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as Probe
    w.__long = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push({ start: e.startTime, duration: e.duration })
    }).observe({ type: 'longtask', buffered: true })
  })
}

/** The long tasks recorded so far (since the page loaded, or since the window started). */
export function longTasksSoFar(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => (window as unknown as Probe).__long)
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

/**
 * CPU time (ms) used so far by Chromium's renderer processes started from
 * this process: the page's own work, which a busy machine cannot inflate
 * (the main thread's busy time is wall time, and grows while it waits for a
 * CPU). From /proc/PID/stat, in clock ticks of 10 ms.
 */
export function rendererCpuMs(): number {
  const procs = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        return [{ pid: Number(pid), ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8') }]
      } catch {
        return [] // gone meanwhile
      }
    })
  const ours = new Set([process.pid])
  for (let grew = true; grew; ) {
    grew = false
    for (const p of procs) {
      if (ours.has(p.pid) || !ours.has(p.ppid)) continue
      ours.add(p.pid)
      grew = true
    }
  }
  return procs.filter((p) => ours.has(p.pid) && p.cmd.includes('--type=renderer')).reduce((a, p) => a + p.cpu * 10, 0)
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics')
  return Object.fromEntries(list.map((m) => [m.name, m.value]))
}

/** A window being measured: end it with its stop. */
export interface Window {
  stop(): Promise<WindowFigures>
}

/**
 * Starts a window: clears the long tasks recorded so far (observeLongTasks
 * must have run before the page loaded) and counts frames from here on.
 * The CDP session must have sent Performance.enable.
 */
export async function startWindow(page: Page, cdp: CDPSession): Promise<Window> {
  await page.evaluate(() => {
    const w = window as unknown as Probe
    w.__long = []
    w.__frames = []
    w.__measuring = true
    const tick = (t: number) => {
      w.__frames.push(t)
      if (w.__measuring) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
  const before = await metrics(cdp)
  const cpuBefore = rendererCpuMs()
  const started = Date.now()
  const loadBefore = loadAverage()
  return {
    async stop() {
      const after = await metrics(cdp)
      const cpuAfter = rendererCpuMs()
      const windowMs = Date.now() - started
      const loadAfter = loadAverage()
      const raw = await page.evaluate(() => {
        const w = window as unknown as Probe
        w.__measuring = false
        const gaps = w.__frames.slice(1).map((t, i) => t - w.__frames[i]!)
        return { long: w.__long, frames: w.__frames.length, worstFrameGapMs: Math.max(0, ...gaps), framesOver50ms: gaps.filter((g) => g > 50).length }
      })
      const d = (k: string) => ((after[k] ?? 0) - (before[k] ?? 0)) * 1000
      return {
        longTasks: raw.long,
        frames: raw.frames,
        worstFrameGapMs: raw.worstFrameGapMs,
        framesOver50ms: raw.framesOver50ms,
        windowMs,
        busyMs: d('TaskDuration'),
        scriptMs: d('ScriptDuration'),
        layoutMs: d('LayoutDuration'),
        styleMs: d('RecalcStyleDuration'),
        rendererCpuMs: cpuAfter - cpuBefore,
        loadBefore,
        loadAfter,
      }
    },
  }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

/**
 * Where the profiled window went: self time by function, overall and within
 * the long tasks, and the inclusive time of the page's own functions (each
 * counted once a sample however deep it recurses).
 */
export function summarizeProfile(profile: Profile, longTasks: { start: number; duration: number }[], startOnPage: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const label = (n: ProfileNode) => {
    const f = n.callFrame
    const file = f.url.split('/').pop() || ''
    return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`
  }
  const self = new Map<string, number>()
  const selfLong = new Map<string, number>()
  const incl = new Map<string, number>()
  let t = profile.startTime
  let inLongUs = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0
    t += profile.timeDeltas[i] ?? 0
    const node = byId.get(profile.samples[i]!)!
    const name = label(node)
    if (name.startsWith('(idle)') || name.startsWith('(program)')) continue
    self.set(name, (self.get(name) ?? 0) + dt)
    const atMs = startOnPage + (t - profile.startTime) / 1000
    if (longTasks.some((l) => atMs >= l.start && atMs <= l.start + l.duration)) {
      selfLong.set(name, (selfLong.get(name) ?? 0) + dt)
      inLongUs += dt
    }
    const seen = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!
      if (!n.callFrame.url.includes('/assets/')) continue
      const l = label(n)
      if (seen.has(l)) continue
      seen.add(l)
      incl.set(l, (incl.get(l) ?? 0) + dt)
    }
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
  return [
    'self time, the whole window:',
    ...top(self, 25),
    `self time inside the long tasks (${(inLongUs / 1000).toFixed(0)} ms sampled):`,
    ...top(selfLong, 25),
    "inclusive time of the page's own functions:",
    ...top(incl, 40),
  ]
}

/**
 * What ran in each long task, one line each: its start (ms from the
 * profile's start), its length, the sampled time by what started the work
 * (the outermost function of the page's stacks: a WebSocket message, the
 * store's frame commit, a click, a scroll; the collector and the browser's
 * own work, style, layout and paint, apart) and the page functions that
 * took most of it (inclusive).
 */
export function attributeLongTasks(profile: Profile, longTasks: readonly LongTask[], startOnPage: number, marks: readonly Mark[] = []): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const name = (n: ProfileNode) => n.callFrame.functionName || '(anonymous)'
  const tasks = [...longTasks].sort((a, b) => a.start - b.start)
  const per = tasks.map(() => ({ sampled: 0, entry: new Map<string, number>(), incl: new Map<string, number>() }))
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us)
  let t = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0
    t += profile.timeDeltas[i] ?? 0
    const atMs = startOnPage + (t - profile.startTime) / 1000
    const k = tasks.findIndex((l) => atMs >= l.start && atMs <= l.start + l.duration)
    if (k < 0) continue
    const p = per[k]!
    const node = byId.get(profile.samples[i]!)!
    const leaf = name(node)
    if (leaf === '(idle)') continue
    p.sampled += dt
    if (leaf === '(program)' || leaf === '(garbage collector)') {
      add(p.entry, leaf === '(program)' ? 'browser (style, layout, paint)' : 'garbage collector', dt)
      continue
    }
    let outer = leaf
    const seen = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!
      if (n.callFrame.url === '' && name(n).startsWith('(')) continue
      outer = name(n)
      if (!n.callFrame.url.includes('/assets/') || seen.has(name(n))) continue
      seen.add(name(n))
      add(p.incl, name(n), dt)
    }
    add(p.entry, outer, dt)
  }
  const ms = (us: number) => (us / 1000).toFixed(0)
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([f, us]) => `${f} ${ms(us)}`)
      .join(', ')
  return tasks.map((l, k) => {
    const p = per[k]!
    // What reached the page since the frame before the task (16 ms), and in it.
    const near = new Map<string, number>()
    for (const m of marks) if (m.at >= l.start - 17 && m.at <= l.start + l.duration) add(near, m.what, 1)
    const arrived = [...near.entries()].map(([w, n]) => (n > 1 ? `${n}× ${w}` : w)).join(', ') || 'nothing'
    return `+${(l.start - startOnPage).toFixed(0)} ms, ${l.duration.toFixed(0)} ms (${ms(p.sampled)} sampled) after ${arrived}: started by ${top(p.entry, 4) || 'nothing sampled'}; in it ${top(p.incl, 6)}`
  })
}

/** Something that reached the page at a time (performance.now()): a message's type, a click. */
export interface Mark {
  at: number
  what: string
}

type MarkProbe = { __marks: Mark[] }

/**
 * Records, from the page's start, when each WebSocket message arrives and
 * its type (read from the envelope's start), for attributeLongTasks. Only
 * for profiled runs: it adds a listener to every message.
 */
export async function observeMessages(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as MarkProbe & { WebSocket: typeof WebSocket }
    w.__marks = []
    const Native = w.WebSocket
    w.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols)
        this.addEventListener('message', (ev: MessageEvent) => {
          const head = typeof ev.data === 'string' ? ev.data.slice(0, 40) : ''
          w.__marks.push({ at: performance.now(), what: /"type":"([^"]+)"/.exec(head)?.[1] ?? 'message' })
        })
      }
    }
  })
}

/** Notes a user action (a scroll, a click) at the page's present time. */
export async function mark(page: Page, what: string): Promise<void> {
  await page.evaluate((w) => (window as unknown as MarkProbe).__marks?.push({ at: performance.now(), what: w }), what)
}

/** A CPU profile being recorded: stop writes it and says where the time went. */
export interface ProfileRun {
  stop(dir: string, tag: string, longTasks: LongTask[]): Promise<string[]>
}

/** Starts DevTools' sampling profiler on the page (500 µs samples). */
export async function startProfile(page: Page, cdp: CDPSession): Promise<ProfileRun> {
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
  await cdp.send('Profiler.start')
  const startOnPage = await page.evaluate(() => performance.now())
  return {
    async stop(dir, tag, longTasks) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
      mkdirSync(dir, { recursive: true })
      const file = join(dir, `${tag}.cpuprofile`)
      writeFileSync(file, JSON.stringify(profile))
      return [
        `${tag}: CPU profile in ${file}`,
        ...summarizeProfile(profile, longTasks, startOnPage).map((l) => `  ${l}`),
        '  each long task (start from the profile\'s, length; what arrived; what started the work; inclusive page functions):',
        ...attributeLongTasks(profile, longTasks, startOnPage, await page.evaluate(() => (window as unknown as MarkProbe).__marks ?? [])).map((l) => `    ${l}`),
      ]
    },
  }
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Long tasks as "N (max M ms, total T ms)", or "none". */
export const describeLongTasks = (xs: number[]) => (xs.length === 0 ? 'none' : `${xs.length} (max ${Math.max(...xs).toFixed(0)} ms, total ${sum(xs).toFixed(0)} ms)`)

/** The window's busy time, CPU and frames, a line each, for a bench's report. */
export function describeWindow(f: WindowFigures, prefix: string): string[] {
  return [
    `${prefix}long tasks (>50 ms): ${describeLongTasks(f.longTasks.map((l) => l.duration))}`,
    `${prefix}main thread busy ${f.busyMs.toFixed(0)} ms of ${f.windowMs} (${((f.busyMs / f.windowMs) * 100).toFixed(1)} %): script ${f.scriptMs.toFixed(0)} ms, style ${f.styleMs.toFixed(0)} ms, layout ${f.layoutMs.toFixed(0)} ms (wall time of its tasks); renderer CPU ${f.rendererCpuMs.toFixed(0)} ms (all its threads)`,
    `${prefix}frames: ${f.frames} (${((f.frames * 1000) / f.windowMs).toFixed(0)}/s), worst gap ${f.worstFrameGapMs.toFixed(0)} ms, gaps over 50 ms: ${f.framesOver50ms}`,
  ]
}

export interface TraceRun {
  stop(dir: string, tag: string): Promise<string[]>
}

interface TraceEvent {
  ph: string
  name: string
  pid: number
  tid: number
  ts: number
  dur?: number
  /** The thread's CPU time within the event (dur is wall time). */
  tdur?: number
  args?: { name?: string }
}

/**
 * Starts a Chrome trace of the page (the timeline's categories): where the
 * renderer's main thread went by trace event, the browser's own work (style,
 * layout, paint, message delivery, the collector) as well as JavaScript,
 * which a JavaScript profile cannot split.
 */
export async function startTrace(page: Page): Promise<TraceRun> {
  const browser = page.context().browser()!
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'toplevel', 'loading'] })
  return {
    async stop(dir, tag) {
      const buf = await browser.stopTracing()
      mkdirSync(dir, { recursive: true })
      const file = join(dir, `${tag}.trace.json`)
      writeFileSync(file, buf)
      const events = (JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents
      return [`${tag}: trace in ${file}`, ...summarizeTrace(events).map((l) => `  ${l}`)]
    },
  }
}

/**
 * The renderer main threads' time by trace event: each complete event's
 * self time (its length less that of the events inside it), the largest
 * first, and the top-level tasks' total. Then the long tasks (over 50 ms of
 * wall time) with the CPU time the thread had in each: on a machine whose
 * cores are all busy, a task's wall time is its work plus its wait for a
 * core, and only the first is the page's.
 */
export function summarizeTrace(events: readonly TraceEvent[]): string[] {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`))
  const byThread = new Map<string, TraceEvent[]>()
  for (const e of events) {
    const t = `${e.pid}:${e.tid}`
    if (e.ph !== 'X' || e.dur === undefined || !mains.has(t)) continue
    let list = byThread.get(t)
    if (!list) byThread.set(t, (list = []))
    list.push(e)
  }
  const self = new Map<string, number>()
  let tasks = 0
  let tasksCpu = 0
  const long: { wall: number; cpu: number }[] = []
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
    const stack: { end: number; name: string }[] = []
    for (const e of list) {
      while (stack.length > 0 && stack.at(-1)!.end <= e.ts) stack.pop()
      const parent = stack.at(-1)
      if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!)
      else {
        tasks += e.dur!
        tasksCpu += e.tdur ?? 0
        if (e.dur! > 50_000) long.push({ wall: e.dur!, cpu: e.tdur ?? 0 })
      }
      self.set(e.name, (self.get(e.name) ?? 0) + e.dur!)
      stack.push({ end: e.ts + e.dur!, name: e.name })
    }
  }
  const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18)
  long.sort((a, b) => b.wall - a.wall)
  return [
    `main thread: top-level events ${ms(tasks)} of wall time, ${ms(tasksCpu)} of CPU; self time (wall) by event:`,
    ...top.map(([name, us]) => `  ${ms(us).padStart(8)}  ${name}`),
    `long tasks (over 50 ms of wall time): ${long.length}; over 50 ms of CPU: ${long.filter((l) => l.cpu > 50_000).length}; the CPU of the longest is ${long.length ? ms(Math.max(...long.map((l) => l.cpu))) : '-'}`,
    ...long.slice(0, 10).map((l) => `  ${ms(l.wall).padStart(8)} wall, ${ms(l.cpu)} CPU`),
  ]
}
