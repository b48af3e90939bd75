// End to end: how the serve-mode page gets and guards its credential when
// something else holds, or held, its port. In headless Chromium against a
// real `dockpulse serve`:
//
//   - a squatter that takes the port while Dockpulse is down must never
//     receive the page's token (the page checks the server's challenge
//     answer first), and the page recovers by itself when Dockpulse is back;
//   - a service worker that an earlier holder of the port registered is gone
//     after the page loads from Dockpulse, and never sees the token.

import { mkdirSync, mkdtempSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionStatus,
  dockpulseBinary,
  launchBrowser,
  newPage,
  removeBuiltBinary,
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
let browser: Browser
const serves: Serve[] = []
const shots = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')

beforeAll(async () => {
  engine = await startEngine()
  bin = await dockpulseBinary()
  browser = await launchBrowser()
  mkdirSync(shots, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  for (const s of serves) await s.stop()
  if (engine) await stopEngine(engine)
  removeBuiltBinary()
})

async function serveOn(port: number, tokenFile?: string): Promise<Serve> {
  const s = await startServe(bin, engine, `127.0.0.1:${port}`, tokenFile)
  serves.push(s)
  return s
}

/** What a test server saw of one request: its URL, headers and body. */
interface Seen {
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/**
 * A plain HTTP server on 127.0.0.1:port that records every request (and
 * WebSocket upgrade, which it then drops) and answers with answer.
 */
async function listen(port: number, answer: (req: IncomingMessage, body: string) => { status?: number; type?: string; body: string }) {
  const seen: Seen[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body })
      const a = answer(req, body)
      res.writeHead(a.status ?? 200, { 'Content-Type': a.type ?? 'application/json', 'Cache-Control': 'no-store' })
      res.end(a.body)
    })
  })
  server.on('upgrade', (req: IncomingMessage, socket: { destroy(): void }) => {
    seen.push({ url: req.url ?? '', headers: req.headers, body: '' })
    socket.destroy()
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(port, '127.0.0.1', () => ok())
  })
  return {
    seen,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections()
      server.close(() => ok())
    }),
  }
}

/** Whether any recorded request holds secret, anywhere: URL, a header or the body. */
const carries = (seen: Seen[], secret: string) => seen.filter((s) => JSON.stringify(s).includes(secret))

describe('a squatter on the port', () => {
  it('never receives the token, and the page recovers when Dockpulse is back', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'dockpulse-e2e-')), 'token')
    const serve = await serveOn(0, tokenFile)
    const { port, token } = serve
    const page = await newPage(browser)
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] }
      w.__csp = []
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`))
    })
    await page.goto(serve.url)
    // Connected is push live: the policy's connect-src 'self' lets the
    // WebSocket to the same host and port through, and blocks nothing else.
    await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([])
    expect(new URL(page.url()).search).toBe('') // the code is gone from the address bar

    await serve.stop()
    // It answers every challenge, wrongly, and everything else as a server
    // that would gladly take a token.
    const squatter = await listen(port, (req) =>
      req.url?.startsWith('/api/challenge')
        ? { body: JSON.stringify({ mac: 'A'.repeat(43) }) }
        : { body: JSON.stringify({ seq: 1, engines: [], containers: [], stats: [], events: [] }) },
    )
    const notice = page.getByRole('status', { name: 'Connection notice' })
    await until('not the same server', () => notice.textContent(), (t) => (t ?? '').includes('not the one this page was opened from'), 15_000)
    await page.screenshot({ path: join(shots, 'not-the-same-server.png') })
    await sleep(5000) // the page keeps trying for a while
    await squatter.close()
    const challenges = squatter.seen.filter((s) => s.url.startsWith('/api/challenge'))
    console.log(`e2e: the squatter saw ${squatter.seen.length} requests, ${challenges.length} challenges: ${[...new Set(squatter.seen.map((s) => s.url.replace(/\?.*/, '')))].join(', ')}`)
    expect(challenges.length).toBeGreaterThan(2)
    expect(carries(squatter.seen, token)).toEqual([])

    await serveOn(port, tokenFile)
    await until('connected again', () => connectionStatus(page), (s) => s === 'connected', 15_000)
    await page.close()
  })
})

describe('a link used twice', () => {
  it('says the link was already used, and a reload of the first tab still works', async () => {
    const serve = await serveOn(0)
    const first = await newPage(browser)
    await first.goto(serve.url)
    await until('connected', () => connectionStatus(first), (s) => s === 'connected', 15_000)
    const second = await newPage(browser)
    await second.goto(serve.url)
    await until('refused', () => second.locator('body').textContent(), (t) => (t ?? '').includes('this link was already used'), 15_000)
    await second.screenshot({ path: join(shots, 'link-already-used.png') })
    await second.close()
    await first.reload()
    await until('connected after a reload', () => connectionStatus(first), (s) => s === 'connected', 15_000)
    await first.close()
  })
})

describe('a service worker left on the port', () => {
  it('is gone after the page loads from Dockpulse, and never sees the token', async () => {
    // Where the worker reports what it sees: another port, which outlives
    // the server that registered it.
    const collector = await listen(0, () => ({ body: '' }))
    const worker = `
      self.addEventListener('install', () => self.skipWaiting())
      self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()))
      self.addEventListener('fetch', (e) => {
        e.respondWith((async () => {
          const req = e.request.clone()
          const body = req.method === 'GET' ? '' : await req.text()
          const res = await fetch(e.request)
          const answer = await res.clone().text().catch(() => '')
          fetch('http://127.0.0.1:${collector.port}/seen', { method: 'POST', mode: 'no-cors',
            body: JSON.stringify({ url: req.url, headers: [...req.headers], body, answer }) }).catch(() => {})
          return res
        })())
      })`
    const page = `<!doctype html><title>earlier</title><script>
      navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready).then(() => { document.title = 'registered' })
    </script>`
    const earlier = await listen(0, (req) =>
      req.url === '/sw.js' ? { type: 'text/javascript', body: worker } : { type: 'text/html', body: page },
    )
    const port = earlier.port
    const context = await browser.newContext()
    const tab = await context.newPage()
    await tab.goto(`http://127.0.0.1:${port}/`)
    await until('worker registered', () => tab.title(), (t) => t === 'registered', 10_000)
    await tab.reload() // now the worker controls the page
    await until('worker controls', () => tab.evaluate(() => !!navigator.serviceWorker.controller), (c) => c, 10_000)
    await tab.close()
    await earlier.close()

    const serve = await serveOn(port)
    const dashboard = await context.newPage()
    dashboard.on('pageerror', (e) => console.error('[page error]', e.message))
    await dashboard.goto(serve.url)
    await until('connected', () => connectionStatus(dashboard), (s) => s === 'connected', 20_000)
    await until('no worker left', () => dashboard.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), (n) => n === 0, 10_000)
    expect(await dashboard.evaluate(() => !!navigator.serviceWorker.controller)).toBe(false)
    const seen = collector.seen.map((s) => JSON.parse(s.body) as { url: string })
    console.log(`e2e: the earlier worker saw ${seen.length} requests: ${seen.map((s) => s.url.replace(/code=[^&]*/, 'code=…')).join(', ')}`)
    expect(carries(collector.seen, serve.token)).toEqual([])
    // The worker sees the navigation it is asked to load, code included
    // (nothing can stop that); the page then sends nothing through it: no
    // trade of the code, no challenge, no request with the token.
    expect(seen.filter((s) => s.url.includes('/api/'))).toEqual([])
    await dashboard.close()
    await context.close()
    await collector.close()
  })
})
