// End to end: the Engines dialog switches an engine off and on while the
// page is connected. One engine (the harness's) is named by two contexts of
// a temporary DOCKER_CONFIG, `default` (DOCKER_HOST) and `second`, so the
// same containers show once under each name: switched off, `second`'s rows
// go and `default`'s stay; switched on, they come back. Screenshots of the
// dialog, light and dark, go to $DOCKPULSE_E2E_SHOTS.

import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createContainer,
  dockerConfigWith,
  dockpulseBinary,
  launchBrowser,
  newPage,
  removeBuiltBinary,
  removeLabelled,
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
let config: string

const shots = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')

beforeAll(async () => {
  engine = await startEngine()
  bin = await dockpulseBinary()
  await removeLabelled(engine)
  mkdirSync(shots, { recursive: true })
  config = await dockerConfigWith([['second', engine.dockerHost]])
  process.env.DOCKER_CONFIG = config // read by the serve processes started below
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  delete process.env.DOCKER_CONFIG
  if (config) rmSync(config, { recursive: true, force: true })
  if (engine) {
    await removeLabelled(engine).catch((e) => console.error('cleanup:', e))
    await stopEngine(engine)
  }
  removeBuiltBinary()
})

describe('the engine switcher', () => {
  it('switches an engine off and on from the Engines dialog, the other engine staying', async () => {
    const id = await createContainer(engine, 'dp-e2e-switch')
    serve = await startServe(bin, engine, '127.0.0.1:0', undefined, ['--context', 'default', '--context', 'second'])
    const page = await newPage(browser)
    await page.goto(serve.url)
    const rowOf = (name: string) => page.locator(`.grid-canvas [role="row"][data-key="${name}/${id}"]`)
    await rowOf('default').waitFor({ timeout: 20_000 })
    await rowOf('second').waitFor({ timeout: 20_000 })

    await page.getByRole('button', { name: 'Engines' }).click()
    const dialog = page.getByRole('dialog', { name: 'Engines' })
    const second = dialog.getByRole('switch', { name: 'Watch second' })
    await until('both engines listed as up', () => dialog.getByText('Up', { exact: true }).count(), (n) => n === 2, 15_000)
    expect(await second.getAttribute('aria-checked')).toBe('true')
    expect(await dialog.getByText(engine.dockerHost).count()).toBe(2)
    await page.screenshot({ path: join(shots, 'engines-dialog-light.png') })

    await second.click()
    await until('the switch reads off', () => second.getAttribute('aria-checked'), (v) => v === 'false', 15_000)
    await rowOf('second').waitFor({ state: 'detached', timeout: 15_000 })
    expect(await rowOf('default').count()).toBe(1)
    expect(await dialog.getByText('Not watched').count()).toBe(1)

    await second.click()
    await until('the switch reads on', () => second.getAttribute('aria-checked'), (v) => v === 'true', 15_000)
    await rowOf('second').waitFor({ timeout: 20_000 })
    expect(await rowOf('default').count()).toBe(1)

    await page.emulateMedia({ colorScheme: 'dark' })
    await until('both engines listed as up again', () => dialog.getByText('Up', { exact: true }).count(), (n) => n === 2, 15_000)
    await page.screenshot({ path: join(shots, 'engines-dialog-dark.png') })
    await page.close()
  })
})
