import { describe, expect, it, vi } from 'vitest'
import { snapshot } from '../livetest'
import {
  BackendError,
  TOKEN_STORAGE_KEY,
  captureToken,
  httpBackend,
  wailsApp,
  wailsBackend,
  type TokenEnvironment,
  type WailsApp,
} from './backend'

function tokenEnv(href: string, stored: string | null = null) {
  const storage = new Map<string, string>()
  if (stored) storage.set(TOKEN_STORAGE_KEY, stored)
  const replaceState = vi.fn()
  const env: TokenEnvironment = {
    location: { href },
    history: { replaceState, state: null },
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  }
  return { env, storage, replaceState }
}

describe('captureToken', () => {
  it('takes the token from the URL, stores it and removes it from the address bar', () => {
    const { env, storage, replaceState } = tokenEnv('http://127.0.0.1:7070/?token=s3cr%2Ft&view=x#top')
    expect(captureToken(env)).toBe('s3cr/t')
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('s3cr/t')
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?view=x#top')
  })

  it('falls back to the token kept for this tab', () => {
    const { env, replaceState } = tokenEnv('http://127.0.0.1:7070/', 'kept')
    expect(captureToken(env)).toBe('kept')
    expect(replaceState).not.toHaveBeenCalled()
  })

  it('uses VITE_DOCKPULSE_URL under the dev server', () => {
    const { env } = tokenEnv('http://localhost:5173/')
    expect(captureToken({ ...env, devUrl: 'http://127.0.0.1:7070/?token=dev' })).toBe('dev')
  })

  it('returns empty when there is no token anywhere', () => {
    expect(captureToken(tokenEnv('http://127.0.0.1:7070/').env)).toBe('')
  })
})

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('httpBackend', () => {
  it('sends the bearer token and resolves paths against the page', async () => {
    const fetch = vi.fn((_url: URL | RequestInfo, _init?: RequestInit) => Promise.resolve(jsonResponse(200, snapshot({ seq: 3 }))))
    const b = httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: 'tok', fetch })
    const snap = await b.snapshot()
    expect(snap.seq).toBe(3)
    const [url, init] = fetch.mock.calls[0]!
    expect(String(url as URL)).toBe('http://127.0.0.1:7070/api/snapshot')
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok')
  })

  it('builds the WebSocket URL on the same host', async () => {
    const b = httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: 'a b', fetch: vi.fn() })
    expect(await b.socketUrl()).toBe('ws://127.0.0.1:7070/ws?token=a+b')
    const tls = httpBackend({ baseUrl: 'https://example.test/', token: 't', fetch: vi.fn() })
    expect(await tls.socketUrl()).toBe('wss://example.test/ws?token=t')
  })

  it('reports the server error message and status', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(503, { error: 'engine unreachable' })))
    const b = httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: 'tok', fetch })
    const err = await b.snapshot().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BackendError)
    expect((err as BackendError).message).toBe('GET /api/snapshot: engine unreachable (HTTP 503)')
    expect((err as BackendError).status).toBe(503)
  })

  it('refuses to call without a token', async () => {
    const fetch = vi.fn()
    const b = httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: '', fetch })
    await expect(b.snapshot()).rejects.toThrow('no access token')
    await expect(b.socketUrl()).rejects.toThrow('no access token')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('maps null lists to empty ones', async () => {
    const body = { seq: 4, engines: null, containers: null, stats: null, events: null }
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(200, body)))
    const b = httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: 't', fetch })
    expect(await b.snapshot()).toEqual({ seq: 4, engines: [], containers: [], stats: [], events: [] })
  })
})

describe('httpBackend container actions', () => {
  it('POSTs the action with the token and resolves on 204', async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response(null, { status: 204 })))
    const b = httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: 't', fetch })
    await b.containerAction('c0ffee', 'pause')
    await b.containerAction('c0ffee', 'remove', { removeVolumes: true })
    const calls = fetch.mock.calls as unknown as [URL, RequestInit][]
    expect(String(calls[0]![0])).toBe('http://127.0.0.1:7070/api/containers/c0ffee/pause')
    expect(calls[0]![1].method).toBe('POST')
    expect((calls[0]![1].headers as Record<string, string>).Authorization).toBe('Bearer t')
    expect(String(calls[1]![0])).toBe('http://127.0.0.1:7070/api/containers/c0ffee/remove?volumes=1')
  })

  it("rejects with the engine's message and the status", async () => {
    const body = JSON.stringify({ error: 'cannot remove a running container: stop it first or force it' })
    const fetch = vi.fn(() => Promise.resolve(new Response(body, { status: 409, statusText: 'Conflict' })))
    const b = httpBackend({ baseUrl: 'http://127.0.0.1:7070/', token: 't', fetch })
    const err = await b.containerAction('c0ffee', 'remove').catch((e: unknown) => e)
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
      StartContainer: async () => {},
      StopContainer: async () => {},
      RestartContainer: async () => {},
      PauseContainer: async () => {},
      UnpauseContainer: async () => {},
      KillContainer: async () => {},
      RemoveContainer: async () => {},
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

  it('calls the bound action methods and passes on their error strings', async () => {
    const calls: string[] = []
    const app = fakeApp({
      StopContainer: (id) => {
        calls.push(`stop ${id}`)
        return Promise.resolve()
      },
      RemoveContainer: (id, volumes) => {
        calls.push(`remove ${id} ${volumes}`)
        // Wails rejects bound calls with the Go error's string, not an Error.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject('remove c0ffee: cannot remove a running container: stop it first or force it')
      },
    })
    const b = wailsBackend(app)
    await b.containerAction('c0ffee', 'stop')
    await expect(b.containerAction('c0ffee', 'remove', { removeVolumes: true })).rejects.toThrow(
      'remove c0ffee: cannot remove a running container: stop it first or force it',
    )
    expect(calls).toEqual(['stop c0ffee', 'remove c0ffee true'])
  })

  it('turns rejected strings into errors with context', async () => {
    // Wails rejects bound calls with the Go error's string, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const b = wailsBackend(fakeApp({ Snapshot: () => Promise.reject('docker: connection refused') }))
    await expect(b.snapshot()).rejects.toThrow('snapshot: docker: connection refused')
  })
})
