// End to end: the detail panel's full inspect in headless Chromium against a
// real `dockpulse serve` and a real Docker engine, for a container made as a
// user would make it: `docker run --cpus 0.5 -m 256m -e SECRET=x
// --health-cmd …` on a network of its own.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  IMAGE,
  LABEL,
  connectionStatus,
  docker,
  dockpulseBinary,
  launchBrowser,
  newPage,
  removeBuiltBinary,
  removeLabelled,
  row,
  startEngine,
  startServe,
  stopEngine,
  until,
  type Engine,
  type Serve,
} from './harness'

const NETWORK = 'e2e-inspect-net'
// Long enough to be cut in the panel's header at 1280 px.
const NAME = 'e2e-inspect-a-container-with-a-very-long-name-as-compose-projects-make-them-1'

let engine: Engine
let serve: Serve
let browser: Browser
let page: Page
let id: string

beforeAll(async () => {
  engine = await startEngine()
  const bin = await dockpulseBinary()
  await removeLabelled(engine)
  await docker(engine, 'network', 'rm', NETWORK).catch(() => '')
  await docker(engine, 'network', 'create', NETWORK)
  serve = await startServe(bin, engine)
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.origin })
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
  id = await docker(
    engine,
    'run', '-d', '--label', LABEL, '--name', NAME,
    '--network', NETWORK, '--network-alias', 'web',
    '--cpus', '0.5', '-m', '256m', '-e', 'SECRET=x',
    '--health-cmd', 'echo probe-ok', '--health-interval', '1s',
    IMAGE, 'sleep', '100000',
  )
})

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (engine) {
    await removeLabelled(engine).catch((e) => console.error('cleanup:', e))
    await docker(engine, 'network', 'rm', NETWORK).catch((e) => console.error('cleanup:', e))
    await stopEngine(engine)
  }
  removeBuiltBinary()
})

const panel = () => page.getByRole('region', { name: `Details of ${NAME}` })
const config = () => panel().getByRole('region', { name: 'Configuration' })
/** The text of the definition after the term, in the configuration list. */
const termText = (term: string) => config().locator(`dt:text-is("${term}") + dd`).first().textContent({ timeout: 1000 })

describe('the detail panel’s inspect', () => {
  it('shows the limits, network and environment the container was made with, values hidden', async () => {
    await until('its row', () => row(page, id).count(), (n) => n === 1, 5000)
    await row(page, id).click()
    expect(await until('CPU limit', () => termText('CPU limit'), (t) => t === '0.5 CPU', 10_000)).toBe('0.5 CPU')
    expect(await termText('Memory limit')).toBe('256 MiB')
    expect(await termText('Processes')).toBe('no limit')

    const env = config().getByRole('region', { name: 'Environment' })
    const secret = env.locator('li', { hasText: 'SECRET' })
    expect(await secret.textContent()).toMatch(/^SECRET=•+show$/)
    await env.getByRole('button', { name: 'Show the value of SECRET' }).click()
    expect(await secret.textContent()).toBe('SECRET=xhide')
    await env.getByRole('button', { name: 'Hide the value of SECRET' }).click()
    expect(await secret.textContent()).toMatch(/^SECRET=•+show$/)

    const [ip, gateway, mac] = (
      await docker(engine, 'inspect', '-f', `{{with index .NetworkSettings.Networks "${NETWORK}"}}{{.IPAddress}}/{{.IPPrefixLen}} {{.Gateway}} {{.MacAddress}}{{end}}`, id)
    ).split(' ')
    const net = config().getByRole('region', { name: 'Networks' })
    expect(await net.textContent()).toContain(NETWORK)
    for (const v of [ip!, gateway!, mac!, 'web']) expect(await net.textContent()).toContain(v)
  })

  it('shows the health check and, as its results arrive, its last outputs', async () => {
    const health = config().getByRole('region', { name: 'Health check' })
    expect(await health.locator('dt:text-is("Command") + dd').textContent()).toBe('echo probe-ok')
    // The first result comes with the health_status event's upsert, which refreshes the inspect.
    const results = health.getByRole('list', { name: 'Latest health check results' })
    const text = await until('a health result', () => results.textContent({ timeout: 200 }).catch(() => ''), (t) => /passed.*probe-ok/.test(t ?? ''), 15_000)
    expect(text).toMatch(/passed.*probe-ok/)
    expect(await health.locator('dt:text-is("Status") + dd').textContent()).toMatch(/^healthy/)
  })

  it('shows the raw inspect JSON as text, environment values hidden until all are shown', async () => {
    await config().getByText('Raw inspect JSON').click()
    const raw = config().getByLabel("The engine's inspect answer")
    // The details element fills its text once opened: wait for it.
    const text = await until('the raw JSON shown', async () => (await raw.textContent()) ?? '', (t) => t.includes('"Id"'), 3000)
    expect(text).toContain(`"Id": "${id}"`)
    expect(text).toContain('"NanoCpus": 500000000')
    expect(text).toMatch(/"SECRET=•+"/)
    expect(text).not.toContain('SECRET=x')
    expect(await raw.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono/i)
    await config().getByRole('button', { name: 'Show values' }).click()
    await until('the values shown', async () => (await raw.textContent()) ?? '', (t) => t.includes('"SECRET=x"'), 3000)
    await config().getByRole('button', { name: 'Hide values' }).click()
  })

  it('copies the full ID and says so', async () => {
    await config().getByRole('button', { name: 'Copy ID' }).click()
    await until('copied', () => config().locator('.copy [role="status"]').textContent(), (t) => t === 'Copied', 3000)
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id)
  })

  it('cuts a long name in the header, beside the badge and with the close button on its line', async () => {
    const title = panel().getByRole('heading', { level: 2 })
    expect(await title.getAttribute('title')).toBe(NAME)
    expect(await title.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true)
    const t = (await title.boundingBox())!
    const badge = (await panel().locator('.detail-title .badge').first().boundingBox())!
    const close = (await panel().getByRole('button', { name: 'Close details' }).boundingBox())!
    expect(t.x + t.width).toBeLessThanOrEqual(badge.x)
    // One line: the close button's middle is within the title's height.
    expect(Math.abs(close.y + close.height / 2 - (t.y + t.height / 2))).toBeLessThan(t.height / 2 + 4)
  })

  it('takes screenshots of the panel, values hidden and shown', async () => {
    const dir = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')
    mkdirSync(dir, { recursive: true })
    await page.mouse.move(5, 5)
    await panel().screenshot({ path: join(dir, 'inspect-header.png') })
    // The configuration section, scrolled to its environment.
    await config().getByRole('region', { name: 'Environment' }).evaluate((el) => el.scrollIntoView({ block: 'center' }))
    await panel().screenshot({ path: join(dir, 'inspect-hidden.png') })
    await config().getByRole('button', { name: 'Show values' }).click()
    await panel().screenshot({ path: join(dir, 'inspect-shown.png') })
    await config().getByRole('button', { name: 'Hide values' }).click()
    await config().getByRole('region', { name: 'Health check' }).evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await panel().screenshot({ path: join(dir, 'inspect-health.png') })
    await page.setViewportSize({ width: 800, height: 600 })
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(dir, 'inspect-800.png') })
    await page.setViewportSize({ width: 1280, height: 800 })
    console.log(`e2e: screenshots in ${dir}`)
  })
})
