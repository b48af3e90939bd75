// Clocks for components that show times relative to now.

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'

/** Re-renders every `ms` while active, for clocks and countdowns. */
export function useNow(ms = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms, active])
  return now
}

interface Clock {
  now: number
  listeners: Set<() => void>
  timer: ReturnType<typeof setInterval> | null
}

const clocks = new Map<number, Clock>()

function clockOf(ms: number): Clock {
  let c = clocks.get(ms)
  if (!c) clocks.set(ms, (c = { now: Date.now(), listeners: new Set(), timer: null }))
  return c
}

/**
 * Like useNow, but every component on the same interval shares one timer and
 * hears it in the same task, so React renders them together: for the many
 * small parts of a list (the table's status cells), each of which renders
 * alone instead of the list.
 */
export function useSharedNow(ms = 1000): number {
  const subscribe = useCallback(
    (listener: () => void) => {
      const c = clockOf(ms)
      c.listeners.add(listener)
      if (c.timer === null) {
        c.now = Date.now()
        c.timer = setInterval(() => {
          c.now = Date.now()
          for (const l of [...c.listeners]) l()
        }, ms)
      }
      return () => {
        c.listeners.delete(listener)
        if (c.listeners.size === 0 && c.timer !== null) {
          clearInterval(c.timer)
          c.timer = null
        }
      }
    },
    [ms],
  )
  return useSyncExternalStore(subscribe, () => clockOf(ms).now)
}
