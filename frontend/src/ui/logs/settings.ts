// The viewer's settings, remembered in localStorage under one key and checked
// field by field when read: a missing or wrong field takes its default.

import { useCallback, useState } from 'react'

export type StreamFilter = 'all' | 'stdout' | 'stderr'

export interface LogSettings {
  timestamps: boolean
  wrap: boolean
  stream: StreamFilter
  regex: boolean
  matchCase: boolean
}

export const SETTINGS_KEY = 'dockpulse.logView'

export const DEFAULT_SETTINGS: LogSettings = { timestamps: true, wrap: false, stream: 'all', regex: false, matchCase: false }

export function parseSettings(raw: string | null): LogSettings {
  let v: unknown
  try {
    v = raw === null ? null : JSON.parse(raw)
  } catch {
    v = null
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>
  const flag = (k: 'timestamps' | 'wrap' | 'regex' | 'matchCase') => (typeof o[k] === 'boolean' ? o[k] : DEFAULT_SETTINGS[k])
  return {
    timestamps: flag('timestamps'),
    wrap: flag('wrap'),
    stream: o.stream === 'stdout' || o.stream === 'stderr' || o.stream === 'all' ? o.stream : DEFAULT_SETTINGS.stream,
    regex: flag('regex'),
    matchCase: flag('matchCase'),
  }
}

function load(): LogSettings {
  try {
    return parseSettings(localStorage.getItem(SETTINGS_KEY))
  } catch {
    return DEFAULT_SETTINGS
  }
}

export function useLogSettings(): [LogSettings, (change: Partial<LogSettings>) => void] {
  const [settings, setSettings] = useState(load)
  const update = useCallback((change: Partial<LogSettings>) => {
    setSettings((prev) => {
      const next = { ...prev, ...change }
      try {
        localStorage.setItem(SETTINGS_KEY, JSON.stringify(next))
      } catch {
        // Storage may be unavailable (private mode, quota): the choice then lasts while the view is open.
      }
      return next
    })
  }, [])
  return [settings, update]
}
