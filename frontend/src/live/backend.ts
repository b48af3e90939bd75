// Where the data comes from: the Wails bindings in the desktop app, or the Go
// backend's HTTP API when it serves this page to a browser. Both give the same
// JSON shapes; this module hides which one is in use behind `Backend`.

import { answerIsRight, newNonce, notSameServerText, notSecureText } from './challenge'
import { errorText } from './errors'
import { normalizeInspect } from './inspect'
import { parseLastWords, parseLogPage } from './logs/protocol'
import { normalizeHistory, normalizeSnapshot } from './protocol'
import type {
  ActionOptions,
  ContainerAction,
  ContainerHistory,
  ContainerKey,
  EngineContext,
  Inspect,
  LastWords,
  LogPage,
  LogQuery,
  Snapshot,
} from './types'

/** The methods of the Go `App` struct (see frontend/wailsjs, generated) that the page calls. */
export interface WailsApp {
  LiveEndpoint(): Promise<{ url: string; token: string }>
  Snapshot(): Promise<Snapshot>
  History(engine: string, id: string): Promise<ContainerHistory>
  StartContainer(engine: string, id: string): Promise<void>
  StopContainer(engine: string, id: string): Promise<void>
  RestartContainer(engine: string, id: string): Promise<void>
  PauseContainer(engine: string, id: string): Promise<void>
  UnpauseContainer(engine: string, id: string): Promise<void>
  KillContainer(engine: string, id: string): Promise<void>
  RemoveContainer(engine: string, id: string, removeVolumes: boolean, force: boolean): Promise<void>
  Inspect(engine: string, id: string): Promise<Inspect>
  Contexts(): Promise<EngineContext[] | null>
  SetWatched(name: string, on: boolean): Promise<void>
  Logs(engine: string, id: string, query: LogQuery): Promise<LogPage>
  LastWords(engine: string, id: string): Promise<LastWords>
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
  /** A container's samples of the last few minutes, oldest first. */
  history(this: void, key: ContainerKey): Promise<ContainerHistory>
  /**
   * Asks an engine to act on one of its containers. Resolves when the engine has done
   * it; rejects with a BackendError carrying the engine's reason.
   */
  containerAction(this: void, engine: string, id: string, action: ContainerAction, options?: ActionOptions): Promise<void>
  /** The full inspect of one container (model.Inspect), asked of the engine afresh. */
  inspect(this: void, engine: string, id: string): Promise<Inspect>
  /** Every docker context, whether it is watched, and a watched engine's status. */
  contexts(this: void): Promise<EngineContext[]>
  /** Switches one engine on or off; rejects with the reason in words. */
  setWatched(this: void, name: string, on: boolean): Promise<void>
  /**
   * The logs socket's URL (/ws/logs, beside the state socket, with its token)
   * for containers of one engine: their last `tail` lines, or those since a time.
   */
  logsSocketUrl(this: void, engine: string, ids: readonly string[], from: LogsFrom): Promise<string>
  /** The polling answer (GET …/logs, the bound Logs); a container unknown to the backend rejects with status 404. */
  logs(this: void, engine: string, id: string, query: Partial<LogQuery>): Promise<LogPage>
  /** The last lines Dockpulse kept of a container that died (GET …/lastwords, the bound LastWords); 404 when none. */
  lastWords(this: void, engine: string, id: string): Promise<LastWords>
}

/** Where a logs socket starts: the last tail lines of each container, or the lines since a time. */
export type LogsFrom = { tail: number } | { since: string }

/** The full query the bound Logs method takes: unset fields are zero, as Go reads them. */
export function fullLogQuery(q: Partial<LogQuery>): LogQuery {
  return { tail: q.tail ?? 0, since: q.since ?? '', until: q.until ?? '', cursor: q.cursor ?? '', limit: q.limit ?? 0 }
}

/** The polling route's query string: only the fields that are set. */
export function logQueryString(q: Partial<LogQuery>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && v !== 0) p.set(k, String(v))
  const text = p.toString()
  return text ? `?${text}` : ''
}

/** The logs socket's URL from the state socket's: same host, token and scheme, path …/ws/logs. */
export function logsUrl(socketUrl: string, engine: string, ids: readonly string[], from: LogsFrom): string {
  const u = new URL(socketUrl)
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/logs`
  u.searchParams.set('engine', engine)
  for (const id of ids) u.searchParams.append('id', id)
  if ('since' in from) u.searchParams.set('since', from.since)
  else u.searchParams.set('tail', String(from.tail))
  return u.toString()
}

/** Whether a failed call said the container (or its kept lines) is not there. */
export function isNotFound(err: unknown): boolean {
  if (err instanceof BackendError && err.status === 404) return true
  // The bound methods reject with the Go error's words, without a status.
  return /no such container|not found/i.test(err instanceof Error ? err.message : String(err))
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

/**
 * No answer at all: the backend could not be reached, so the action's outcome
 * is unknown (unlike an engine's refusal, which is an answer).
 */
export class UnreachableError extends BackendError {
  constructor(message: string) {
    super(message)
    this.name = 'UnreachableError'
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
  const socketUrl = async () => {
    const { url, token } = await call('live endpoint', () => app.LiveEndpoint())
    return withToken(url, token)
  }
  return {
    kind: 'wails',
    socketUrl,
    logsSocketUrl: async (engine, ids, from) => logsUrl(await socketUrl(), engine, ids, from),
    logs: async (engine, id, query) => parseLogPage(await call(`logs of ${id.slice(0, 12)}`, () => app.Logs(engine, id, fullLogQuery(query)))),
    lastWords: async (engine, id) => parseLastWords(await call(`last words of ${id.slice(0, 12)}`, () => app.LastWords(engine, id))),
    snapshot: async () => normalizeSnapshot(await call('snapshot', () => app.Snapshot())),
    history: async (key) => normalizeHistory(await call('history', () => app.History(key.engine, key.id))),
    async containerAction(engine, id, action, options) {
      const bound = () => {
        switch (action) {
          case 'start':
            return app.StartContainer(engine, id)
          case 'stop':
            return app.StopContainer(engine, id)
          case 'restart':
            return app.RestartContainer(engine, id)
          case 'pause':
            return app.PauseContainer(engine, id)
          case 'unpause':
            return app.UnpauseContainer(engine, id)
          case 'kill':
            return app.KillContainer(engine, id)
          case 'remove':
            return app.RemoveContainer(engine, id, options?.removeVolumes ?? false, options?.force ?? false)
        }
      }
      try {
        await bound()
      } catch (err) {
        // The engine's message already names the action and container.
        throw new BackendError(errorText(err))
      }
    },
    async inspect(engine, id) {
      try {
        return normalizeInspect(await app.Inspect(engine, id))
      } catch (err) {
        // The engine's message already says "inspect" and names the container.
        throw new BackendError(errorText(err))
      }
    },
    contexts: async () => (await call('list the engines', () => app.Contexts())) ?? [],
    async setWatched(name, on) {
      try {
        await app.SetWatched(name, on)
      } catch (err) {
        // The message names the context.
        throw new BackendError(errorText(err))
      }
    },
  }
}

export interface HttpBackendOptions {
  /** The page's base URL; /api and /ws are resolved against it. */
  baseUrl: string
  /** The token, when the page has it already (sessionStorage, a script's URL). */
  token?: string
  /** The single-use code from the printed address, traded for the token on first use. */
  code?: string
  /** Where the traded token (and the code it came from) are kept for this tab. */
  storage?: Pick<Storage, 'setItem'> | null
  /** WebCrypto, to check the server's challenge answers; default crypto.subtle, absent outside secure contexts. */
  subtle?: SubtleCrypto | null
  random?: (bytes: Uint8Array) => Uint8Array
  fetch?: typeof fetch
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number
}

export const CODE_STORAGE_KEY = 'dockpulse.code'

/**
 * The HTTP backend of serve mode. Every request that carries the token (the
 * WebSocket's URL, each poll, each action) is preceded by the challenge
 * (challenge.ts): the token goes only to a server that proved it knows it.
 */
export function httpBackend(options: HttpBackendOptions): Backend {
  const { baseUrl, code = '', storage = null } = options
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const subtle = options.subtle === undefined ? (globalThis.crypto?.subtle ?? null) : options.subtle
  const timeoutMs = options.timeoutMs ?? 5000
  const missingToken = new BackendError(
    'no access token: open Dockpulse through the address it printed (it ends in ?code=…)',
    401,
  )
  let token = options.token ?? ''
  /** Set when the server refused the code: it will not take it later either. */
  let codeRefused: BackendError | null = null
  let trading: Promise<string> | null = null

  /** A request with the timeout; a failure to get any answer is a BackendError. */
  async function send(method: string, path: string, init: RequestInit = {}, timeout = true): Promise<Response> {
    const url = new URL(path, baseUrl)
    const controller = new AbortController()
    const timer = timeout ? setTimeout(() => controller.abort(), timeoutMs) : undefined
    try {
      return await doFetch(url, {
        ...init,
        method,
        headers: { Accept: 'application/json', ...init.headers },
        signal: controller.signal,
        cache: 'no-store',
      })
    } catch (err) {
      const reason = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : errorText(err)
      throw new UnreachableError(timeout ? `${method} ${url.pathname}: ${reason}` : `cannot reach the Dockpulse backend: ${reason}`)
    } finally {
      clearTimeout(timer)
    }
  }

  /** Trades the code once for the token, and keeps it for the tab. */
  async function trade(): Promise<string> {
    const res = await send('POST', 'api/session', {
      body: JSON.stringify({ code }),
      headers: { 'Content-Type': 'application/json' },
    })
    if (res.status === 410) {
      codeRefused = new BackendError('this link was already used: open Dockpulse through the address it printed last', 410)
    } else if (res.status === 403) {
      codeRefused = new BackendError(
        'this link is not one this server printed (it was restarted, or the link is from another launch): open Dockpulse through the address it printed last',
        403,
      )
    }
    if (codeRefused) throw codeRefused
    if (res.status !== 200) throw new BackendError(`POST /api/session: ${await errorMessage(res)}`, res.status)
    const body: unknown = await res.json().catch(() => null)
    const got = body && typeof body === 'object' ? (body as { token?: unknown }).token : undefined
    if (typeof got !== 'string' || !got) throw new BackendError('POST /api/session: no token in the answer')
    token = got
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, token)
      storage?.setItem(CODE_STORAGE_KEY, code)
    } catch {
      // Storage may be disabled; the token still works for this page's life.
    }
    return token
  }

  async function credential(): Promise<string> {
    if (token) return token
    if (codeRefused) throw codeRefused
    if (!code) throw missingToken
    trading ??= trade().finally(() => (trading = null))
    return trading
  }

  /**
   * The token, once the server has shown it knows it; never sent before. A
   * server that cannot is refused as 401 is: it does not know this page.
   */
  async function verified(): Promise<string> {
    const t = await credential()
    if (!subtle) throw new BackendError(notSecureText)
    const nonce = newNonce(options.random)
    const res = await send('GET', `api/challenge?nonce=${nonce}`)
    if (res.status === 429 || res.status === 503) {
      throw new BackendError(`checking the server: ${await errorMessage(res)}`, res.status)
    }
    const answer: unknown = res.status === 200 ? await res.json().catch(() => null) : null
    if (!(await answerIsRight(subtle, t, nonce, answer))) throw new BackendError(notSameServerText, 401)
    return t
  }

  async function get<T>(path: string): Promise<T> {
    const t = await verified()
    const res = await send('GET', path, { headers: { Authorization: `Bearer ${t}` } })
    const { pathname } = new URL(path, baseUrl)
    if (res.status !== 200) {
      throw new BackendError(`GET ${pathname}: ${await errorMessage(res)}`, res.status)
    }
    try {
      return (await res.json()) as T
    } catch (err) {
      throw new BackendError(`GET ${pathname}: invalid JSON: ${errorText(err)}`)
    }
  }

  /** POST /api/engines/{engine}/containers/{id}/{action} (or PUT, DELETE): 204 on success, {"error"} otherwise. */
  async function post(path: string, method = 'POST'): Promise<void> {
    const t = await verified()
    // No timeout: stopping a container may take its whole grace period.
    const res = await send(method, path, { headers: { Authorization: `Bearer ${t}` } }, false)
    if (res.status === 204 || res.status === 200) return
    // The engine's words are the message; the status stays on the error.
    throw new BackendError(await errorMessage(res, false), res.status)
  }

  async function socketUrl() {
    const t = await verified()
    const u = new URL('ws', baseUrl)
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
    return withToken(u.toString(), t)
  }
  const containerPath = (engine: string, id: string) => `api/engines/${encodeURIComponent(engine)}/containers/${encodeURIComponent(id)}`

  return {
    kind: 'http',
    socketUrl,
    logsSocketUrl: async (engine, ids, from) => logsUrl(await socketUrl(), engine, ids, from),
    logs: async (engine, id, query) => parseLogPage(await get<unknown>(`${containerPath(engine, id)}/logs${logQueryString(query)}`)),
    lastWords: async (engine, id) => parseLastWords(await get<unknown>(`${containerPath(engine, id)}/lastwords`)),
    snapshot: async () => normalizeSnapshot(await get<unknown>('api/snapshot')),
    history: async (key) =>
      normalizeHistory(
        await get<unknown>(`api/engines/${encodeURIComponent(key.engine)}/containers/${encodeURIComponent(key.id)}/history`),
      ),
    async containerAction(engine, id, action, options) {
      const flags = action === 'remove' ? [options?.removeVolumes && 'volumes=1', options?.force && 'force=1'].filter(Boolean) : []
      const query = flags.length > 0 ? `?${flags.join('&')}` : ''
      await post(`api/engines/${encodeURIComponent(engine)}/containers/${encodeURIComponent(id)}/${action}${query}`)
    },
    inspect: async (engine, id) =>
      normalizeInspect(await get<unknown>(`api/engines/${encodeURIComponent(engine)}/containers/${encodeURIComponent(id)}/inspect`)),
    contexts: async () => (await get<EngineContext[] | null>('api/contexts')) ?? [],
    setWatched: (name, on) => post(`api/engines/${encodeURIComponent(name)}/watch`, on ? 'PUT' : 'DELETE'),
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

/** What the page starts with: a token, or a code to trade for one (or neither). */
export interface Credential {
  token: string
  code: string
}

function stored(env: TokenEnvironment, key: string): string | null {
  try {
    return env.storage?.getItem(key) ?? null
  } catch {
    return null // storage may be disabled: as good as nothing stored
  }
}

/**
 * Takes the code (or a token) from the page URL once and removes it from the
 * address bar. A code is traded later (httpBackend); a token, which only a
 * script that holds it puts there, is kept for the tab in sessionStorage at
 * once. Without either, the tab's stored token (a reload) is used. A code
 * this tab traded already (a reload of its first address, as a service
 * worker's cleanup does) gives way to the token it was traded for.
 */
export function captureCredential(env: TokenEnvironment): Credential {
  const url = new URL(env.location.href)
  const code = url.searchParams.get('code') ?? ''
  const fromUrl = url.searchParams.get('token') ?? ''
  if (url.searchParams.has('code') || url.searchParams.has('token')) {
    url.searchParams.delete('code')
    url.searchParams.delete('token')
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash)
  }
  if (fromUrl) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, fromUrl)
    } catch {
      // Storage may be disabled; the token still works for this page's life.
    }
    return { token: fromUrl, code: '' }
  }
  const token = stored(env, TOKEN_STORAGE_KEY)
  if (code && !(token && stored(env, CODE_STORAGE_KEY) === code)) return { token: '', code }
  if (token) return { token, code: '' }
  if (env.devUrl) {
    try {
      const dev = new URL(env.devUrl).searchParams
      return { token: dev.get('token') ?? '', code: dev.get('token') ? '' : (dev.get('code') ?? '') }
    } catch {
      return { token: '', code: '' }
    }
  }
  return { token: '', code: '' }
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}

export const foreignWorkerText =
  'a service worker that Dockpulse did not register (one an earlier program on this port left) controls this page: the page removes it and reloads, and sends nothing through it'

/**
 * Dockpulse registers no service worker, so one that controls the page was
 * left by an earlier holder of the port, and sees every request the page
 * makes through fetch. The page then uses neither its code nor its token:
 * it removes every registration and loads again, from the network.
 */
export async function removeWorkers(workers: Pick<ServiceWorkerContainer, 'getRegistrations'>): Promise<void> {
  for (const r of await workers.getRegistrations()) await r.unregister()
}

/** A backend that refuses every call with reason. */
function refusing(reason: string): Backend {
  const no = () => Promise.reject(new BackendError(reason))
  return {
    kind: 'http',
    socketUrl: no,
    snapshot: no,
    history: no,
    containerAction: no,
    inspect: no,
    contexts: no,
    setWatched: no,
    logsSocketUrl: no,
    logs: no,
    lastWords: no,
  }
}

/**
 * Picks the backend for this page: the Wails bindings when present, else the
 * HTTP API of the server that served the page. Call it once at startup.
 */
export function detectBackend(): Backend {
  const app = wailsApp()
  if (app) return wailsBackend(app)
  const workers = 'serviceWorker' in navigator ? navigator.serviceWorker : null
  if (workers?.controller) {
    void removeWorkers(workers).then(() => window.location.reload())
    return refusing(foreignWorkerText)
  }
  const devUrl = import.meta.env.DEV ? import.meta.env.VITE_DOCKPULSE_URL : undefined
  const storage = sessionStorageOrNull()
  const { token, code } = captureCredential({ location: window.location, history: window.history, storage, devUrl })
  return httpBackend({ baseUrl: document.baseURI, token, code, storage })
}
