// End to end: the OS notifications of serve mode (the browser's
// Notification API) and the version in the help dialog, in headless Chromium
// against a real `dockpulse serve` and a real engine. The desktop app's own
// path (the bound Notify to the session bus, with the window really
// minimised) is tested by desktop_test.go.

import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionStatus,
  createContainer,
  dockpulseBinary,
  launchBrowser,
  removeBuiltBinary,
  removeLabelled,
  sleep,
  startEngine,
  startServe,
  stopEngine,
  until,
  type Engine,
  type Serve,
} from './harness'

let engine: Engine
let bin: string
let serve: Serve
let browser: Browser
let context: BrowserContext
let page: Page

// The page sees itself hidden while window.__hidden is true (headless
// Chromium keeps every page visible), and every notification it shows
// through the real Notification API is recorded in window.__shown.
const INIT = () => {
  const w = window as unknown as { __hidden: boolean; __shown: string[]; Notification: typeof Notification }
  w.__hidden = false
  w.__shown = []
  Object.defineProperty(document, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') })
  const Real = w.Notification
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options)
      w.__shown.push(title)
    }
  }
  w.Notification = Recorded
}

const setHidden = (hidden: boolean) =>
  page.evaluate((h) => {
    ;(window as unknown as { __hidden: boolean }).__hidden = h
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
const shown = () => page.evaluate(() => (window as unknown as { __shown: string[] }).__shown)
const checkbox = () => page.getByRole('checkbox', { name: 'System notifications while the window is hidden' })

beforeAll(async () => {
  engine = await startEngine()
  bin = await dockpulseBinary()
  await removeLabelled(engine)
  serve = await startServe(bin, engine)
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.grantPermissions(['notifications'], { origin: serve.origin })
  await context.addInitScript(INIT)
  page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
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

describe('notifications in a browser', () => {
  it('the help dialog shows the version the binary reports, and notifications off until turned on', async () => {
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().replace(/^[\w-]+ /, '')
    await page.keyboard.press('?')
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await dialog.waitFor()
    expect(await dialog.locator('.app-version').textContent()).toBe(version)
    expect(await checkbox().isChecked()).toBe(false)
    await checkbox().check()
    await until('the setting on', () => checkbox().isChecked(), (on) => on, 5000)
    const dir = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: join(dir, 'help-settings.png') })
    await page.keyboard.press('Escape')
  })

  it('a container that dies while the page is hidden shows a notification; while visible, only the toast', async () => {
    await createContainer(engine, 'e2e-dies-seen', { cmd: ['sh', '-c', 'sleep 1; exit 4'] })
    await page.getByRole('region', { name: 'Notifications' }).getByText('e2e-dies-seen died unexpectedly (exit 4)').waitFor({ timeout: 15_000 })
    await setHidden(true)
    await createContainer(engine, 'e2e-dies-hidden', { cmd: ['sh', '-c', 'sleep 1; exit 5'] })
    const got = await until('a notification', shown, (s) => s.length > 0, 15_000)
    expect(got).toEqual(['e2e-dies-hidden died unexpectedly (exit 5)'])
    await setHidden(false)
  })

  it('remembers notifications turned off across a reload', async () => {
    await page.keyboard.press('?')
    await checkbox().uncheck()
    await until('the setting off', () => checkbox().isChecked(), (on) => !on, 5000)
    await page.reload()
    await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
    await page.keyboard.press('?')
    await until('the setting read', () => checkbox().isEnabled(), (ok) => ok, 5000)
    expect(await checkbox().isChecked()).toBe(false)
    await page.keyboard.press('Escape')
    await setHidden(true)
    await createContainer(engine, 'e2e-dies-off', { cmd: ['sh', '-c', 'sleep 1; exit 6'] })
    await page.getByRole('region', { name: 'Notifications' }).getByText('e2e-dies-off died unexpectedly (exit 6)').waitFor({ timeout: 15_000 })
    await sleep(500)
    expect(await shown()).toEqual([])
    await setHidden(false)
  })
})
