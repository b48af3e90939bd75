// React access to logs: a provider that knows how to reach them (the page's
// backend), and useLogs(target), which follows a target's logs while the
// component that asks is mounted and gives what a LogView shows.

import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react'
import { LogsClient, logFileName, type LogTarget, type LogsBackend, type LogsClientOptions, type LogsView } from './client'

/** Makes the client of one target (not started). */
export type LogsClientFactory = (target: LogTarget) => LogsClient

/** Someone asked to see a container's logs (a notification, say), by `engine/id`. */
export type LogsRequestListener = (key: string, name?: string) => void

/** Carries "open the logs of" requests from outside React (an OS notification's click) to the app. */
export class LogsRequests {
  private readonly listeners = new Set<LogsRequestListener>()
  open(key: string, name?: string): void {
    for (const l of [...this.listeners]) l(key, name)
  }
  listen(listener: LogsRequestListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

interface LogsContextValue {
  make: LogsClientFactory | null
  requests: LogsRequests
}

const LogsContext = createContext<LogsContextValue>({ make: null, requests: new LogsRequests() })

export function LogsProvider({
  backend,
  options,
  requests,
  children,
}: {
  backend: LogsBackend
  options?: Omit<LogsClientOptions, 'backend'>
  requests?: LogsRequests
  children?: ReactNode
}) {
  const value = useMemo(
    () => ({ make: (target: LogTarget) => new LogsClient(target, { ...options, backend }), requests: requests ?? new LogsRequests() }),
    [backend, options, requests],
  )
  return <LogsContext.Provider value={value}>{children}</LogsContext.Provider>
}

/** The requests to open logs that reach this app. */
export function useLogsRequests(): LogsRequests {
  return useContext(LogsContext).requests
}

const noSubscribe = () => () => {}

/**
 * The logs of target while the calling component is mounted: the stream
 * opens with it and closes with it (or when target changes: pass a memoized
 * target). Null follows nothing.
 */
export function useLogs(target: LogTarget | null): LogsView {
  const { make } = useContext(LogsContext)
  const client = useMemo(() => (target && make ? make(target) : null), [target, make])
  useEffect(() => {
    if (!client) return
    client.start()
    return () => client.stop()
  }, [client])
  const idle = useMemo(() => idleView(target, make !== null), [target, make])
  return useSyncExternalStore(client?.subscribe ?? noSubscribe, client ? client.getState : () => idle)
}

function idleView(target: LogTarget | null, reachable: boolean): LogsView {
  return {
    lines: [],
    containers: target ? target.containers.map((c) => ({ engine: target.engine, id: c.id, name: c.name })) : [],
    status: reachable ? { tone: 'offline', text: 'Not following' } : { tone: 'offline', text: 'No backend to read logs from' },
    notices: [],
    canLoadEarlier: false,
    atStart: false,
    loadingEarlier: false,
    onLoadEarlier: () => {},
    onPaused: () => {},
    fileName: logFileName(target?.name ?? 'logs'),
  }
}
