// End to end: a regular expression's search runs in a worker, in headless
// Chromium against a real `dockpulse serve` (its Content-Security-Policy
// included) and a real engine. Over 100,000 lines, an expression with
// exponential backtracking ((a+)+$ on "aaa…a!") leaves the page responsive,
// and after the time limit the search box says the expression is too slow;
// an ordinary expression and plain text still find what they should.

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionStatus,
  createContainer,
  docker,
  dockpulseBinary,
  launchBrowser,
  newPage,
  removeLabelled,
  row,
  startEngine,
  startServe,
  tearDown,
  until,
  type Engine,
  type Serve,
} from './harness'

let engine: Engine
let serve: Serve
let browser: Browser
let page: Page
let flood: string

const LINES = 100_000
/** Thirty a's and a "!": (a+)+$ tries every way to split the a's at each start. */
const TAIL = 'a'.repeat(30) + '!'
// Says "ready", waits for /tmp/go, then writes LINES lines "row N aaa…a!".
const FLOOD = `echo ready; while [ ! -f /tmp/go ]; do sleep 0.05; done; i=0; while [ $i -lt ${LINES} ]; do i=$((i+1)); echo "row $i ${TAIL}"; done; sleep 100000`

beforeAll(async () => {
  engine = await startEngine()
  const bin = await dockpulseBinary()
  await removeLabelled(engine)
  flood = await createContainer(engine, 'e2e-logs-regex', { cmd: ['sh', '-c', FLOOD] })
  serve = await startServe(bin, engine)
  browser = await launchBrowser()
  page = await newPage(browser)
  const refused: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) refused.push(m.text())
  })
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
  expect(refused).toEqual([])
})

afterAll(() => tearDown({ browser, serves: [serve], engine }))

const details = () => page.getByRole('region', { name: 'Details of e2e-logs-regex' })
const tabPanel = () => details().getByRole('tabpanel', { name: 'Logs of e2e-logs-regex' })
const box = () => tabPanel().getByRole('searchbox', { name: 'Search the logs' })
const count = () => tabPanel().getByRole('status', { name: 'Search matches' }).textContent()

/** One round trip to the page and a frame of it, in ms: what a click waits before anything can show. */
async function roundTrip(): Promise<number> {
  const t0 = performance.now()
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => done())))
  return performance.now() - t0
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

describe('regular expression search', () => {
  it('holds the 100,000 lines the container writes', async () => {
    await row(page, flood).click()
    await details().getByRole('tab', { name: 'Logs' }).click()
    await tabPanel().getByText('ready', { exact: true }).waitFor({ timeout: 15_000 })
    await docker(engine, 'exec', flood, 'sh', '-c', ': > /tmp/go')
    // A view that fell behind the stream fetches what it skipped. It keeps the newest 100,000: "ready" goes.
    await until(
      'every line held',
      async () => {
        const fetch = tabPanel().getByRole('button', { name: /^Fetch [\d,]+ skipped lines$/ })
        if ((await fetch.count()) > 0) await fetch.first().click()
        return tabPanel().locator('.log-lines-count').textContent()
      },
      (t) => t === '100,000 lines',
      120_000,
      500,
    )
  })

  it('an ordinary expression and plain text find their lines, in the worker and on the page', async () => {
    await tabPanel().getByRole('button', { name: 'Regular expression' }).click()
    await box().fill('^row 9999\\d a')
    await until('the count of an expression', count, (t) => t === '10 matches', 30_000, 100)
    expect(await tabPanel().getByRole('alert').count()).toBe(0)
    await tabPanel().getByRole('button', { name: 'Regular expression' }).click()
    await box().fill('row 100000 ')
    await until('the count of plain text', count, (t) => t === '1 match', 30_000, 100)
    await box().fill('')
  })

  it('an expression that backtracks forever leaves the page responsive and is stopped as too slow', async () => {
    const idle: number[] = []
    for (let i = 0; i < 10; i++) idle.push(await roundTrip())
    await tabPanel().getByRole('button', { name: 'Regular expression' }).click()
    await box().fill('(a+)+$')
    const busy: number[] = []
    const alert = tabPanel().getByRole('alert')
    while ((await alert.count()) === 0) {
      busy.push(await roundTrip())
      if (busy.length > 2000) throw new Error('no message after 2,000 round trips')
    }
    expect(await alert.textContent()).toMatch(/^Expression too slow: it ran over 2 s on [\d,]+ lines and was stopped\./)
    expect(await box().getAttribute('aria-invalid')).toBe('true')
    expect(await box().inputValue()).toBe('(a+)+$')
    const load = (await import('node:os')).loadavg()[0]!.toFixed(2)
    console.log(
      `e2e: round trips while (a+)+$ searched: ${busy.length}, median ${median(busy).toFixed(1)} ms, max ${Math.max(...busy).toFixed(1)} ms; ` +
        `idle before: median ${median(idle).toFixed(1)} ms (ratio ${(median(busy) / median(idle)).toFixed(2)}); load ${load}`,
    )
    // On the page's own thread the expression would take hours: no frame at all until then.
    expect(busy.length).toBeGreaterThan(5)
    expect(Math.max(...busy)).toBeLessThan(1000)
    // The page still does what it is asked.
    await box().fill('')
    // The message goes with the next render, not within fill's own round trip.
    await expect.poll(() => alert.count(), { timeout: 5000 }).toBe(0)
    await tabPanel().getByRole('button', { name: 'Regular expression' }).click()
  })
})
