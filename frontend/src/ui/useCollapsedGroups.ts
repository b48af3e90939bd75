// Which compose groups are collapsed, remembered for the browser session
// (sessionStorage): a reload keeps them, a new window starts expanded.

import { useCallback, useState } from 'react'

const KEY = 'dockpulse.collapsedGroups'

function load(): ReadonlySet<string> {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]')
    return new Set(Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [])
  } catch {
    return new Set()
  }
}

export function useCollapsedGroups(): [ReadonlySet<string>, (project: string) => void] {
  const [collapsed, setCollapsed] = useState(load)
  const toggle = useCallback((project: string) => {
    setCollapsed((prev) => {
      const next = new Set(prev)
      if (!next.delete(project)) next.add(project)
      try {
        sessionStorage.setItem(KEY, JSON.stringify([...next]))
      } catch {
        // Storage may be unavailable (private mode, quota): the choice then lasts until reload.
      }
      return next
    })
  }, [])
  return [collapsed, toggle]
}
