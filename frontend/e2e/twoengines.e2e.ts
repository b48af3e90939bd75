// End to end: two real engines at once in Chromium. The harness's engine and
// a second private one this file starts are named by the contexts `one` and
// `two` of a temporary DOCKER_CONFIG, and `dockpulse serve --context one
// --context two` watches both. Each engine's containers show under its name
// in the engine column; the engine filter shows one engine's rows; an action
// on a container reaches its own engine and not the other, although both
// have a container of that name (checked with each engine's own API); the
// second engine crashed, only its rows say "last known, not live" while the
// first one's figures keep changing; restarted, its rows are live again.

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionStatus,
  crashEngine,
  createContainer,
  dockpulseBinary,
  engineApi,
  launchBrowser,
  newPage,
  restartEngine,
  sleep,
  startServe,
  startTwoEngines,
  tearDownTwoEngines,
  until,
  type Engine,
  type Serve,
  type TwoEngines,
} from './harness'

let engines: TwoEngines | undefined
let one: Engine
let two: Engine
let serve: Serve
let browser: Browser
let page: Page

/** A container whose CPU use goes up and down all the time, without taking a whole core. */
const BUSY = ['sh', '-c', 'while :; do i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; sleep 0.3; done']
const SAME = 'dp-e2e-two-same'

const ids = { busy: '', sameOne: '', sameTwo: '', onlyTwo: '' }

beforeAll(async () => {
  engines = await startTwoEngines(['one', 'two'])
  ;({ first: one, second: two } = engines)
  const bin = await dockpulseBinary()
  ids.busy = await createContainer(one, 'dp-e2e-two-busy', { cmd: BUSY })
  ids.sameOne = await createContainer(one, SAME)
  ids.sameTwo = await createContainer(two, SAME)
  ids.onlyTwo = await createContainer(two, 'dp-e2e-two-only', { start: false })
  serve = await startServe(bin, one, '127.0.0.1:0', undefined, ['--context', 'one', '--context', 'two'])
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.goto(serve.url)
  await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
})

afterAll(() => tearDownTwoEngines(engines, { browser, serves: [serve] }))

const rowOf = (engine: string, id: string) => page.locator(`.grid-canvas [role="row"][data-key="${engine}/${id}"]`)
const rows = () => page.locator('.grid-canvas [role="row"][data-key]')
const keysShown = async () => (await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''))).sort()

/** The engine's own word on a container's state (its API, not Dockpulse's). */
async function stateIn(engine: Engine, id: string): Promise<string> {
  const res = await engineApi(engine, 'GET', `/containers/${id}/json`)
  if (res.status !== 200) throw new Error(`inspect ${id}: ${res.status} ${res.body}`)
  return (JSON.parse(res.body) as { State: { Status: string } }).State.Status
}

/** The CPU figure a row shows, as text. */
const cpuText = (engine: string, id: string) => rowOf(engine, id).locator('[role="gridcell"].num').first().innerText()

describe('two engines at once', () => {
  it('shows each engine’s containers under its name in the engine column', async () => {
    for (const [engine, id] of [
      ['one', ids.busy],
      ['one', ids.sameOne],
      ['two', ids.sameTwo],
      ['two', ids.onlyTwo],
    ] as const) {
      const r = rowOf(engine, id)
      await r.waitFor({ timeout: 20_000 })
      expect(await r.locator('.cell-engine').innerText()).toBe(engine)
    }
    expect(await page.getByRole('columnheader', { name: /Engine/ }).count()).toBe(1)
  })

  it('shows one engine’s rows with the engine filter, and all again', async () => {
    const filter = page.getByRole('combobox', { name: 'Filter by engine' })
    await filter.selectOption('two')
    await until('only two’s rows', keysShown, (k) => k.length === 2 && k.every((key) => key.startsWith('two/')), 10_000)
    await filter.selectOption('one')
    await until('only one’s rows', keysShown, (k) => k.length === 2 && k.every((key) => key.startsWith('one/')), 10_000)
    await filter.selectOption({ index: 0 })
    await until('every row', keysShown, (k) => k.length === 4, 10_000)
  })

  it('sends an action to the engine of the row, not to the other with the same container name', async () => {
    for (const [engine, id, other, otherId] of [
      ['two', ids.sameTwo, 'one', ids.sameOne],
      ['one', ids.sameOne, 'two', ids.sameTwo],
    ] as const) {
      const r = rowOf(engine, id)
      const eng = engine === 'one' ? one : two
      const otherEng = other === 'one' ? one : two
      await r.getByRole('button', { name: `Pause ${SAME}` }).click()
      await until(`${engine}’s ${SAME} paused in its engine`, () => stateIn(eng, id), (s) => s === 'paused', 10_000)
      await page.locator(`[data-key="${engine}/${id}"][data-state="paused"]`).waitFor({ timeout: 10_000 })
      expect(await stateIn(otherEng, otherId)).toBe('running')
      expect(await rowOf(other, otherId).getAttribute('data-state')).toBe('running')
      await r.getByRole('button', { name: `Resume ${SAME}` }).click()
      await until(`${engine}’s ${SAME} running again`, () => stateIn(eng, id), (s) => s === 'running', 10_000)
      await page.locator(`[data-key="${engine}/${id}"][data-state="running"]`).waitFor({ timeout: 10_000 })
    }
  })

  it('marks only the stopped engine’s rows last known while the other’s stay live, and both live once it is back', async () => {
    await until('the busy container sampled', () => cpuText('one', ids.busy), (t) => t.endsWith('%'), 15_000)
    await crashEngine(two)
    for (const id of [ids.sameTwo, ids.onlyTwo]) {
      await page.locator(`[data-key="two/${id}"][data-stale]`).waitFor({ timeout: 20_000 })
      expect(await rowOf('two', id).innerText()).toContain('last known')
      expect(await rowOf('two', id).locator('.cell-engine').getAttribute('title')).toBe('two: last known, not live')
    }
    for (const id of [ids.busy, ids.sameOne]) {
      expect(await rowOf('one', id).getAttribute('data-stale')).toBeNull()
      expect(await rowOf('one', id).innerText()).not.toContain('last known')
    }
    // The first engine's figures keep changing while the second is down.
    const seen = new Set<string>()
    for (let i = 0; i < 8; i++) {
      seen.add(await cpuText('one', ids.busy))
      await sleep(1000)
    }
    expect(seen.size, `CPU figures of one’s busy container while two was down: ${[...seen].join(', ')}`).toBeGreaterThan(1)
    expect(await page.locator('[data-key^="two/"][data-stale]').count()).toBe(2)
    expect(await page.locator('[data-key^="one/"][data-stale]').count()).toBe(0)

    await restartEngine(two)
    for (const id of [ids.sameTwo, ids.onlyTwo]) {
      await until(`two’s ${id.slice(0, 12)} live again`, () => rowOf('two', id).getAttribute('data-stale'), (v) => v === null, 30_000)
      expect(await rowOf('two', id).innerText()).not.toContain('last known')
    }
    expect(await page.locator('[data-key^="one/"][data-stale]').count()).toBe(0)
    // Live again means it follows its engine: a container made now shows.
    await createContainer(two, 'dp-e2e-two-after')
    await until('a container made after the restart shows under two', () => page.locator('[data-key^="two/"]').count(), (n) => n === 3, 15_000)
  })
})
