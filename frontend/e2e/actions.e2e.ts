// End to end: acting on containers in headless Chromium against a real
// `dockpulse serve` and a real Docker engine: a slow stop escalated with a
// kill, a stop that ends in SIGKILL kept out of Problems, a running container
// stopped and removed in one go, and a restart loop in one grouped toast.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ENGINE,
  connectionStatus,
  createContainer,
  dockpulseBinary,
  launchBrowser,
  newPage,
  removeLabelled,
  row,
  startEngine,
  startServe,
  tearDown,
  stateOf,
  until,
  type Engine,
  type Serve,
} from './harness'

let engine: Engine
let serve: Serve
let browser: Browser
let page: Page
const shots = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')

/** A container that ignores SIGTERM, so a stop waits out its whole grace period. */
const IGNORES_TERM = ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done']

beforeAll(async () => {
  engine = await startEngine()
  const bin = await dockpulseBinary()
  await removeLabelled(engine)
  serve = await startServe(bin, engine)
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
  mkdirSync(shots, { recursive: true })
})

afterAll(() => tearDown({ browser, serves: [serve], engine }))

const details = () => page.getByRole('region', { name: /^Details of / })

describe('actions, end to end', () => {
  it('escalates a slow stop with Kill while it counts down, and a stop asked for is no problem', async () => {
    const id = await createContainer(engine, 'e2e-slow-stop', { cmd: IGNORES_TERM, args: ['--stop-timeout', '60'] })
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 5000 })
    await row(page, id).click()
    await details().getByRole('button', { name: 'Stop e2e-slow-stop' }).click()
    await expect.poll(() => row(page, id).textContent(), { timeout: 5000 }).toMatch(/Stopping…SIGKILL in (60|59|58) s/)
    await page.screenshot({ path: join(shots, 'slow-stop-countdown.png') })
    const kill = details().getByRole('button', { name: 'Kill e2e-slow-stop' })
    expect(await kill.isEnabled()).toBe(true)
    const killedAt = Date.now()
    await kill.click()
    await until('exited', () => stateOf(engine, id), (s) => s === 'exited', 10_000)
    console.log(`e2e: kill during a 60 s stop: exited ${Date.now() - killedAt} ms after the click`)
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="exited"]`).waitFor({ timeout: 5000 })
    await expect.poll(() => row(page, id).textContent(), { timeout: 5000 }).toContain('Exited (137, stopped)')
    await page.getByRole('radio', { name: /Problems/ }).click()
    expect(await page.locator(`[data-key="${ENGINE}/${id}"]`).count()).toBe(0)
    await page.getByRole('radio', { name: /All/ }).click()
  })

  it('offers Stop and remove for a running container, and removes it', async () => {
    const id = await createContainer(engine, 'e2e-force-remove')
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 5000 })
    await row(page, id).getByRole('button', { name: 'Remove e2e-force-remove' }).click()
    const dialog = page.getByRole('dialog', { name: 'Stop and remove e2e-force-remove?' })
    await dialog.waitFor({ timeout: 5000 })
    await page.screenshot({ path: join(shots, 'stop-and-remove.png') })
    await dialog.getByRole('button', { name: 'Stop and remove' }).click()
    await until('removed', () => stateOf(engine, id), (s) => s === null, 10_000)
    // Nothing holds the order once the action is done: the row goes.
    await page.locator(`[data-key="${ENGINE}/${id}"]`).waitFor({ state: 'detached', timeout: 10_000 })
  })

  it('groups a restart loop into one toast and lists it in the history', async () => {
    await createContainer(engine, 'e2e-loop', { cmd: ['sh', '-c', 'sleep 0.3; exit 3'], args: ['--restart', 'always'] })
    const toast = page.getByRole('region', { name: 'Notifications' }).getByText(/e2e-loop died unexpectedly \d+ times in/)
    await toast.waitFor({ timeout: 20_000 })
    await page.screenshot({ path: join(shots, 'grouped-toast.png') })
    await page.getByRole('button', { name: /^Notifications \d+$/ }).click()
    const history = page.getByRole('dialog', { name: 'Notifications' })
    await history.getByRole('list', { name: /Past notifications/ }).getByText(/e2e-loop died unexpectedly/).waitFor({ timeout: 2000 })
    await page.screenshot({ path: join(shots, 'notification-history.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(shots, 'notification-history-dark.png') })
    await page.emulateMedia({ colorScheme: 'light' })
    await history.getByRole('button', { name: 'Close' }).click()
    console.log(`e2e: screenshots in ${shots}`)
  })
})
