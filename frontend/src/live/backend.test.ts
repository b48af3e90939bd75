import { createHmac, webcrypto } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { snapshot } from '../livetest'
import type { LogPage } from './types'
import {
  BackendError,
  CODE_STORAGE_KEY,
  TOKEN_STORAGE_KEY,
  captureCredential,
  httpBackend,
  isNotFound,
  removeWorkers,
  wailsApp,
  wailsBackend,
  type HttpBackendOptions,
  type TokenEnvironment,
  type WailsApp,
} from './backend'

function tokenEnv(href: string, stored: Record<string, string> = {}) {
  const storage = new Map<string, string>(Object.entries(stored))
  const replaceState = vi.fn()
  const env: TokenEnvironment = {
    location: { href },
    history: { replaceState, state: null },
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  }
  return { env, storage, replaceState }
}

describe('captureCredential', () => {
  it('takes the code from the URL and removes it from the address bar, storing nothing yet', () => {
    const { env, storage, replaceState } = tokenEnv('http://127.0.0.1:7070/?code=c0de&view=x#top')
    expect(captureCredential(env)).toEqual({ token: '', code: 'c0de' })
    expect(storage.size).toBe(0)
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?view=x#top')
  })

  it('prefers a new code to the token kept for this tab', () => {
    const { env } = tokenEnv('http://127.0.0.1:7070/?code=new', { [TOKEN_STORAGE_KEY]: 'old', [CODE_STORAGE_KEY]: 'before' })
    expect(captureCredential(env)).toEqual({ token: '', code: 'new' })
  })

  it('uses the kept token when the URL holds the code this tab traded already (a reload of its first address)', () => {
    const { env, replaceState } = tokenEnv('http://127.0.0.1:7070/?code=used', { [TOKEN_STORAGE_KEY]: 'kept', [CODE_STORAGE_KEY]: 'used' })
    expect(captureCredential(env)).toEqual({ token: 'kept', code: '' })
    expect(replaceState).toHaveBeenCalledWith(null, '', '/')
  })

  it('still takes a token from the URL (a script that holds it), stores it and removes it from the address bar', () => {
    const { env, storage, replaceState } = tokenEnv('http://127.0.0.1:7070/?token=s3cr%2Ft&view=x#top')
    expect(captureCredential(env)).toEqual({ token: 's3cr/t', code: '' })
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('s3cr/t')
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?view=x#top')
  })

  it('falls back to the token kept for this tab', () => {
    const { env, replaceState } = tokenEnv('http://127.0.0.1:7070/', { [TOKEN_STORAGE_KEY]: 'kept' })
    expect(captureCredential(env)).toEqual({ token: 'kept', code: '' })
    expect(replaceState).not.toHaveBeenCalled()
  })

  it('uses VITE_DOCKPULSE_URL under the dev server', () => {
    const { env } = tokenEnv('http://localhost:5173/')
    expect(captureCredential({ ...env, devUrl: 'http://127.0.0.1:7070/?token=dev' })).toEqual({ token: 'dev', code: '' })
  })

  it('takes a code from VITE_DOCKPULSE_URL as printed', () => {
    const { env } = tokenEnv('http://localhost:5173/')
    expect(captureCredential({ ...env, devUrl: 'http://127.0.0.1:7070/?code=c0de' })).toEqual({ token: '', code: 'c0de' })
  })

  it('returns empty when there is no credential anywhere', () => {
    expect(captureCredential(tokenEnv('http://127.0.0.1:7070/').env)).toEqual({ token: '', code: '' })
  })
})

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

type Handler = (url: URL, init: RequestInit) => Response

/**
 * A fake serve-mode server holding token: it answers the challenge as the
 * real one does (or, with wrongMac, as an impostor would), trades code once,
 * and passes every other request to handler. Every request is recorded.
 */
function fakeServer(token: string, handler: Handler, opts: { code?: string; wrongMac?: boolean } = {}) {
  let codeUsed = false
  const requests: { url: URL; init: RequestInit }[] = []
  const fetch = vi.fn((input: URL | RequestInfo, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input)
    requests.push({ url, init })
    if (url.pathname === '/api/challenge') {
      const mac = createHmac('sha256', opts.wrongMac ? 'not the token' : token)
        .update('dockpulse challenge v1\n' + url.searchParams.get('nonce'))
        .digest('base64url')
      return Promise.resolve(jsonResponse(200, { mac }))
    }
    if (url.pathname === '/api/session') {
      const { code } = JSON.parse(init.body as string) as { code: string }
      if (code !== opts.code) return Promise.resolve(jsonResponse(403, { error: 'unknown code' }))
      if (codeUsed) return Promise.resolve(jsonResponse(410, { error: 'this link was already used' }))
      codeUsed = true
      return Promise.resolve(jsonResponse(200, { token }))
    }
    return Promise.resolve(handler(url, init))
  })
  const headersOf = (i: number) => (requests[i]?.init.headers ?? {}) as Record<string, string>
  return { fetch, requests, headersOf }
}

function backend(fetch: typeof globalThis.fetch, more: Partial<HttpBackendOptions> = {}) {
  return httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: 'tok', fetch, subtle: webcrypto.subtle as SubtleCrypto, ...more })
}

describe('httpBackend', () => {
  it('checks the server, then sends the bearer token and resolves paths against the page', async () => {
    const srv = fakeServer('tok', () => jsonResponse(200, snapshot({ seq: 3 })))
    const snap = await backend(srv.fetch).snapshot()
    expect(snap.seq).toBe(3)
    expect(srv.requests.map((r) => r.url.pathname)).toEqual(['/api/challenge', '/api/snapshot'])
    expect(srv.requests[0]!.url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(srv.headersOf(0).Authorization).toBeUndefined()
    expect(String(srv.requests[1]!.url)).toBe('http://127.0.0.1:7070/api/snapshot')
    expect(srv.headersOf(1).Authorization).toBe('Bearer tok')
  })

  it('builds the WebSocket URL on the same host, after the challenge', async () => {
    const srv = fakeServer('a b', () => jsonResponse(404, {}))
    expect(await backend(srv.fetch, { token: 'a b' }).socketUrl()).toBe('ws://127.0.0.1:7070/ws?token=a+b')
    expect(srv.requests.map((r) => r.url.pathname)).toEqual(['/api/challenge'])
    const tls = fakeServer('t', () => jsonResponse(404, {}))
    expect(await backend(tls.fetch, { baseUrl: 'https://example.test/', token: 't' }).socketUrl()).toBe('wss://example.test/ws?token=t')
  })

  it('never sends the token to a server that answers the challenge wrongly, and says so', async () => {
    const srv = fakeServer('tok', () => jsonResponse(200, snapshot({ seq: 1 })), { wrongMac: true })
    const b = backend(srv.fetch)
    await expect(b.snapshot()).rejects.toThrow('the server on this port is not the one this page was opened from')
    await expect(b.socketUrl()).rejects.toThrow('not the one this page was opened from')
    await expect(b.containerAction('local', 'c0ffee', 'stop')).rejects.toThrow('not the one this page was opened from')
    expect(srv.requests.map((r) => r.url.pathname)).toEqual(['/api/challenge', '/api/challenge', '/api/challenge'])
    expect(JSON.stringify(srv.requests.map((r) => [String(r.url), r.init]))).not.toContain('tok')
  })

  it.each([
    ['no MAC', { status: 200, body: {} }],
    ['a MAC of another length', { status: 200, body: { mac: 'AAAA' } }],
    ['a MAC that is not base64url', { status: 200, body: { mac: '!'.repeat(43) } }],
    ['an error (an older or other server)', { status: 404, body: { error: 'no such endpoint' } }],
  ])('treats %s as not the same server', async (_name, answer) => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(answer.status, answer.body)))
    await expect(backend(fetch).snapshot()).rejects.toThrow('not the one this page was opened from')
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('does not send the token at all without WebCrypto (not a secure context)', async () => {
    const srv = fakeServer('tok', () => jsonResponse(200, snapshot({ seq: 1 })))
    const b = backend(srv.fetch, { subtle: null })
    await expect(b.snapshot()).rejects.toThrow('cannot check that the server is the one it was opened from')
    await expect(b.socketUrl()).rejects.toThrow('secure contexts')
    expect(srv.fetch).not.toHaveBeenCalled()
  })

  it('reports the server error message and status', async () => {
    const srv = fakeServer('tok', () => jsonResponse(503, { error: 'engine unreachable' }))
    const err = await backend(srv.fetch).snapshot().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BackendError)
    expect((err as BackendError).message).toBe('GET /api/snapshot: engine unreachable (HTTP 503)')
    expect((err as BackendError).status).toBe(503)
  })

  it('refuses to call without a token or a code', async () => {
    const fetch = vi.fn()
    const b = backend(fetch, { token: '' })
    await expect(b.snapshot()).rejects.toThrow('no access token')
    await expect(b.socketUrl()).rejects.toThrow('no access token')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('maps null lists to empty ones', async () => {
    const body = { seq: 4, engines: null, containers: null, stats: null, events: null }
    const srv = fakeServer('tok', () => jsonResponse(200, body))
    expect(await backend(srv.fetch).snapshot()).toEqual({ seq: 4, engines: [], containers: [], stats: [], events: [] })
  })
})

describe('httpBackend code trade', () => {
  it('trades the code once, keeps the token for the tab and checks the server before using it', async () => {
    const srv = fakeServer('lasting', () => jsonResponse(200, snapshot({ seq: 2 })), { code: 'c0de' })
    const storage = new Map<string, string>()
    const b = backend(srv.fetch, { token: '', code: 'c0de', storage: { setItem: (k, v) => void storage.set(k, v) } })
    await Promise.all([b.snapshot(), b.socketUrl()])
    expect(await b.socketUrl()).toBe('ws://127.0.0.1:7070/ws?token=lasting')
    const paths = srv.requests.map((r) => r.url.pathname)
    expect(paths.filter((p) => p === '/api/session')).toHaveLength(1)
    expect(paths[0]).toBe('/api/session')
    expect(srv.requests[0]!.init.method).toBe('POST')
    expect(srv.requests[0]!.init.body).toBe('{"code":"c0de"}')
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('lasting')
    expect(storage.get(CODE_STORAGE_KEY)).toBe('c0de')
  })

  it('says the link was already used when the server refuses the code as used, and does not ask again', async () => {
    const srv = fakeServer('lasting', () => jsonResponse(200, snapshot({ seq: 2 })), { code: 'c0de' })
    await backend(srv.fetch, { token: '', code: 'c0de' }).snapshot()
    const again = backend(srv.fetch, { token: '', code: 'c0de' })
    const err = await again.snapshot().catch((e: unknown) => e)
    expect((err as BackendError).message).toBe('this link was already used: open Dockpulse through the address it printed last')
    expect((err as BackendError).status).toBe(410)
    const before = srv.requests.length
    await expect(again.socketUrl()).rejects.toThrow('this link was already used')
    expect(srv.requests.length).toBe(before)
  })

  it('says the link is not this server’s for an unknown code', async () => {
    const srv = fakeServer('lasting', () => jsonResponse(200, {}), { code: 'c0de' })
    await expect(backend(srv.fetch, { token: '', code: 'other' }).snapshot()).rejects.toThrow(
      'this link is not one this server printed',
    )
  })

  it('tries the trade again after a failure that did not spend the code', async () => {
    let down = true
    const srv = fakeServer('lasting', () => jsonResponse(200, snapshot({ seq: 5 })), { code: 'c0de' })
    const fetch = vi.fn((input: URL | RequestInfo, init?: RequestInit) =>
      down ? Promise.reject(new TypeError('Failed to fetch')) : srv.fetch(input, init),
    )
    const b = backend(fetch, { token: '', code: 'c0de' })
    await expect(b.snapshot()).rejects.toThrow('POST /api/session: Failed to fetch')
    down = false
    expect((await b.snapshot()).seq).toBe(5)
  })
})

describe('removeWorkers', () => {
  it('unregisters every registration', async () => {
    const unregister = vi.fn(() => Promise.resolve(true))
    const regs = [{ unregister }, { unregister }] as unknown as ServiceWorkerRegistration[]
    await removeWorkers({ getRegistrations: () => Promise.resolve(regs) })
    expect(unregister).toHaveBeenCalledTimes(2)
  })
})

describe('httpBackend history', () => {
  it('GETs the engine and container in the path, escaped, with the token', async () => {
    const srv = fakeServer('t', () => jsonResponse(200, { engine: 'a b', id: 'c0ffee', samples: null }))
    const h = await backend(srv.fetch, { token: 't' }).history({ engine: 'a b', id: 'c0ffee' })
    expect(h).toEqual({ engine: 'a b', id: 'c0ffee', samples: [] })
    expect(String(srv.requests[1]!.url)).toBe('http://127.0.0.1:7070/api/engines/a%20b/containers/c0ffee/history')
    expect(srv.headersOf(1).Authorization).toBe('Bearer t')
  })
})

describe('httpBackend engines', () => {
  it('lists the contexts and switches an engine with PUT and DELETE, escaped, with the token', async () => {
    const list = [{ name: 'a b', endpoint: 'unix:///x.sock', current: true, watched: true, status: 'up', since: 1 }]
    const srv = fakeServer('t', (url) => (url.pathname === '/api/contexts' ? jsonResponse(200, list) : new Response(null, { status: 204 })))
    const b = backend(srv.fetch, { token: 't' })
    expect(await b.contexts()).toEqual(list)
    await b.setWatched('a b', false)
    await b.setWatched('two', true)
    const [get, off, on] = srv.requests.filter((r) => r.url.pathname !== '/api/challenge')
    expect(String(get!.url)).toBe('http://127.0.0.1:7070/api/contexts')
    expect(String(off!.url)).toBe('http://127.0.0.1:7070/api/engines/a%20b/watch')
    expect(off!.init.method).toBe('DELETE')
    expect(String(on!.url)).toBe('http://127.0.0.1:7070/api/engines/two/watch')
    expect(on!.init.method).toBe('PUT')
    expect((on!.init.headers as Record<string, string>).Authorization).toBe('Bearer t')
  })

  it('rejects a switch with the server\'s words', async () => {
    const body = JSON.stringify({ error: 'docker context "far" not found; known contexts: default' })
    const srv = fakeServer('t', () => new Response(body, { status: 404 }))
    const err = await backend(srv.fetch, { token: 't' }).setWatched('far', true).catch((e: unknown) => e)
    expect((err as BackendError).message).toBe('docker context "far" not found; known contexts: default')
    expect((err as BackendError).status).toBe(404)
  })
})

describe('httpBackend container actions', () => {
  it('POSTs the action with the token after the challenge and resolves on 204', async () => {
    const srv = fakeServer('t', () => new Response(null, { status: 204 }))
    const b = backend(srv.fetch, { token: 't' })
    await b.containerAction('local', 'c0ffee', 'pause')
    await b.containerAction('local', 'c0ffee', 'remove', { removeVolumes: true })
    await b.containerAction('local', 'c0ffee', 'remove', { force: true })
    await b.containerAction('a b', 'c0ffee', 'kill')
    const [challenge, pause, , remove, , forced, , elsewhere] = srv.requests
    expect(challenge!.url.pathname).toBe('/api/challenge')
    expect(String(pause!.url)).toBe('http://127.0.0.1:7070/api/engines/local/containers/c0ffee/pause')
    expect(pause!.init.method).toBe('POST')
    expect(srv.headersOf(1).Authorization).toBe('Bearer t')
    expect(String(remove!.url)).toBe('http://127.0.0.1:7070/api/engines/local/containers/c0ffee/remove?volumes=1')
    expect(String(forced!.url)).toBe('http://127.0.0.1:7070/api/engines/local/containers/c0ffee/remove?force=1')
    expect(String(elsewhere!.url)).toBe('http://127.0.0.1:7070/api/engines/a%20b/containers/c0ffee/kill')
  })

  it("rejects with the engine's message and the status", async () => {
    const body = JSON.stringify({ error: 'cannot remove a running container: stop it first or force it' })
    const srv = fakeServer('t', () => new Response(body, { status: 409, statusText: 'Conflict' }))
    const err = await backend(srv.fetch, { token: 't' }).containerAction('local', 'c0ffee', 'remove').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BackendError)
    expect((err as BackendError).message).toBe(
      'cannot remove a running container: stop it first or force it',
    )
    expect((err as BackendError).status).toBe(409)
  })
})

describe('wails', () => {
  function fakeApp(overrides: Partial<WailsApp> = {}): WailsApp {
    return {
      LiveEndpoint: () => Promise.resolve({ url: 'ws://127.0.0.1:41234/ws', token: 't/k' }),
      Snapshot: () => Promise.resolve(snapshot({ seq: 8 })),
      History: (engine, id) => Promise.resolve({ engine, id, samples: [] }),
      StartContainer: async () => {},
      StopContainer: async () => {},
      RestartContainer: async () => {},
      PauseContainer: async () => {},
      UnpauseContainer: async () => {},
      KillContainer: async () => {},
      RemoveContainer: async () => {},
      Inspect: () => Promise.reject(new Error('no inspect here')),
      Contexts: () => Promise.resolve(null),
      SetWatched: async () => {},
      Logs: () => Promise.reject(new Error('no logs here')),
      LastWords: () => Promise.reject(new Error('no last words here')),
      ...overrides,
    }
  }

  it('finds the bound App on window.go only when it is there', () => {
    expect(wailsApp({})).toBeUndefined()
    expect(wailsApp({ go: { main: {} } })).toBeUndefined()
    const app = fakeApp()
    expect(wailsApp({ go: { main: { App: app } } })).toBe(app)
  })

  it('adds the token to the live endpoint', async () => {
    expect(await wailsBackend(fakeApp()).socketUrl()).toBe('ws://127.0.0.1:41234/ws?token=t%2Fk')
  })

  it('asks the bound History method with the engine, and fills in null samples', async () => {
    const asked: string[] = []
    const app = fakeApp({
      History: (engine, id) => {
        asked.push(`${engine}/${id}`)
        return Promise.resolve({ engine, id, samples: null as unknown as [] })
      },
    })
    expect(await wailsBackend(app).history({ engine: 'local', id: 'c0ffee' })).toEqual({ engine: 'local', id: 'c0ffee', samples: [] })
    expect(asked).toEqual(['local/c0ffee'])
  })

  it('calls the bound action methods and passes on their error strings', async () => {
    const calls: string[] = []
    const app = fakeApp({
      StopContainer: (engine, id) => {
        calls.push(`stop ${engine}/${id}`)
        return Promise.resolve()
      },
      RemoveContainer: (engine, id, volumes, force) => {
        calls.push(`remove ${engine}/${id} ${volumes} ${force}`)
        // Wails rejects bound calls with the Go error's string, not an Error.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject('remove c0ffee: cannot remove a running container: stop it first or force it')
      },
    })
    const b = wailsBackend(app)
    await b.containerAction('local', 'c0ffee', 'stop')
    await expect(b.containerAction('local', 'c0ffee', 'remove', { removeVolumes: true })).rejects.toThrow(
      'remove c0ffee: cannot remove a running container: stop it first or force it',
    )
    await expect(b.containerAction('local', 'c0ffee', 'remove', { force: true })).rejects.toThrow()
    expect(calls).toEqual(['stop local/c0ffee', 'remove local/c0ffee true false', 'remove local/c0ffee false true'])
  })

  it('turns rejected strings into errors with context', async () => {
    // Wails rejects bound calls with the Go error's string, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const b = wailsBackend(fakeApp({ Snapshot: () => Promise.reject('docker: connection refused') }))
    await expect(b.snapshot()).rejects.toThrow('snapshot: docker: connection refused')
  })
})

describe('inspect', () => {
  const answer = { engine: 'local', id: 'c0ffee', name: 'web', env: null, networks: [{ name: 'n', aliases: null }], limits: {}, raw: '{}' }

  it('GETs the engine and container in the path, and fills in null lists', async () => {
    const srv = fakeServer('tok', () => jsonResponse(200, answer))
    const got = await backend(srv.fetch).inspect('lo/cal', 'c0ffee')
    expect(String(srv.requests[1]!.url)).toBe('http://127.0.0.1:7070/api/engines/lo%2Fcal/containers/c0ffee/inspect')
    expect(srv.headersOf(1).Authorization).toBe('Bearer tok')
    expect(got.env).toEqual([])
    expect(got.networks[0]!.aliases).toEqual([])
  })

  it("rejects with the server's reason for an unknown engine", async () => {
    const srv = fakeServer('tok', () => jsonResponse(404, { error: 'inspect c0ffee: no such engine "far" here' }))
    const err = await backend(srv.fetch).inspect('far', 'c0ffee').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BackendError)
    expect((err as BackendError).message).toContain('no such engine "far"')
    expect((err as BackendError).status).toBe(404)
  })

  it('calls the bound method with the engine and container', async () => {
    const Inspect = vi.fn(() => Promise.resolve(answer as never))
    const got = await wailsBackend({ ...wailsFake(), Inspect }).inspect('local', 'c0ffee')
    expect(Inspect).toHaveBeenCalledWith('local', 'c0ffee')
    expect(got.name).toBe('web')
    // Wails rejects a bound call with the Go error's string.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const failing = wailsBackend({ ...wailsFake(), Inspect: () => Promise.reject('inspect c0ffee: no such container on engine "local"') })
    await expect(failing.inspect('local', 'c0ffee')).rejects.toThrow('inspect c0ffee: no such container on engine "local"')
  })
})

function wailsFake(): WailsApp {
  const none = () => Promise.reject(new Error('not in this test'))
  return {
    LiveEndpoint: none,
    Snapshot: none,
    StartContainer: none,
    StopContainer: none,
    RestartContainer: none,
    PauseContainer: none,
    UnpauseContainer: none,
    KillContainer: none,
    RemoveContainer: none,
    Inspect: none,
    History: none,
    Contexts: none,
    SetWatched: none,
    Logs: none,
    LastWords: none,
  }
}

describe('logs', () => {
  const line = { engine: 'default', id: 'c0ffee', time: '2026-12-02T06:43:20.558123456Z', stream: 'stdout', text: 'GET / 200' }

  it('opens /ws/logs beside /ws with the same token, after the challenge', async () => {
    const srv = fakeServer('tok', () => jsonResponse(404, {}))
    const url = await backend(srv.fetch).logsSocketUrl('default', ['a', 'b'], { since: line.time })
    expect(url).toBe(`ws://127.0.0.1:7070/ws/logs?token=tok&engine=default&id=a&id=b&since=${encodeURIComponent(line.time)}`)
    expect(srv.requests.map((r) => r.url.pathname)).toEqual(['/api/challenge'])
  })

  it('polls the logs route with only the parameters given, and checks the lines', async () => {
    const srv = fakeServer('tok', () => jsonResponse(200, { lines: [line], cursor: 'C2', more: true }))
    const page = await backend(srv.fetch).logs('default', 'c0ffee', { cursor: 'C1', tail: 0 })
    expect(page).toEqual({ lines: [line], cursor: 'C2', more: true, start: false })
    expect(String(srv.requests[1]!.url)).toBe('http://127.0.0.1:7070/api/engines/default/containers/c0ffee/logs?cursor=C1')
    expect(srv.headersOf(1).Authorization).toBe('Bearer tok')
    const bad = fakeServer('tok', () => jsonResponse(200, { lines: [{ ...line, time: '2026-12-02T06:43:20Z' }] }))
    await expect(backend(bad.fetch).logs('default', 'c0ffee', {})).rejects.toThrow(/nine fraction digits/)
  })

  it('says 404 for a container the backend does not know, and reads last words', async () => {
    const srv = fakeServer('tok', (url) =>
      url.pathname.endsWith('/lastwords')
        ? jsonResponse(200, { engine: 'default', id: 'c0ffee', name: 'job-1', exitCode: 1, exitCause: 'unasked', finishedAt: 5, lines: null, removed: true })
        : jsonResponse(404, { error: 'no such container c0ffee' }),
    )
    const err = await backend(srv.fetch)
      .logs('default', 'c0ffee', { tail: 10 })
      .catch((e: unknown) => e)
    expect(isNotFound(err)).toBe(true)
    expect(await backend(srv.fetch).lastWords('default', 'c0ffee')).toMatchObject({ name: 'job-1', exitCode: 1, lines: [], removed: true })
  })

  it('calls the bound Logs with a full query and builds the socket URL from the live endpoint', async () => {
    const Logs = vi.fn(() => Promise.resolve({ lines: [line], cursor: 'C', more: false, start: false } as LogPage))
    const b = wailsBackend({
      ...wailsFake(),
      LiveEndpoint: () => Promise.resolve({ url: 'ws://127.0.0.1:41234/ws', token: 't/k' }),
      Logs,
    })
    expect((await b.logs('default', 'c0ffee', { until: line.time, tail: 1000 })).lines).toEqual([line])
    expect(Logs).toHaveBeenCalledWith('default', 'c0ffee', { tail: 1000, since: '', until: line.time, cursor: '', limit: 0 })
    expect(await b.logsSocketUrl('default', ['c0ffee'], { tail: 500 })).toBe('ws://127.0.0.1:41234/ws/logs?token=t%2Fk&engine=default&id=c0ffee&tail=500')
  })
})
