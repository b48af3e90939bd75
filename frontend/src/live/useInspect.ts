// The detail panel's full inspect: asked of the backend when the panel
// opens and again whenever the container changes (its upsert arrives), over
// the same transport as actions (the bound method, or HTTP in serve mode).

import { createContext, useCallback, useContext, useEffect, useState } from 'react'
import { errorText } from './errors'
import { keyOf } from './protocol'
import type { Container, Inspect } from './types'

/** Backend.inspect. */
export type FetchInspect = (engine: string, id: string) => Promise<Inspect>

export const noInspect: FetchInspect = () => Promise.reject(new Error('no backend to inspect containers'))

export const InspectContext = createContext<FetchInspect>(noInspect)

export interface InspectState {
  /** The latest answer for this container, kept while a newer one is asked for. */
  inspect?: Inspect
  /** Why the latest request failed. */
  error?: string
  /** A request is on its way. */
  loading: boolean
}

interface Held extends InspectState {
  key: string
}

export interface InspectResult extends InspectState {
  /** Asks again now. */
  retry: () => void
}

/** The container's full inspect, refreshed each time the container itself changes. */
export function useInspect(container: Container): InspectResult {
  const fetchInspect = useContext(InspectContext)
  const key = keyOf(container)
  const [held, setHeld] = useState<Held>({ key, loading: true })
  const [attempt, setAttempt] = useState(0)
  const retry = useCallback(() => setAttempt((n) => n + 1), [])
  useEffect(() => {
    let current = true
    setHeld((h) => (h.key === key ? { ...h, loading: true } : { key, loading: true }))
    fetchInspect(container.engine, container.id).then(
      (inspect) => {
        if (current) setHeld({ key, inspect, loading: false })
      },
      (err: unknown) => {
        if (current) setHeld((h) => ({ key, inspect: h.key === key ? h.inspect : undefined, error: errorText(err), loading: false }))
      },
    )
    return () => {
      current = false
    }
    // The container object changes exactly when its upsert arrives.
  }, [fetchInspect, container, key, attempt])
  // Until the effect runs for a newly selected container, say it is loading.
  return held.key === key ? { ...held, retry } : { loading: true, retry }
}
