// Where the data comes from: the Wails bindings in the desktop app, or the Go
// backend's HTTP API when it serves this page to a browser. Both give the same
// JSON shapes; this module hides which one is in use behind `Backend`.

import { errorText } from './errors'
import { normalizeSnapshot } from './protocol'
import type { ActionOptions, ContainerAction, Snapshot } from './types'

/** The methods of the Go `App` struct (see frontend/wailsjs, generated) that the page calls. */
export interface WailsApp {
  LiveEndpoint(): Promise<{ url: string; token: string }>
  Snapshot(): Promise<Snapshot>
  StartContainer(id: string): Promise<void>
  StopContainer(id: string): Promise<void>
  RestartContainer(id: string): Promise<void>
  PauseContainer(id: string): Promise<void>
  UnpauseContainer(id: string): Promise<void>
  KillContainer(id: string): Promise<void>
  RemoveContainer(id: string, removeVolumes: boolean): Promise<void>
}

interface WailsWindow {
  go?: { main?: { App?: Partial<WailsApp> } }
}

/**
 * The bound App when running inside Wails (the runtime injects window.go
 * before the page's module scripts run), undefined in a plain browser.
 */
export function wailsApp(win: unknown = globalThis.window): WailsApp | undefined {
  const app = (win as WailsWindow | undefined)?.go?.main?.App
  return app && typeof app.LiveEndpoint === 'function' ? (app as WailsApp) : undefined
}

/** Everything the live layer and the UI need from the Go side. */
export interface Backend {
  readonly kind: 'wails' | 'http'
  /** The WebSocket URL including the token, fetched afresh for each attempt. */
  socketUrl(): Promise<string>
  snapshot(): Promise<Snapshot>
  /**
   * Asks the engine to act on a container. Resolves when the engine has done
   * it; rejects with a BackendError carrying the engine's reason.
   */
  containerAction(this: void, id: string, action: ContainerAction, options?: ActionOptions): Promise<void>
}

/** A failed call, with a message meant for people. */
export class BackendError extends Error {
  constructor(
    message: string,
    /** HTTP status when there was one. */
    readonly status?: number,
  ) {
    super(message)
    this.name = 'BackendError'
  }
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw new BackendError(`${what}: ${errorText(err)}`)
  }
}

export function withToken(url: string, token: string): string {
  const u = new URL(url)
  u.searchParams.set('token', token)
  return u.toString()
}

export function wailsBackend(app: WailsApp): Backend {
  return {
    kind: 'wails',
    async socketUrl() {
      const { url, token } = await call('live endpoint', () => app.LiveEndpoint())
      return withToken(url, token)
    },
    snapshot: async () => normalizeSnapshot(await call('snapshot', () => app.Snapshot())),
    async containerAction(id, action, options) {
      const bound = () => {
        switch (action) {
          case 'start':
            return app.StartContainer(id)
          case 'stop':
            return app.StopContainer(id)
          case 'restart':
            return app.RestartContainer(id)
          case 'pause':
            return app.PauseContainer(id)
          case 'unpause':
            return app.UnpauseContainer(id)
          case 'kill':
            return app.KillContainer(id)
          case 'remove':
            return app.RemoveContainer(id, options?.removeVolumes ?? false)
        }
      }
      try {
        await bound()
      } catch (err) {
        // The engine's message already names the action and container.
        throw new BackendError(errorText(err))
      }
    },
  }
}

export interface HttpBackendOptions {
  /** The page's base URL; /api and /ws are resolved against it. */
  baseUrl: string
  token: string
  fetch?: typeof fetch
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number
}

export function httpBackend(options: HttpBackendOptions): Backend {
  const { baseUrl, token } = options
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const timeoutMs = options.timeoutMs ?? 5000
  const missingToken = new BackendError(
    'no access token: open Dockpulse through the address it printed (it ends in ?token=…)',
    401,
  )

  async function get<T>(path: string): Promise<T> {
    if (!token) throw missingToken
    const url = new URL(path, baseUrl)
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    let res: Response
    try {
      res = await doFetch(url, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        signal: controller.signal,
        cache: 'no-store',
      })
    } catch (err) {
      const reason = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : errorText(err)
      throw new BackendError(`GET ${url.pathname}: ${reason}`)
    } finally {
      clearTimeout(timer)
    }
    if (res.status !== 200) {
      throw new BackendError(`GET ${url.pathname}: ${await errorMessage(res)}`, res.status)
    }
    try {
      return (await res.json()) as T
    } catch (err) {
      throw new BackendError(`GET ${url.pathname}: invalid JSON: ${errorText(err)}`)
    }
  }

  /** POST /api/containers/{id}/{action}: 204 on success, {"error"} otherwise. */
  async function post(path: string): Promise<void> {
    if (!token) throw missingToken
    const url = new URL(path, baseUrl)
    let res: Response
    try {
      // No timeout: stopping a container may take its whole grace period.
      res = await doFetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        cache: 'no-store',
      })
    } catch (err) {
      throw new BackendError(`cannot reach the Dockpulse backend: ${errorText(err)}`)
    }
    if (res.status === 204 || res.status === 200) return
    // The engine's words are the message; the status stays on the error.
    throw new BackendError(await errorMessage(res, false), res.status)
  }

  return {
    kind: 'http',
    socketUrl() {
      if (!token) return Promise.reject(missingToken)
      const u = new URL('ws', baseUrl)
      u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
      return Promise.resolve(withToken(u.toString(), token))
    },
    snapshot: async () => normalizeSnapshot(await get<unknown>('api/snapshot')),
    async containerAction(id, action, options) {
      const query = action === 'remove' && options?.removeVolumes ? '?volumes=1' : ''
      await post(`api/containers/${encodeURIComponent(id)}/${action}${query}`)
    },
  }
}

async function errorMessage(res: Response, withStatus = true): Promise<string> {
  let detail = ''
  try {
    const body: unknown = await res.json()
    if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
      detail = (body as { error: string }).error
    }
  } catch {
    // Not JSON (a proxy's error page, say): the status says enough.
  }
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`
  if (!detail) return status
  return withStatus ? `${detail} (${status})` : detail
}

// ---------------------------------------------------------------------------
// Serve-mode token

export const TOKEN_STORAGE_KEY = 'dockpulse.token'

export interface TokenEnvironment {
  location: Pick<Location, 'href'>
  history: Pick<History, 'replaceState' | 'state'>
  storage: Pick<Storage, 'getItem' | 'setItem'> | null
  /** VITE_DOCKPULSE_URL under the dev server, if set. */
  devUrl?: string | undefined
}

/**
 * Takes the token from the page URL once, keeps it for the tab in
 * sessionStorage (so a reload still works) and removes it from the address
 * bar, where it would end up in screenshots and history.
 */
export function captureToken(env: TokenEnvironment): string {
  const url = new URL(env.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, fromUrl)
    } catch {
      // Storage may be disabled; the token still works for this page's life.
    }
    url.searchParams.delete('token')
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  let stored: string | null = null
  try {
    stored = env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null
  } catch {
    // Storage may be disabled: as good as nothing stored.
  }
  if (stored) return stored
  if (env.devUrl) {
    try {
      return new URL(env.devUrl).searchParams.get('token') ?? ''
    } catch {
      return ''
    }
  }
  return ''
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}

/**
 * Picks the backend for this page: the Wails bindings when present, else the
 * HTTP API of the server that served the page. Call it once at startup.
 */
export function detectBackend(): Backend {
  const app = wailsApp()
  if (app) return wailsBackend(app)
  const devUrl = import.meta.env.DEV ? import.meta.env.VITE_DOCKPULSE_URL : undefined
  const token = captureToken({
    location: window.location,
    history: window.history,
    storage: sessionStorageOrNull(),
    devUrl,
  })
  return httpBackend({ baseUrl: document.baseURI, token })
}
