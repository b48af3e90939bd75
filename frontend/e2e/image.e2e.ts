// End to end: the dockpulse-server container image (make image) run as its
// README says, with the engine's socket mounted and its port published on
// loopback, serves the dashboard to Chromium with the engine's containers
// live. $DOCKPULSE_IMAGE names the image in the engine (make test sets it).

import { request } from 'node:http'
import { createServer } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ENGINE,
  connectionStatus,
  createContainer,
  docker,
  LABEL,
  launchBrowser,
  newPage,
  removeLabelled,
  row,
  startEngine,
  stopEngine,
  until,
  type Engine,
} from './harness'

const image = process.env.DOCKPULSE_IMAGE
if (!image && process.env.CI) throw new Error('DOCKPULSE_IMAGE is not set: CI must test the container image (make test sets it)')

const NAME = 'dp-e2e-image'
let engine: Engine
let network = ''
let browser: Browser
let page: Page

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.once('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))))
    })
  })
}

describe.skipIf(!image)('the container image', () => {
  let port = 0
  let serverId = ''

  beforeAll(async () => {
    engine = await startEngine()
    await removeLabelled(engine)
    // The test engine runs without its default bridge: a network of its own,
    // on a subnet unlikely to meet another engine's, carries the published port.
    const subnet = `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.0/24`
    network = await docker(engine, 'network', 'create', '--label', LABEL, '--subnet', subnet, `${NAME}-net`)
    port = await freePort()
    const socket = engine.dockerHost.replace(/^unix:\/\//, '')
    serverId = await docker(engine, 'run', '-d', '--name', NAME, '--label', LABEL, '--network', network,
      '-v', `${socket}:/var/run/docker.sock`, '-p', `127.0.0.1:${port}:8080`, image!)
    browser = await launchBrowser()
    page = await newPage(browser)
  })

  afterAll(async () => {
    await browser?.close()
    if (engine) {
      await removeLabelled(engine).catch((e) => console.error('cleanup:', e))
      if (network) await docker(engine, 'network', 'rm', network).catch((e) => console.error('cleanup:', e))
      await stopEngine(engine)
    }
  })

  it('holds the static server and nothing else', async () => {
    const layers = JSON.parse(await docker(engine, 'image', 'inspect', '-f', '{{json .RootFS.Layers}}', image!)) as string[]
    expect(layers).toHaveLength(1)
  })

  it('prints in its log the address to open, on loopback, with its code', async () => {
    const logs = await until('the address in docker logs', () => docker(engine, 'logs', NAME), (l) => /http:\/\/127\.0\.0\.1:8080\/\?code=/.test(l), 15_000, 200)
    const printed = new URL(/http:\/\/127\.0\.0\.1:8080\/\?code=\S+/.exec(logs)![0])
    // This test publishes the container's 8080 on another free port.
    printed.port = String(port)
    await page.goto(printed.toString())
    await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
    await row(page, serverId).waitFor({ timeout: 5000 })
    expect(await row(page, serverId).getAttribute('data-state')).toBe('running')
  })

  it('shows a container started afterwards as running, live', async () => {
    const id = await createContainer(engine, 'e2e-image-live')
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 2000 })
    await docker(engine, 'stop', '-t', '1', id)
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="exited"]`).waitFor({ timeout: 5000 })
  })

  it('refuses a foreign name in Host, as on a bare host', async () => {
    const status = await new Promise<number>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: `rebound.example:${port}` } }, (res) => {
        res.resume()
        ok(res.statusCode ?? 0)
      })
      req.on('error', fail)
      req.end()
    })
    expect(status).toBe(403)
  })
})
