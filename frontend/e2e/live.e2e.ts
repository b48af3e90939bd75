// End to end: the dashboard in headless Chromium against a real
// `dockpulse serve` and a real Docker engine. The tests run in order and share
// one page, as a person would keep one window open.

import { mkdirSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { Browser, Page, WebSocketRoute } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ENGINE,
  connectionStatus,
  crashEngine,
  createContainer,
  docker,
  dockpulseBinary,
  launchBrowser,
  LABEL,
  newPage,
  recordConnection,
  removeLabelled,
  restartEngine,
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
let bin: string
// The backend keeps its token here, so a restarted backend accepts the page.
let tokenFile: string
let serve: Serve
let browser: Browser
let page: Page

// The WebSocket goes through page.routeWebSocket so a test can cut it while
// HTTP keeps working.
let cut = false
const sockets = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>()
// Every view the page sent, oldest first: the container IDs it named.
const views: string[][] = []

beforeAll(async () => {
  engine = await startEngine()
  bin = await dockpulseBinary()
  await removeLabelled(engine)
  tokenFile = join(mkdtempSync(join(tmpdir(), 'dockpulse-e2e-')), 'token')
  serve = await startServe(bin, engine, '127.0.0.1:0', tokenFile)
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    if (cut) {
      void ws.close({ code: 4001, reason: 'cut by the test' })
      return
    }
    const server = ws.connectToServer()
    const pair = { page: ws, server }
    sockets.add(pair)
    // With onMessage set, Playwright forwards nothing the page sends: record
    // views and pass every message on.
    ws.onMessage((message) => {
      if (typeof message === 'string') {
        const m = JSON.parse(message) as { type: string; data: { containers: { id: string }[] } }
        if (m.type === 'view') views.push(m.data.containers.map((k) => k.id))
      }
      server.send(message)
    })
    // With onClose set, Playwright no longer forwards a close to the other
    // side by itself: do it here.
    ws.onClose((code, reason) => {
      sockets.delete(pair)
      void server.close({ code, reason })
    })
    server.onClose((code, reason) => {
      sockets.delete(pair)
      void ws.close({ code, reason })
    })
  })
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
})

afterAll(() => tearDown({ browser, serves: [serve], engine }))

const stateAttr = (id: string) => row(page, id).getAttribute('data-state', { timeout: 200 }).catch(() => null)

describe('the dashboard, live', () => {
  it('shows a container the test starts as running within 1 s', async () => {
    const id = await createContainer(engine, 'e2e-appear')
    const started = Date.now()
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 1000 })
    console.log(`e2e: container visible as running ${Date.now() - started} ms after \`docker run\` returned`)
  })

  it('tells the backend which running containers are on screen, and keeps their figures live', async () => {
    const id = await createContainer(engine, 'e2e-view')
    const lastView = () => Promise.resolve(views.at(-1) ?? [])
    await until('a view naming the new container', lastView, (v) => v.includes(id), 5000)
    // Samples flow for it: its memory figure appears.
    await until('its memory figure', () => row(page, id).textContent(), (t) => /\d (KiB|MiB)/.test(t ?? ''), 5000)
    await docker(engine, 'stop', '-t', '1', id)
    await until('a view without the stopped container', lastView, (v) => !v.includes(id), 5000)
    await docker(engine, 'rm', id)
  })

  it('shows pause, stop and remove as they happen', async () => {
    const id = await createContainer(engine, 'e2e-lifecycle', { args: ['--stop-timeout', '1'] })
    await until('running', () => stateAttr(id), (s) => s === 'running', 2000)
    await docker(engine, 'pause', id)
    await until('paused', () => stateAttr(id), (s) => s === 'paused', 2000)
    await docker(engine, 'unpause', id)
    await until('running again', () => stateAttr(id), (s) => s === 'running', 2000)
    await docker(engine, 'stop', id)
    await until('exited', () => stateAttr(id), (s) => s === 'exited', 2000)
    expect(await row(page, id).locator('.badge').first().textContent()).toMatch(/^Exited \(\d+, stopped\)$/)
    await docker(engine, 'rm', id)
    await until('gone', () => row(page, id).count(), (n) => n === 0, 2000)
    // The feed says what happened, in words.
    const feed = await page.locator('.event-text').allTextContents()
    expect(feed).toEqual(expect.arrayContaining(['e2e-lifecycle removed', 'e2e-lifecycle paused', 'e2e-lifecycle resumed']))
  })

  it('carries out actions clicked in the UI, and shows a refusal clearly', async () => {
    const name = 'e2e-ui'
    const id = await createContainer(engine, name, { args: ['--stop-timeout', '1'] })
    await until('running', () => stateAttr(id), (s) => s === 'running', 2000)
    await row(page, id).click()
    await page.getByRole('region', { name: `Details of ${name}` }).waitFor()

    await page.getByRole('button', { name: `Pause ${name}` }).first().click()
    await until('engine: paused', () => stateOf(engine, id), (s) => s === 'paused')
    await until('UI: paused, not pending', async () => [await stateAttr(id), await row(page, id).getAttribute('data-pending')], ([s, p]) => s === 'paused' && p === null)

    // Keyboard: p resumes the selected container.
    await page.locator('body').press('p')
    await until('engine: running', () => stateOf(engine, id), (s) => s === 'running')

    // A start the engine refuses (its command does not exist in the image): the UI says why.
    const bad = 'e2e-ui-bad'
    const badId = await createContainer(engine, bad, { start: false, cmd: ['/no/such/command'] })
    await until('created', () => stateAttr(badId), (s) => s === 'created', 2000)
    await row(page, badId).getByRole('button', { name: `Start ${bad}`, exact: true }).click()
    const toast = page.locator('.toast', { hasText: `Could not start ${bad}` })
    await toast.waitFor({ timeout: 5000 })
    const said = (await toast.locator('.toast-detail').textContent())?.trim() ?? ''
    console.log(`e2e: refusal shown as: ${said}`)
    expect(said).toContain('/no/such/command')
    await expect.poll(() => row(page, badId).textContent(), { timeout: 3000 }).toContain('Start failed')
    // The failure is read in full: it fits inside its cell, wrapping under the state if need be.
    const fits = await row(page, badId)
      .locator('.failed')
      .evaluate((el) => {
        const cell = el.closest('.cell')!.getBoundingClientRect()
        const b = el.getBoundingClientRect()
        const box = { left: b.left, right: b.right, top: b.top, bottom: b.bottom }
        return { box, cell: { left: cell.left, right: cell.right, top: cell.top, bottom: cell.bottom } }
      })
    expect(fits.box.left).toBeGreaterThanOrEqual(fits.cell.left)
    expect(fits.box.right).toBeLessThanOrEqual(fits.cell.right)
    expect(fits.box.top).toBeGreaterThanOrEqual(fits.cell.top)
    expect(fits.box.bottom).toBeLessThanOrEqual(fits.cell.bottom)
    await docker(engine, 'rm', badId)
    expect(await stateOf(engine, id)).toBe('running')

    await page.getByRole('button', { name: `Stop ${name}` }).first().click()
    await until('engine: exited', () => stateOf(engine, id), (s) => s === 'exited', 15_000)
    await until('UI: exited', () => stateAttr(id), (s) => s === 'exited')

    await page.getByRole('button', { name: `Remove ${name}` }).first().click()
    const dialog = page.getByRole('dialog', { name: `Remove ${name}?` })
    await dialog.getByRole('checkbox').check()
    await dialog.getByRole('button', { name: 'Remove' }).click()
    await until('engine: gone', () => stateOf(engine, id), (s) => s === null)
    // The pointer is still over the rows, but the remove is done: the row goes at once.
    await until('UI: gone', () => row(page, id).count(), (n) => n === 0, 3000)
  })

  it('stops and starts a compose project from its group header, each container on the engine', async () => {
    const label = ['--label', 'com.docker.compose.project=e2e-proj', '--stop-timeout', '1']
    const web = await createContainer(engine, 'e2e-proj-web', { args: label })
    const db = await createContainer(engine, 'e2e-proj-db', { args: label })
    const done = await createContainer(engine, 'e2e-proj-once', { args: label, start: false })
    await until('both running', () => Promise.all([stateAttr(web), stateAttr(db)]), (s) => s.every((x) => x === 'running'), 3000)
    const group = page.getByRole('checkbox', { name: 'Group by project' })
    await group.check()
    const header = page.getByRole('row', { name: 'Project e2e-proj' })
    // Stop applies to the two running ones, not to the one never started.
    await header.getByRole('button', { name: 'Stop project e2e-proj (2 running)' }).click()
    await until('engine: both exited', () => Promise.all([stateOf(engine, web), stateOf(engine, db)]), (s) => s.every((x) => x === 'exited'), 15_000)
    expect(await stateOf(engine, done)).toBe('created')
    await until('header: 0 running', () => header.textContent(), (t) => /0 running · 3 stopped · .*3 containers/.test(t ?? ''), 3000)
    await header.getByRole('button', { name: 'Start project e2e-proj (3 not running)' }).click()
    await until(
      'engine: all three running',
      () => Promise.all([stateOf(engine, web), stateOf(engine, db), stateOf(engine, done)]),
      (s) => s.every((x) => x === 'running'),
      10_000,
    )
    await until('header: 3 running', () => header.textContent(), (t) => (t ?? '').includes('3 running · 3 containers'), 3000)
    await docker(engine, 'rm', '-f', web, db, done)
    await group.uncheck()
  })

  it('acts on nothing behind a dialog, which keeps the focus and gives it back', async () => {
    const name = 'e2e-modal'
    const id = await createContainer(engine, name)
    await until('running', () => stateAttr(id), (s) => s === 'running', 2000)
    const before = await docker(engine, 'inspect', '-f', '{{.State.Status}} {{.State.StartedAt}}', id)
    await row(page, id).click()
    const details = page.getByRole('region', { name: `Details of ${name}` })
    await details.waitFor()
    const grid = page.getByRole('grid', { name: 'Containers' })
    const focused = (where: typeof grid) => where.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))
    expect(await focused(grid)).toBe(true)

    // Every key that acts on the selected container, with each dialog open.
    for (const [open, dialogName] of [
      ['?', 'Keyboard shortcuts'],
      ['Delete', `Remove ${name}?`],
    ] as const) {
      await page.keyboard.press(open)
      const dialog = page.getByRole('dialog', { name: dialogName })
      await dialog.waitFor()
      expect(await focused(dialog)).toBe(true)
      // Tab goes round the dialog's controls and out to the browser's own
      // (the document's body then has the focus), never to the page behind.
      const behind = () =>
        dialog.evaluate((d) => {
          const a = document.activeElement
          return a !== null && a !== document.body && !d.contains(a) ? a.outerHTML.slice(0, 80) : null
        })
      const untouched = async (after: string) => {
        // Long enough for an action that was sent to reach the engine.
        await page.waitForTimeout(1500)
        expect(await docker(engine, 'inspect', '-f', '{{.State.Status}} {{.State.StartedAt}}', id), `after ${after}`).toBe(before)
        expect(await row(page, id).getAttribute('data-pending')).toBeNull()
      }
      await page.keyboard.press('s')
      await untouched('s')
      for (const key of ['r', 'p', 'Shift+K', 'Delete', 'Backspace', 'Tab', 's', 'Tab', 'Shift+K', 'Tab', 'Delete', 'Tab', 'r', 'p']) {
        await page.keyboard.press(key)
        expect(await behind(), `focus after ${key}`).toBeNull()
      }
      expect(await page.getByRole('dialog').count()).toBe(1)
      await untouched('every key')

      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached', timeout: 2000 })
      expect(await focused(grid)).toBe(true)
      // Escape closed the dialog only: the container is still selected.
      expect(await details.isVisible()).toBe(true)
    }
    await docker(engine, 'rm', '-f', id)
  })

  it('degrades to polling when the WebSocket is cut, keeps updating, and goes back to push', async () => {
    const states = await recordConnection(page)
    cut = true
    for (const s of [...sockets]) {
      await s.page.close({ code: 4001, reason: 'cut by the test' })
      await s.server.close()
    }
    await until('polling', () => connectionStatus(page), (s) => s === 'polling', 10_000)
    const notice = page.getByRole('status', { name: 'Connection notice' })
    expect(await notice.textContent()).toContain('polling every 2 s')
    expect(await page.locator('.app-status .indicator-detail').textContent()).toContain('data up to 2 s old')

    // Data keeps coming while push is down.
    const id = await createContainer(engine, 'e2e-during-cut')
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 5000 })
    await docker(engine, 'pause', id)
    await until('paused via polling', () => stateAttr(id), (s) => s === 'paused', 5000)

    cut = false
    await until('connected again', () => connectionStatus(page), (s) => s === 'connected', 12_000)
    await notice.waitFor({ state: 'detached', timeout: 2000 })
    const path = await states()
    console.log(`e2e: connection went ${path.join(' → ')}`)
    const r = path.indexOf('reconnecting')
    const p = path.indexOf('polling')
    expect(r).toBeGreaterThanOrEqual(0)
    expect(p).toBeGreaterThan(r)
    expect(path.at(-1)).toBe('connected')
  })

  it('notices when the backend stops, and recovers by itself when it is back', async () => {
    const states = await recordConnection(page)
    const port = serve.port
    const oldToken = serve.token
    await serve.stop()
    await until('offline', () => connectionStatus(page), (s) => s === 'offline', 10_000)
    expect(await page.getByRole('status', { name: 'Connection notice' }).textContent()).toContain('Cannot reach the Dockpulse backend')

    serve = await startServe(bin, engine, `127.0.0.1:${port}`, tokenFile)
    expect(serve.token).toBe(oldToken)
    await until('connected', () => connectionStatus(page), (s) => s === 'connected', 12_000)
    console.log(`e2e: backend restart: ${(await states()).join(' → ')}`)
  })

  it('says so plainly when a restarted backend no longer accepts the page', async () => {
    const states = await recordConnection(page)
    const port = serve.port
    await serve.stop()
    // Without the token file the new backend has a new token, which this page
    // cannot know: it must say so instead of retrying forever in silence.
    serve = await startServe(bin, engine, `127.0.0.1:${port}`)
    const notice = page.getByRole('status', { name: 'Connection notice' })
    await until('token refused', () => notice.textContent(), (t) => (t ?? '').includes('no longer accepts this page'), 15_000)
    expect(await page.getByRole('status', { name: 'Connection', exact: true }).textContent()).toBe('Offline: access refused')
    const path = await states() // the recording lives in the page, which goto replaces
    await page.goto(serve.url)
    await until('connected', () => connectionStatus(page), (s) => s === 'connected', 12_000)
    console.log(`e2e: backend restart with a new token: ${path.join(' → ')} (reopened the printed URL)`)
  })

  it('shows the engine down, then the right state after it restarts', async (ctx) => {
    if (!engine.dir) {
      // An engine the user named cannot be killed by tests; CI always has its own.
      if (process.env.CI) throw new Error('CI must run the engine-restart test on a private engine')
      ctx.skip()
    }
    const running = await createContainer(engine, 'e2e-survivor')
    const exited = await createContainer(engine, 'e2e-exited', { cmd: ['sh', '-c', 'exit 3'] })
    await until('both seen', async () => [await stateAttr(running), await stateAttr(exited)], ([a, b]) => a === 'running' && b === 'exited', 5000)

    await crashEngine(engine)
    const alert = page.getByRole('alert').filter({ hasText: 'Engine down' })
    await alert.waitFor({ timeout: 10_000 })
    console.log(`e2e: engine down shown as: ${(await alert.textContent())?.trim()}`)
    expect(await page.locator('.engines .indicator').getAttribute('data-status')).toBe('down')

    await restartEngine(engine)
    await until('engine up', () => page.locator('.engines .indicator').getAttribute('data-status'), (s) => s === 'up', 30_000)
    await alert.waitFor({ state: 'detached', timeout: 5000 })
    // Every labelled container shows the state the engine reports.
    const want = async () =>
      Object.fromEntries(
        (await docker(engine, 'ps', '-a', '--filter', `label=${LABEL}`, '--format', '{{.ID}} {{.State}}'))
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' ') as [string, string]),
      )
    const got = async () =>
      Object.fromEntries(
        await page
          .locator('.grid-canvas [role="row"][data-key]')
          .evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.key!.split('/')[1]!.slice(0, 12), (r as HTMLElement).dataset.state!])),
      )
    const expected = await want()
    await until('UI matches docker ps -a', got, (g) => Object.entries(expected).every(([id, s]) => g[id] === s), 15_000)
    console.log(`e2e: after the engine restart: ${JSON.stringify(expected)}`)
  })

  it('takes screenshots, light and dark, at 1280×800 and 800×600', async () => {
    // DOCKPULSE_E2E_SHOTS=../docs/screenshots refreshes the README's pictures.
    const dir = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')
    mkdirSync(dir, { recursive: true })
    const service = (name: string) => ['--label', 'com.docker.compose.project=shop', '--label', `com.docker.compose.service=${name}`]
    const busy = await createContainer(engine, 'shop-worker-1', {
      args: service('worker'),
      cmd: ['sh', '-c', 'while true; do yes > /dev/null & sleep 2; kill $!; sleep 1; done'],
    })
    const web = await createContainer(engine, 'shop-web-1', { args: service('web') })
    const once = await createContainer(engine, 'backup-once', { cmd: ['sh', '-c', 'exit 3'] })
    await until('busy running', () => stateAttr(busy), (s) => s === 'running', 3000)
    await until('backup exited', () => stateOf(engine, once), (s) => s === 'exited', 5000)
    await page.getByRole('checkbox', { name: 'Group by project' }).check()
    await row(page, busy).click()
    await page.waitForTimeout(6000)
    const shoot = async (name: string) => {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        await page.waitForTimeout(400)
        await page.screenshot({ path: join(dir, `${name}-${scheme}.png`) })
      }
    }
    await page.mouse.move(5, 5)
    await shoot('1280x800')
    await page.setViewportSize({ width: 800, height: 600 })
    await page.waitForTimeout(600)
    // Small windows keep the header's figures and room for the rows.
    expect(await page.getByRole('definition').first().isVisible()).toBe(true)
    await shoot('800x600')
    await page.keyboard.press('Escape')
    await page.waitForTimeout(300)
    await shoot('800x600-no-selection')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.getByRole('checkbox', { name: 'Group by project' }).uncheck()
    await docker(engine, 'rm', '-f', busy, web, once)
    console.log(`e2e: screenshots in ${dir}`)
  })
})
