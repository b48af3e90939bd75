// A clock for components that show times relative to now.

import { useEffect, useState } from 'react'

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
