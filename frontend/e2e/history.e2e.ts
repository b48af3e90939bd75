// End to end: what the page shows of the time before it was opened. A
// container that died before the backend started is in the events feed, read
// back from the engine's history; the detail panel's charts after a reload
// hold the minutes the backend sampled, not only the samples since the load.

import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  sleep,
  startEngine,
  startServe,
  tearDown,
  until,
  type Engine,
  type Serve,
} from './harness'

let engine: Engine
let bin: string
let serve: Serve
let browser: Browser
let page: Page
let died: string
let running: string

beforeAll(async () => {
  engine = await startEngine()
  bin = await dockpulseBinary()
  await removeLabelled(engine)
  // Before the backend starts: one container dies, one runs.
  died = await createContainer(engine, 'e2e-died-before', { cmd: ['sh', '-c', 'exit 3'] })
  await docker(engine, 'wait', died)
  running = await createContainer(engine, 'e2e-history')
  serve = await startServe(bin, engine)
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
})

afterAll(() => tearDown({ browser, serves: [serve], engine }))

const pointsOf = (p: Page) =>
  p
    .locator('.charts')
    .getAttribute('data-points', { timeout: 200 })
    .then(Number)
    .catch(() => 0)

describe('history before the page', () => {
  it("shows an event from before the backend started, from the engine's history", async () => {
    // The engine's history may hold an earlier run's container of that name too: pick this one by its ID.
    const line = page.locator(`[role="listitem"][title*="${died.slice(0, 12)}"]`).filter({ hasText: 'e2e-died-before died (exit 3' })
    await line.waitFor({ timeout: 5000 })
    expect(await line.getAttribute('title')).toContain("From the engine's history")
    // It is the past: no notification about it.
    expect(await page.getByText('e2e-died-before died unexpectedly').count()).toBe(0)
  })

  it('fills the detail charts after a reload with what the backend sampled', async () => {
    // Let the backend sample the running container for a while.
    await sleep(8000)
    await page.reload()
    await until('connected again', () => connectionStatus(page), (s) => s === 'connected', 15_000)
    const opened = Date.now()
    await row(page, running).click()
    // The stream alone would bring one sample a second from now on.
    const points = await until('charts with the minutes before the reload', () => pointsOf(page), (n) => n >= 6, 3000)
    console.log(`e2e: ${points} points in the charts ${Date.now() - opened} ms after opening the panel`)
    const shot = join(tmpdir(), 'dockpulse-history-detail.png')
    await page.screenshot({ path: shot })
    console.log(`e2e: the detail panel after a reload: ${shot}`)
  })
})
