// End to end: logs in headless Chromium against a real `dockpulse serve` and
// a real engine. A line a container writes shows in the detail panel's Logs
// tab while it is open; the viewer's search, follow and pause, and download
// work on real lines; a compose project's logs open from its group header;
// and a --rm container that crashes leaves its last words, one click from
// its notification, after the engine has removed it.

import { mkdirSync, readFileSync } from 'node:fs'
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
  startEngine,
  startServe,
  stateOf,
  tearDown,
  until,
  type Engine,
  type Serve,
} from './harness'

let engine: Engine
let serve: Serve
let browser: Browser
let page: Page
/** Writes "said <word>" each time /tmp/say holds a word (docker exec puts it there). */
let talker: string

const SAY = 'while true; do if [ -f /tmp/say ]; then echo "said $(cat /tmp/say)"; rm /tmp/say; fi; sleep 0.05; done'

const shots = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')

/** Screenshots of the page as it is, light and dark: logs-NAME-light.png, logs-NAME-dark.png. */
async function shoot(name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(shots, `logs-${name}-${scheme}.png`) })
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

beforeAll(async () => {
  engine = await startEngine()
  const bin = await dockpulseBinary()
  await removeLabelled(engine)
  talker = await createContainer(engine, 'e2e-logs-talker', {
    cmd: ['sh', '-c', `for i in $(seq 1 300); do echo "early line $i"; done; echo "to stderr" >&2; ${SAY}`],
  })
  serve = await startServe(bin, engine)
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
  mkdirSync(shots, { recursive: true })
})

afterAll(() => tearDown({ browser, serves: [serve], engine }))

const say = (word: string) => docker(engine, 'exec', talker, 'sh', '-c', `echo ${word} > /tmp/say`)
const details = () => page.getByRole('region', { name: 'Details of e2e-logs-talker' })
const tabPanel = () => details().getByRole('tabpanel', { name: 'Logs of e2e-logs-talker' })

describe('logs', () => {
  it('shows a line the moment the container writes it, in the Logs tab while it is open', async () => {
    await row(page, talker).click()
    await details().getByRole('tab', { name: 'Logs' }).click()
    await tabPanel().getByText('early line 300', { exact: true }).waitFor({ timeout: 10_000 })
    await tabPanel().getByRole('status', { name: 'Log stream' }).filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 })
    const written = Date.now()
    await say('hello-live')
    await tabPanel()
      .getByText('said hello-live', { exact: true })
      .waitFor({ timeout: 5000 })
      .catch(async (e: unknown) => {
        const listed = await tabPanel().getByRole('listitem').allTextContents()
        console.log('DEBUG', await tabPanel().locator('.log-statusline').textContent(), listed.slice(-3), await docker(engine, 'logs', '--tail', '2', talker))
        throw e
      })
    console.log(`e2e: a line shown ${Date.now() - written} ms after docker exec started writing it`)
    // Text is text: the container's "<b>" is not markup.
    await say("'<b>bold?</b>'")
    await tabPanel().getByText('said <b>bold?</b>', { exact: true }).waitFor({ timeout: 5000 })
    expect(await tabPanel().locator('b').count()).toBe(0)
  })

  it('searches the lines and highlights what matches', async () => {
    const search = tabPanel().getByRole('searchbox', { name: 'Search the logs' })
    const count = tabPanel().getByRole('status', { name: 'Search matches' })
    await search.fill('early line 29')
    // "early line 29" and "early line 290" … "early line 299".
    await until('the count', () => count.textContent(), (t) => t === '11 matches', 5000)
    expect(await tabPanel().locator('mark').count()).toBeGreaterThan(0)
    await tabPanel().getByRole('button', { name: 'Regular expression' }).click()
    await search.fill('^early line 1\\d$')
    await until('the count of a regular expression', () => count.textContent(), (t) => t === '10 matches', 5000)
    await tabPanel().getByRole('button', { name: 'Regular expression' }).click()
    await search.fill('')
    // Searching stepped nowhere: still following.
    await tabPanel().getByRole('status', { name: 'Follow' }).filter({ hasText: 'Following the newest line' }).waitFor({ timeout: 3000 })
  })

  it('pauses when scrolled up, says so, and follows again', async () => {
    const list = tabPanel().getByRole('log')
    await list.hover()
    await page.mouse.wheel(0, -3000)
    await tabPanel().getByRole('button', { name: 'Follow', exact: true }).waitFor({ timeout: 5000 })
    await say('while-paused')
    const paused = tabPanel().getByRole('status', { name: 'Follow' })
    await until('said while paused', () => paused.textContent(), (t) => /Paused: [1-9]\d* new line/.test(t ?? ''), 5000)
    await tabPanel().getByRole('button', { name: 'Follow', exact: true }).click()
    await tabPanel().getByText('said while-paused', { exact: true }).waitFor({ timeout: 5000 })
    await say('after-follow')
    await tabPanel().getByText('said after-follow', { exact: true }).waitFor({ timeout: 5000 })
  })

  it('downloads the lines as a file named after the container', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), tabPanel().getByRole('button', { name: 'Download' }).click()])
    expect(download.suggestedFilename()).toBe('e2e-logs-talker.log')
    const text = readFileSync(await download.path(), 'utf8')
    // Every line with its time and stream, in time order. (The engine stamps
    // each stream as it reads it: the stderr line written after 300 stdout
    // lines may carry an earlier time than the first of them.)
    const rows = text.trimEnd().split('\n')
    for (const r of rows) expect(r).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) /)
    const times = rows.map((r) => r.slice(0, 30))
    expect(times).toEqual([...times].sort())
    expect(rows.filter((r) => r.includes(' stdout early line '))[0]).toMatch(/Z stdout early line 1$/)
    expect(rows).toContainEqual(expect.stringMatching(/Z stderr to stderr$/))
    expect(rows.at(-1)).toMatch(/Z stdout said after-follow$/)
  })

  it('takes screenshots of the tab and the full view, light and dark, at 1280×800 and 800×600', async () => {
    for (const size of [{ width: 1280, height: 800 }, { width: 800, height: 600 }]) {
      await page.setViewportSize(size)
      // A small window leaves the panels little height: the table makes way, as a user would have it.
      const small = size.height < 800
      if (small) await page.getByRole('button', { name: 'Hide the table' }).click()
      await shoot(`tab-${size.width}x${size.height}`)
      if (small) await page.getByRole('button', { name: 'Show the table' }).click()
      await tabPanel().getByRole('button', { name: 'Full view' }).click()
      const full = page.getByRole('dialog', { name: 'Logs of e2e-logs-talker' })
      await full.getByText('said after-follow', { exact: true }).waitFor({ timeout: 5000 })
      await shoot(`full-${size.width}x${size.height}`)
      await page.keyboard.press('Escape')
      await full.waitFor({ state: 'detached', timeout: 3000 })
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    console.log(`e2e: screenshots in ${shots}`)
  })

  it('leaves the page under the full view undrawn, and as it was when the view closes', async () => {
    const list = tabPanel().getByRole('log')
    await list.hover()
    await page.mouse.wheel(0, -600)
    await tabPanel().getByRole('button', { name: 'Follow', exact: true }).waitFor({ timeout: 5000 })
    const scrolled = await list.evaluate((el) => el.scrollTop)
    // Held as elements: covered, they leave the accessibility tree, where roles are looked up.
    const [lines, tableRow] = [await list.elementHandle(), await row(page, talker).elementHandle()]
    const opener = tabPanel().getByRole('button', { name: 'Full view' })
    await opener.click()
    const full = page.getByRole('dialog', { name: 'Logs of e2e-logs-talker' })
    await say('under-full')
    await full.getByText('said under-full', { exact: true }).waitFor({ timeout: 5000 })
    // Covered, the table and the panel are not rendered (checkVisibility is false inside content-visibility: hidden).
    expect(await tableRow.evaluate((el) => el.checkVisibility())).toBe(false)
    expect(await lines.evaluate((el) => el.checkVisibility())).toBe(false)
    await page.keyboard.press('Escape')
    await full.waitFor({ state: 'detached', timeout: 3000 })
    expect(await tableRow.evaluate((el) => el.checkVisibility())).toBe(true)
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true)
    // The tab kept its place and its pause, and took the line written meanwhile.
    expect(await lines.evaluate((el) => el.scrollTop)).toBe(scrolled)
    const paused = tabPanel().getByRole('status', { name: 'Follow' })
    await until('the line written under the full view counted', () => paused.textContent(), (t) => /Paused: [1-9]\d* new line/.test(t ?? ''), 5000)
    await tabPanel().getByRole('button', { name: 'Follow', exact: true }).click()
    await tabPanel().getByText('said under-full', { exact: true }).waitFor({ timeout: 5000 })
  })

  it('closes the stream when the tab is left, and the table is where it was after the full view', async () => {
    await details().getByRole('tab', { name: 'Overview' }).click()
    expect(await tabPanel().count()).toBe(0)
    await say('unseen')
    await details().getByRole('tab', { name: 'Logs' }).click()
    // Reopened: the last lines again, the one written while closed among them.
    await tabPanel().getByText('said unseen', { exact: true }).waitFor({ timeout: 10_000 })
    expect(await row(page, talker).getAttribute('aria-selected')).toBe('true')
  })

  it('shows the last words of a --rm container that crashed, from its notification', async () => {
    const crasher = await createContainer(engine, 'e2e-logs-crasher', {
      args: ['--rm'],
      cmd: ['sh', '-c', 'echo "starting up"; sleep 1; echo "fatal: cannot go on" >&2; exit 3'],
    })
    const toast = page.getByRole('region', { name: 'Notifications' }).getByRole('alert').filter({ hasText: 'e2e-logs-crasher died unexpectedly (exit 3)' })
    await toast.waitFor({ timeout: 15_000 })
    await until('removed by the engine', () => stateOf(engine, crasher), (s) => s === null, 10_000)
    await until('gone from the table', () => row(page, crasher).count(), (n) => n === 0, 10_000)
    await toast.getByRole('button', { name: 'Open logs of e2e-logs-crasher' }).click()
    const full = page.getByRole('dialog', { name: 'Logs of e2e-logs-crasher' })
    await full.getByText('This container was removed; these are its last 2 lines, kept by Dockpulse').waitFor({ timeout: 10_000 })
    await full.getByText('starting up', { exact: true }).waitFor()
    await full.getByText('fatal: cannot go on', { exact: true }).waitFor()
    await shoot('lastwords')
    await page.keyboard.press('Escape')
  })

  it('loads earlier lines from the engine, before the last 500 it starts with', async () => {
    const long = await createContainer(engine, 'e2e-logs-long', { cmd: ['sh', '-c', 'for i in $(seq 1 1600); do echo "row $i"; done; sleep 100000'] })
    await until('all written', () => docker(engine, 'logs', long).then((t) => t.split('\n').length), (n) => n >= 1600, 10_000)
    await row(page, long).click()
    const panel = page.getByRole('region', { name: 'Details of e2e-logs-long' })
    await panel.getByRole('tab', { name: 'Logs' }).click()
    const logs = panel.getByRole('tabpanel', { name: 'Logs of e2e-logs-long' })
    await logs.getByText('500 lines', { exact: true }).waitFor({ timeout: 10_000 })
    const count = () => logs.locator('.log-lines-count').textContent()
    // Each asks the engine for the 1000 lines up to the oldest held (that one again among them).
    await logs.getByRole('button', { name: 'Load earlier lines' }).click()
    await until('a thousand earlier', count, (t) => t === '1,499 lines', 10_000)
    await logs.getByRole('button', { name: 'Load earlier lines' }).click()
    await until('the rest', count, (t) => t === '1,600 lines', 10_000)
    // The engine has no more: the button goes.
    await until('no more to load', () => logs.getByRole('button', { name: 'Load earlier lines' }).count(), (n) => n === 0, 5000)
    await logs.getByText('Start of the log', { exact: true }).waitFor({ timeout: 5000 })
    const [download] = await Promise.all([page.waitForEvent('download'), logs.getByRole('button', { name: 'Download' }).click()])
    const rows = readFileSync(await download.path(), 'utf8').trimEnd().split('\n')
    expect(rows.map((r) => r.replace(/^\S+ stdout /, ''))).toEqual(Array.from({ length: 1600 }, (_, i) => `row ${i + 1}`))
    await docker(engine, 'rm', '-f', long)
  })

  it('opens a compose project’s logs from its group header, its containers merged', async () => {
    const service = (name: string) => ['--label', 'com.docker.compose.project=e2eshop', '--label', `com.docker.compose.service=${name}`]
    const web = await createContainer(engine, 'e2eshop-web-1', { args: service('web'), cmd: ['sh', '-c', `echo "web up"; ${SAY}`] })
    const db = await createContainer(engine, 'e2eshop-db-1', { args: service('db'), cmd: ['sh', '-c', `echo "db up"; ${SAY}`] })
    await page.getByRole('checkbox', { name: 'Group by project' }).check()
    await page.getByRole('button', { name: 'Logs of project e2eshop' }).click()
    const full = page.getByRole('dialog', { name: 'Logs of project e2eshop' })
    await full.getByText('web up', { exact: true }).waitFor({ timeout: 10_000 })
    await full.getByText('db up', { exact: true }).waitFor({ timeout: 10_000 })
    await docker(engine, 'exec', db, 'sh', '-c', 'echo from-db > /tmp/say')
    await full.getByText('said from-db', { exact: true }).waitFor({ timeout: 5000 })
    await shoot('project')
    await page.keyboard.press('Escape')
    await page.getByRole('checkbox', { name: 'Group by project' }).uncheck()
    await docker(engine, 'rm', '-f', web, db)
  })
})
