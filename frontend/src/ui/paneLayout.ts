// The main area's panes: the table above, the dock below it (the detail
// panel beside the events feed). Both boundaries move, each pane can be
// hidden, and the choice is remembered in localStorage. Pure, except for
// usePaneLayout at the end.

import { useCallback, useState, type CSSProperties } from 'react'

export type Pane = 'table' | 'detail' | 'events'

export interface PaneLayout {
  /** The dock's share of the height below the toolbar, in percent. */
  dock: number
  /** The detail panel's share of the dock's width, in percent. */
  detail: number
  hidden: Readonly<Record<Pane, boolean>>
}

export const DOCK_RANGE = { min: 15, max: 85 } as const
export const DETAIL_RANGE = { min: 20, max: 80 } as const

export const DEFAULT_LAYOUT: PaneLayout = { dock: 36, detail: 60, hidden: { table: false, detail: false, events: false } }

export const LAYOUT_KEY = 'dockpulse.panes'

function clamp(v: number, range: { min: number; max: number }): number {
  return Math.min(range.max, Math.max(range.min, Math.round(v)))
}

/** Reads a stored layout; anything unreadable or out of range falls back to the default. */
export function parseLayout(text: string | null): PaneLayout {
  if (!text) return DEFAULT_LAYOUT
  try {
    const v = JSON.parse(text) as Partial<PaneLayout> | null
    const num = (x: unknown, d: number, range: { min: number; max: number }) =>
      typeof x === 'number' && Number.isFinite(x) ? clamp(x, range) : d
    const h = (v?.hidden ?? {}) as Partial<Record<Pane, unknown>>
    return {
      dock: num(v?.dock, DEFAULT_LAYOUT.dock, DOCK_RANGE),
      detail: num(v?.detail, DEFAULT_LAYOUT.detail, DETAIL_RANGE),
      hidden: { table: h.table === true, detail: h.detail === true, events: h.events === true },
    }
  } catch {
    return DEFAULT_LAYOUT
  }
}

/** Shows or hides a pane. The table and the whole dock are never hidden together. */
export function togglePane(layout: PaneLayout, pane: Pane): PaneLayout {
  const hidden = { ...layout.hidden, [pane]: !layout.hidden[pane] }
  const dockHidden = hidden.detail && hidden.events
  if (hidden.table && dockHidden) {
    // Hiding the last visible pane shows the other side instead.
    if (pane === 'table') {
      hidden.detail = false
      hidden.events = false
    } else hidden.table = false
  }
  return { ...layout, hidden }
}

/** Shows or hides the whole dock (details and events together). */
export function toggleDock(layout: PaneLayout): PaneLayout {
  const show = layout.hidden.detail && layout.hidden.events
  const hidden = { table: layout.hidden.table && show, detail: !show, events: !show }
  return { ...layout, hidden }
}

export function resizePane(layout: PaneLayout, which: 'dock' | 'detail', value: number): PaneLayout {
  return which === 'dock' ? { ...layout, dock: clamp(value, DOCK_RANGE) } : { ...layout, detail: clamp(value, DETAIL_RANGE) }
}

/**
 * The grid rows of the main area (toolbar, table, splitter, dock) and the
 * dock's columns (detail, splitter, events). Without a selection the detail
 * pane is only a line of text, so the dock does not reserve a column for it.
 */
export function layoutStyle(layout: PaneLayout, selected: boolean): CSSProperties {
  const { hidden } = layout
  const dockHidden = hidden.detail && hidden.events
  const table = hidden.table ? '0' : dockHidden ? 'minmax(0, 1fr)' : `minmax(0, ${100 - layout.dock}fr)`
  const dock = dockHidden ? '0' : hidden.table ? 'minmax(0, 1fr)' : `minmax(0, ${layout.dock}fr)`
  const detailShown = !hidden.detail && selected
  const columns =
    detailShown && !hidden.events
      ? `minmax(0, ${layout.detail}fr) auto minmax(0, ${100 - layout.detail}fr)`
      : 'minmax(0, 1fr)'
  return { gridTemplateRows: `auto ${table} auto ${dock}`, ['--dock-columns' as string]: columns }
}

export function usePaneLayout() {
  const [layout, setLayout] = useState<PaneLayout>(() => {
    try {
      return parseLayout(localStorage.getItem(LAYOUT_KEY))
    } catch {
      return DEFAULT_LAYOUT
    }
  })
  const update = useCallback((f: (l: PaneLayout) => PaneLayout) => {
    setLayout((prev) => {
      const next = f(prev)
      try {
        localStorage.setItem(LAYOUT_KEY, JSON.stringify(next))
      } catch {
        // No storage (private mode, quota): the layout then lasts until reload.
      }
      return next
    })
  }, [])
  const toggle = useCallback((pane: Pane) => update((l) => togglePane(l, pane)), [update])
  const toggleBoth = useCallback(() => update(toggleDock), [update])
  const resize = useCallback((which: 'dock' | 'detail', value: number) => update((l) => resizePane(l, which, value)), [update])
  return { layout, toggle, toggleDock: toggleBoth, resize }
}
