// End to end: a logs view follows nothing while its window is hidden, in
// headless Chromium against a real `dockpulse serve` (at log level debug, to
// read what the server saw) and a real engine. Hidden, the page closes its
// /ws/logs socket and the server sees it go; the container writes on; shown
// again, the page resumes from the newest line it holds, and every line the
// container wrote is there exactly once.
//
// Headless Chromium keeps a page visible whatever is done to its window
// (CDP's Browser.setWindowBounds "minimized" and a tab in front leave
// visibilityState "visible"), so the page's visibilityState is what the test
// sets (window.__hidden), with the visibilitychange event visibility.ts
// listens to.

import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionStatus,
  createContainer,
  docker,
  dockpulseBinary,
  launchBrowser,
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

let engine: Engine
let serve: Serve
let browser: Browser
let context: BrowserContext
let page: Page
let ticker: string
/** The page's /ws/logs sockets, in the order it opened them. */
const sockets: WebSocket[] = []

const INIT = () => {
  const w = window as unknown as { __hidden: boolean }
  w.__hidden = false
  Object.defineProperty(document, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') })
  Object.defineProperty(document, 'hidden', { get: () => w.__hidden })
}

const setHidden = (hidden: boolean) =>
  page.evaluate((h) => {
    ;(window as unknown as { __hidden: boolean }).__hidden = h
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)

// Says "ready", waits for /tmp/go, then writes "tick 1", "tick 2", … twenty a
// second until /tmp/stop, then "stopped" (a last line that stays in view: a
// tick is in a small panel's view for a quarter of a second, less than a
// busy machine's locator poll).
const TICK =
  'echo ready; while [ ! -f /tmp/go ]; do sleep 0.05; done; i=0; while [ ! -f /tmp/stop ]; do i=$((i+1)); echo "tick $i"; sleep 0.05; done; echo stopped; sleep 3600'

/** The server's debug lines about logs sockets: how many opened, how many ended. */
function serverSaw(): { opened: number; left: number } {
  const lines = serve.log().split('\n')
  const logs = lines.filter((l) => l.includes('"socket": "logs"'))
  return { opened: logs.filter((l) => l.includes('logs socket open')).length, left: logs.filter((l) => l.includes('client left')).length }
}

beforeAll(async () => {
  engine = await startEngine()
  const bin = await dockpulseBinary()
  await removeLabelled(engine)
  ticker = await createContainer(engine, 'e2e-logs-ticker', { cmd: ['sh', '-c', TICK] })
  serve = await startServe(bin, engine, '127.0.0.1:0', undefined, ['--log-level', 'debug'])
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript(INIT)
  page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname === '/ws/logs') sockets.push(ws)
  })
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await serve?.stop()
  if (engine) await removeLabelled(engine)
  if (engine) await stopEngine(engine)
  removeBuiltBinary()
})

const details = () => page.getByRole('region', { name: 'Details of e2e-logs-ticker' })
const tabPanel = () => details().getByRole('tabpanel', { name: 'Logs of e2e-logs-ticker' })
const logStatus = () => tabPanel().getByRole('status', { name: 'Log stream' }).textContent()
/** The newest tick in the view's rows (0 if none): read each poll, as a tick is in view only briefly. */
const newestTick = () =>
  tabPanel()
    .getByRole('listitem')
    .allTextContents()
    .then((rows) => Math.max(0, ...rows.map((r) => Number(/tick (\d+)$/.exec(r)?.[1] ?? 0))))
/** How many lines the container has written (the engine's own count). */
const written = async () => (await docker(engine, 'logs', ticker)).split('\n').filter((l) => l.startsWith('tick ')).length

describe('logs while the window is hidden', () => {
  it('closes the logs socket while hidden, and shows every line written meanwhile exactly once when shown', async () => {
    await row(page, ticker).click()
    await details().getByRole('tab', { name: 'Logs' }).click()
    await tabPanel().getByText('ready', { exact: true }).waitFor({ timeout: 15_000 })
    await until('live', logStatus, (t) => t === 'Live', 10_000)
    await docker(engine, 'exec', ticker, 'sh', '-c', ': > /tmp/go')
    await until('tick 10 shown', newestTick, (n) => n >= 10, 10_000)
    expect(sockets).toHaveLength(1)
    await until('the server saw the socket open', () => Promise.resolve(serverSaw()), (s) => s.opened === 1, 5000)

    await setHidden(true)
    // The page closed its socket, and the server saw it end.
    await until('the page closed its logs socket', () => Promise.resolve(sockets[0]!.isClosed()), (closed) => closed, 5000)
    await until('the server saw the logs socket end', () => Promise.resolve(serverSaw()), (s) => s.left === 1, 5000)
    await until('the status says why', logStatus, (t) => t === 'Paused while the window is hidden', 5000)
    // The container writes on while the page is hidden; nothing reopens.
    const before = await written()
    await until('lines written while hidden', written, (n) => n >= before + 40, 30_000, 200)
    expect(sockets).toHaveLength(1)
    expect(serverSaw().opened).toBe(1)

    await setHidden(false)
    await until('a new logs socket', () => Promise.resolve(sockets.length), (n) => n === 2, 10_000)
    await until('the server saw it open', () => Promise.resolve(serverSaw()), (s) => s.opened === 2, 5000)
    await until('live again', logStatus, (t) => t === 'Live', 10_000)
    // Every line the engine has, up to the last, written after the page was shown.
    const shown = await written()
    await until('lines written since shown', written, (n) => n >= shown + 5, 10_000, 100)
    await docker(engine, 'exec', ticker, 'sh', '-c', ': > /tmp/stop')
    await tabPanel().getByText('stopped', { exact: true }).waitFor({ timeout: 15_000 })
    const target = await written()
    await sleep(300) // the view shows what it holds at most every 100 ms
    const [download] = await Promise.all([page.waitForEvent('download'), tabPanel().getByRole('button', { name: 'Download' }).click()])
    const rows = readFileSync(await download.path(), 'utf8').trimEnd().split('\n')
    const ticks = rows.map((r) => /^\S+ stdout tick (\d+)$/.exec(r)?.[1]).filter((n) => n !== undefined).map(Number)
    expect(ticks).toEqual(Array.from({ length: target }, (_, i) => i + 1))
    expect(rows[0]).toMatch(/ stdout ready$/)
    expect(rows.at(-1)).toMatch(/ stdout stopped$/)
    expect(await tabPanel().getByText(/lines were skipped/).count()).toBe(0)
  })
})
