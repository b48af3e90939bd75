// End to end: the header and toolbar with three engines, one of them down,
// at 1280×800 and 800×600, light and dark. The harness's engine and a second
// private one are up (contexts `laptop` and `build`); the context `nas`
// points at a socket that is not there. Each engine's facts show in the
// header only where they fit, the full facts are one click away, nothing
// overflows the window, and the table keeps room for its rows. The
// screenshots go to $DOCKPULSE_E2E_SHOTS (scripts/engine-screenshots.sh
// refreshes docs/screenshots/engines-*.png with them).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionStatus,
  createContainer,
  dockpulseBinary,
  launchBrowser,
  newPage,
  startServe,
  startTwoEngines,
  tearDownTwoEngines,
  until,
  type Engine,
  type Serve,
  type TwoEngines,
} from './harness'

let engines: TwoEngines | undefined
let laptop: Engine
let build: Engine
let serve: Serve
let browser: Browser
let page: Page
let gone: string | undefined

const shots = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')
const compose = (project: string, service: string) => ['--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=${service}`]
/** CPU use that goes up and down. */
const BUSY = ['sh', '-c', 'while true; do yes > /dev/null & sleep 2; kill $!; sleep 1; done']

beforeAll(async () => {
  gone = mkdtempSync(join(tmpdir(), 'dp-e2e-gone-'))
  engines = await startTwoEngines(['laptop', 'build'], [['nas', `unix://${join(gone, 'docker.sock')}`]]) // no engine at nas: down
  ;({ first: laptop, second: build } = engines)
  const bin = await dockpulseBinary()
  mkdirSync(shots, { recursive: true })
  await createContainer(laptop, 'shop-web-1', { args: compose('shop', 'web') })
  await createContainer(laptop, 'shop-worker-1', { args: compose('shop', 'worker'), cmd: BUSY })
  await createContainer(laptop, 'shop-db-1', { args: compose('shop', 'db') })
  await createContainer(build, 'ci-runner', { cmd: BUSY })
  await createContainer(build, 'registry-cache')
  await createContainer(build, 'nightly-backup', { cmd: ['sh', '-c', 'exit 3'] })
  serve = await startServe(bin, laptop, '127.0.0.1:0', undefined, ['--context', 'laptop', '--context', 'build', '--context', 'nas'])
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
  const chip = (name: string) => page.locator('.engine-chip', { has: page.getByRole('status', { name: `Engine ${name}` }) })
  await until('laptop and build up, nas down', async () => [await chip('laptop').getAttribute('data-status'), await chip('build').getAttribute('data-status'), await chip('nas').getAttribute('data-status')], (s) => s.join() === 'up,up,down', 30_000)
  await until('six rows', () => page.locator('.grid-canvas [role="row"][data-key]').count(), (n) => n === 6, 15_000)
})

afterAll(async () => {
  await tearDownTwoEngines(engines, { browser, serves: [serve] })
  if (gone) rmSync(gone, { recursive: true, force: true })
})

/** Nothing wider than the window: no sideways scrolling, no element past the right edge. */
async function overflow(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = []
    const width = document.documentElement.clientWidth
    if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth} > ${width}`)
    document.querySelectorAll<HTMLElement>('.app-header *, .toolbar *').forEach((el) => {
      if (el.parentElement?.closest('.engine-details')) return // the popover scrolls its own content
      const r = el.getBoundingClientRect()
      if (r.width > 0 && r.right > width + 0.5) out.push(`${el.tagName.toLowerCase()}.${el.className} right ${Math.round(r.right)} > ${width}`)
    })
    return out
  })
}

const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!

async function shoot(name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.waitForTimeout(400)
    await page.screenshot({ path: join(shots, `engines-${name}-${scheme}.png`) })
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

describe('three engines, one down, in the header', () => {
  it('fits at 1280×800: one header row, facts where they fit, every fact on demand', async () => {
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.mouse.move(5, 5)
    await page.waitForTimeout(5000) // figures for every running container
    await shoot('1280x800')
    expect(await overflow(page)).toEqual([])
    const header = await box('.app-header')
    expect(header.height, 'header height at 1280 px').toBeLessThan(60)
    const toolbar = await box('.toolbar')
    expect(toolbar.height, 'toolbar height at 1280 px (one row)').toBeLessThan(48)
    // The down engine says so in its own entry.
    expect(await page.getByRole('status', { name: 'Engine nas' }).innerText()).toMatch(/never reached|down/)

    await page.getByRole('button', { name: /Engine details/ }).click()
    const details = page.getByRole('region', { name: 'Engine details' })
    await details.waitFor()
    await shoot('1280x800-details')
    for (const name of ['laptop', 'build', 'nas']) expect(await details.getByRole('rowheader', { name }).count()).toBe(1)
    const text = await details.innerText()
    expect(text).toMatch(/\d+ CPUs?|\b\d+\b/)
    expect(text).toContain(laptop.dockerHost)
    expect(text).toContain(build.dockerHost)
    expect(text).toMatch(/no such file|connect/i) // why nas is down
    expect(await overflow(page)).toEqual([])
    // It closes on Escape, and on a press outside it.
    await page.keyboard.press('Escape')
    await details.waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Engine details' }).click()
    await details.waitFor()
    await page.locator('.app-title').click()
    await details.waitFor({ state: 'detached' })
  })

  it('stays usable at 800×600: no overflow, a search to type in, room for the rows', async () => {
    await page.setViewportSize({ width: 800, height: 600 })
    await page.waitForTimeout(600)
    await shoot('800x600')
    expect(await overflow(page)).toEqual([])
    const search = await box('.search input')
    expect(search.width, 'search width at 800 px').toBeGreaterThan(120)
    // The down engine's notice takes one line beside the engines that are up, its whole text in its title.
    const notice = page.getByRole('alert').locator('p')
    expect((await notice.boundingBox())!.height, 'the down engine’s notice at 800×600').toBeLessThan(30)
    expect(await notice.getAttribute('title')).toMatch(/^Dockpulse has not reached engine nas yet: .*docker\.sock/)
    // Four rows and more, under the header, the notice and the toolbar.
    const body = await box('.grid')
    expect(body.height, 'table height at 800×600').toBeGreaterThan(4 * 44 + 32)
    expect(await box('.toolbar').then((b) => b.height), 'toolbar height at 800 px (two rows at most)').toBeLessThan(90)
    for (const name of ['laptop', 'build', 'nas']) expect(await page.getByRole('status', { name: `Engine ${name}` }).isVisible()).toBe(true)
    await page.setViewportSize({ width: 1280, height: 800 })
  })
})
