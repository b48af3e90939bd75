// What the end-to-end tests run against, started and stopped here:
//
//   - a Docker engine: $DOCKER_HOST when set (with $DOCKPULSE_TEST_ENGINE_DIR
//     naming its folder, the engine-restart test can kill and restart it);
//     otherwise a private test engine that this harness starts itself with
//     `go run ./backend/enginetest/testengine start DIR` and stops afterwards;
//   - the dockpulse binary: $DOCKPULSE_BIN, or one built here with `go build`
//     (the embedded UI is frontend/dist: run `npm run build` first); a
//     dockpulse-server binary (cmd/dockpulse-server) runs the same suite;
//   - `dockpulse serve` processes, one per test file or per restart;
//   - headless Chromium from Debian (/usr/bin/chromium) via playwright-core.

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { request } from 'node:http'
import { chromium, type Browser, type Page } from 'playwright-core'

export const REPO = resolve(import.meta.dirname, '../..')

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The test image the private engine has. */
export const IMAGE = 'dockpulse-test/busybox:latest'

/** Every container the suite creates carries this label, so cleanup finds them. */
export const LABEL = 'dockpulse.e2e=1'
/** The test engine's name: DOCKER_HOST's context, as `docker context ls` names it. */
export const ENGINE = 'default'

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = REPO): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`))
      else ok(stdout.trim())
    })
  })
}

// ---------------------------------------------------------------------------
// Engine

export interface Engine {
  dockerHost: string
  /** The private engine's folder (docker.pid inside), when known: it can then be crashed and restarted. */
  dir: string | null
  ownedByHarness: boolean
}

export async function startEngine(): Promise<Engine> {
  if (process.env.DOCKER_HOST) {
    return { dockerHost: process.env.DOCKER_HOST, dir: process.env.DOCKPULSE_TEST_ENGINE_DIR || null, ownedByHarness: false }
  }
  return startPrivateEngine()
}

/** A private engine of the harness's own, beside any other (stopEngine stops it); it can be crashed and restarted. */
export async function startPrivateEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'dpe.e2e.'))
  const out = await run('go', ['run', './backend/enginetest/testengine', 'start', dir])
  const host = /DOCKER_HOST=(\S+)/.exec(out)?.[1]
  if (!host) throw new Error(`testengine printed no DOCKER_HOST:\n${out}`)
  return { dockerHost: host, dir, ownedByHarness: true }
}

/** Ends a test file: the browser, the backends, the labelled containers, the engine the harness started. */
export async function tearDown(parts: { browser?: Browser; serves: (Serve | undefined)[]; engine?: Engine }): Promise<void> {
  await parts.browser?.close()
  for (const s of parts.serves) await s?.stop()
  if (parts.engine) {
    await removeLabelled(parts.engine).catch((e) => console.error('cleanup:', e))
    await stopEngine(parts.engine)
  }
  removeBuiltBinary()
}

export async function stopEngine(engine: Engine): Promise<void> {
  if (!engine.ownedByHarness || !engine.dir) return
  await run('go', ['run', './backend/enginetest/testengine', 'stop', engine.dir]).catch((e) => console.error(e))
  rmSync(engine.dir, { recursive: true, force: true })
}

/** Kills dockerd with SIGKILL (a crash), waits until it is gone. */
export async function crashEngine(engine: Engine): Promise<void> {
  if (!engine.dir) throw new Error('no engine folder to crash')
  const pid = Number(readFileSync(join(engine.dir, 'docker.pid'), 'utf8').trim())
  process.kill(pid, 'SIGKILL')
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      return
    }
    await sleep(50)
  }
  throw new Error(`dockerd ${pid} did not die`)
}

export async function restartEngine(engine: Engine): Promise<void> {
  if (!engine.dir) throw new Error('no engine folder to restart')
  await run('go', ['run', './backend/enginetest/testengine', 'start', engine.dir])
}

/**
 * Two real engines at once: the harness's own (startEngine) and a second
 * private one, named by contexts of a temporary DOCKER_CONFIG (with any
 * more contexts, such as one whose socket is not there), which the serve
 * processes started afterwards read.
 */
export interface TwoEngines {
  first: Engine
  second: Engine
  config: string
}

export async function startTwoEngines(names: [first: string, second: string], more: [name: string, host: string][] = []): Promise<TwoEngines> {
  const first = await startEngine()
  const second = await startPrivateEngine()
  await removeLabelled(first)
  const config = await dockerConfigWith([[names[0], first.dockerHost], [names[1], second.dockerHost], ...more])
  process.env.DOCKER_CONFIG = config
  return { first, second, config }
}

/** Ends a test file of two engines: the browser, the backends, both engines, the DOCKER_CONFIG. */
export async function tearDownTwoEngines(engines: TwoEngines | undefined, parts: { browser?: Browser; serves: (Serve | undefined)[] }): Promise<void> {
  await tearDown({ ...parts, engine: engines?.first })
  delete process.env.DOCKER_CONFIG
  if (engines) {
    rmSync(engines.config, { recursive: true, force: true })
    await stopEngine(engines.second)
  }
}

// ---------------------------------------------------------------------------
// Docker CLI and Engine API

/**
 * A fresh DOCKER_CONFIG folder with one context per [name, endpoint] pair,
 * made by `docker context create` (the real context store). The caller
 * removes it.
 */
export async function dockerConfigWith(contexts: [name: string, host: string][]): Promise<string> {
  const config = mkdtempSync(join(tmpdir(), 'dp-e2e-config-'))
  for (const [name, host] of contexts) {
    await run('docker', ['context', 'create', name, '--docker', `host=${host}`], { PATH: process.env.PATH, DOCKER_CONFIG: config })
  }
  return config
}

export function docker(engine: Engine, ...args: string[]): Promise<string> {
  return run('docker', args, { ...process.env, DOCKER_HOST: engine.dockerHost })
}

/** A container from the test image, labelled for cleanup. Returns its full id. */
export async function createContainer(
  engine: Engine,
  name: string,
  opts: { start?: boolean; cmd?: string[]; args?: string[] } = {},
): Promise<string> {
  const cmd = opts.cmd ?? ['sleep', '100000']
  const verb = opts.start === false ? 'create' : 'run'
  const detach = opts.start === false ? [] : ['-d']
  return docker(engine, verb, ...detach, '--network', 'none', '--label', LABEL, '--name', name, ...(opts.args ?? []), IMAGE, ...cmd)
}

export async function stateOf(engine: Engine, id: string): Promise<string | null> {
  try {
    return await docker(engine, 'inspect', '-f', '{{.State.Status}}', id)
  } catch {
    return null
  }
}

export async function removeLabelled(engine: Engine): Promise<void> {
  const ids = (await docker(engine, 'ps', '-aq', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean)
  for (let i = 0; i < ids.length; i += 50) await docker(engine, 'rm', '-f', ...ids.slice(i, i + 50))
}

/** One Engine API call over the unix socket (used where the CLI would be too slow). */
export function engineApi(engine: Engine, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  const socketPath = engine.dockerHost.replace(/^unix:\/\//, '')
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((ok, fail) => {
    const req = request(
      {
        socketPath,
        method,
        path: `/v1.41${path}`,
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let data = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (data += c))
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: data }))
      },
    )
    req.on('error', fail)
    if (payload) req.write(payload)
    req.end()
  })
}

// ---------------------------------------------------------------------------
// dockpulse serve

let builtBinary: string | null = null

export function dockpulseBinary(): Promise<string> {
  const given = process.env.DOCKPULSE_BIN
  if (given) {
    if (!existsSync(given)) throw new Error(`DOCKPULSE_BIN=${given} does not exist`)
    return Promise.resolve(given)
  }
  if (!existsSync(join(REPO, 'frontend/dist/index.html'))) {
    throw new Error('frontend/dist is missing: run `npm run build` first (or set DOCKPULSE_BIN)')
  }
  const out = join(tmpdir(), `dockpulse-e2e-${process.pid}`)
  return run('go', ['build', '-o', out, '.']).then(() => (builtBinary = out))
}

/** Removes the binary dockpulseBinary built, if it built one. */
export function removeBuiltBinary(): void {
  if (builtBinary) rmSync(builtBinary, { force: true })
  builtBinary = null
}

/** The arguments that run the serve command: `dockpulse serve`, or dockpulse-server itself. */
export function serveCommand(bin: string): string[] {
  return basename(bin).startsWith('dockpulse-server') ? [] : ['serve']
}

export interface Serve {
  url: string
  origin: string
  token: string
  port: number
  proc: ChildProcess
  /** What the server has written to stderr so far (its log). */
  log(): string
  stop(): Promise<void>
}

/**
 * Starts `dockpulse serve [extra]`, trades the code of its first printed
 * address for the token and resolves with the next address it prints. With
 * a token file, a restarted server keeps the token.
 */
export function startServe(bin: string, engine: Engine, addr = '127.0.0.1:0', tokenFile?: string, extra: string[] = []): Promise<Serve> {
  const args = [...serveCommand(bin), '--addr', addr, '--log-level', 'warn', ...extra]
  if (tokenFile) args.push('--token-file', tokenFile)
  const proc = spawn(bin, args, {
    env: { ...process.env, DOCKER_HOST: engine.dockerHost },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  proc.stderr.setEncoding('utf8')
  proc.stderr.on('data', (c: string) => {
    stderr += c
    if (process.env.DOCKPULSE_E2E_VERBOSE) process.stderr.write(`[serve] ${c}`)
  })
  const exited = new Promise<void>((ok) => proc.once('exit', () => ok()))
  // stdout, line by line: each line is a single-use address.
  let out = ''
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  proc.stdout.setEncoding('utf8')
  proc.stdout.on('data', (c: string) => {
    out += c
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      const line = out.slice(0, nl).trim()
      out = out.slice(nl + 1)
      const waiter = waiters.shift()
      if (waiter) waiter(line)
      else lines.push(line)
    }
  })
  const log = () => stderr
  const nextLine = () => new Promise<string>((got) => (lines.length ? got(lines.shift()!) : waiters.push(got)))
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`dockpulse serve printed no URL in 15 s:\n${stderr}`)), 15_000)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`dockpulse serve exited with ${code}:\n${stderr}`))
    })
    void (async () => {
      const url = new URL(await nextLine())
      clearTimeout(timer)
      const stop = async () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
        await Promise.race([exited, sleep(8000).then(() => proc.kill('SIGKILL'))])
        await exited
      }
      // Builds from before the one-time codes print the token itself (the
      // benchmark runs them beside this one).
      const printed = url.searchParams.get('token')
      if (printed !== null && !url.searchParams.has('code')) {
        ok({ url: url.toString(), origin: url.origin, token: printed, port: Number(url.port), proc, log, stop })
        return
      }
      // The printed address works once: the harness trades its code for the
      // token (for the tests' own checks) and gives the pages the next one.
      const traded = await fetch(new URL('/api/session', url), { method: 'POST', body: JSON.stringify({ code: url.searchParams.get('code') }) })
      const { token } = (await traded.json()) as { token: string }
      ok({
        url: await nextLine(),
        origin: url.origin,
        token,
        port: Number(url.port),
        proc,
        log,
        stop,
      })
    })().catch(fail)
  })
}

// ---------------------------------------------------------------------------
// Browser

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS })
}

export async function newPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme })
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  return page
}

/** The connection indicator's status attribute (connected, reconnecting, polling, offline, connecting). */
export function connectionStatus(page: Page): Promise<string | null> {
  return page.locator('.app-status > .indicator').getAttribute('data-status')
}

/**
 * Records every value the connection indicator takes, in order, from now on
 * (a MutationObserver in the page), so a test can check the path it took.
 */
export async function recordConnection(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __states: string[]; __obs?: MutationObserver }
    const el = () => document.querySelector('.app-status > .indicator')
    w.__states = [el()?.getAttribute('data-status') ?? '']
    w.__obs?.disconnect()
    w.__obs = new MutationObserver(() => {
      const s = el()?.getAttribute('data-status') ?? ''
      if (s !== w.__states.at(-1)) w.__states.push(s)
    })
    w.__obs.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'], childList: true })
  })
  return () => page.evaluate(() => (window as unknown as { __states: string[] }).__states)
}

/** The table row of a container, by full id. */
export function row(page: Page, id: string) {
  return page.locator(`.grid-canvas [role="row"][data-key="${ENGINE}/${id}"]`)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms))
}

/** Polls fn until it returns true; throws with the last value otherwise. */
export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: T | undefined
  for (;;) {
    last = await fn()
    if (ok(last)) return last
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)})`)
    await sleep(everyMs)
  }
}
