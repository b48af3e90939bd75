// Joins the live rows with the table's query, and holds the order while the
// user is acting (see stableOrder in tableModel.ts).

import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { keyOf, useContainerRows, useContainers, type ContainerRow } from '../live'
import {
  countByFilter,
  groupItems,
  selectRows,
  sortsByStats,
  stableOrder,
  type StateFilter,
  type TableItem,
  type TableQuery,
} from './tableModel'

export interface TableRow extends ContainerRow {
  /** Gone from the engine, kept in place while the order is held. */
  removed?: boolean
}

export interface TableModel {
  items: TableItem[]
  /** Row keys in display order (what arrows move through). */
  order: readonly string[]
  rowsByKey: ReadonlyMap<string, TableRow>
  counts: Record<StateFilter, number>
  total: number
  /** True while the order is held. */
  held: boolean
  /** Hold the order: while `on`, and for HOLD_AFTER_MS after. */
  hold: (reason: HoldReason, on: boolean) => void
  /** Hold briefly after a keyboard action. */
  nudge: () => void
}

export type HoldReason = 'pointer' | 'dialog'

/** How long the order stays held after the pointer leaves or a key is pressed. */
export const HOLD_AFTER_MS = 900

export function useTableModel(query: TableQuery, grouped: boolean): TableModel {
  const rows = useContainerRows()
  const [reasons, setReasons] = useState<ReadonlySet<HoldReason>>(() => new Set())
  const [lingering, setLingering] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const linger = useCallback(() => {
    setLingering(true)
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      timer.current = null
      setLingering(false)
    }, HOLD_AFTER_MS)
  }, [])
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current)
  }, [])

  const active = useRef<ReadonlySet<HoldReason>>(reasons)
  active.current = reasons
  const hold = useCallback(
    (reason: HoldReason, on: boolean) => {
      if (active.current.has(reason) === on) return
      const next = new Set(active.current)
      if (on) next.add(reason)
      else next.delete(reason)
      active.current = next
      setReasons(next)
      // Letting go is followed by a short grace, so a row does not move the
      // instant the pointer slips off it.
      if (!on) linger()
    },
    [linger],
  )

  const held = reasons.size > 0 || lingering

  // Sorting 1000 rows every second is wasted work when the order cannot
  // depend on the numbers: filtering, counting and sorting by anything but
  // the figures read the containers only, so they are redone only when the
  // containers change. (Only the keys of `sorted` are used; rowsByKey below
  // has the fresh rows.)
  const containers = useContainers()
  const containerRows = useMemo(
    () => containers.map((container): ContainerRow => ({ key: keyOf(container), container, stats: undefined, rates: undefined })),
    [containers],
  )
  const byStats = sortsByStats(query.sort.key)
  const byContainer = useMemo(() => selectRows(containerRows, query), [containerRows, query])
  const byFigures = useMemo(() => (byStats ? selectRows(rows, query) : null), [byStats, rows, query])
  const sorted = byFigures ?? byContainer
  const counts = useMemo(() => countByFilter(containerRows), [containerRows])
  const current = useMemo(() => {
    const m = new Map<string, ContainerRow>()
    for (const r of rows) m.set(r.key, r)
    return m
  }, [rows])

  // The order last shown, and the last row seen for each key in it.
  const shown = useRef<{ order: readonly string[]; query: TableQuery; grouped: boolean } | null>(null)
  const lastRows = useRef(new Map<string, ContainerRow>())

  const sortedKeys = useMemo(() => sorted.map((r) => r.key), [sorted])
  const prev = shown.current
  // A new query is the user's own doing: show its result at once.
  const sameQuery = prev !== null && prev.query === query && prev.grouped === grouped
  const order = stableOrder(sameQuery ? prev.order : null, sortedKeys, held)

  const rowsByKey = useMemo(() => {
    const m = new Map<string, TableRow>()
    for (const key of order) {
      const row = current.get(key)
      if (row) {
        m.set(key, row)
        lastRows.current.set(key, row)
      } else {
        const last = lastRows.current.get(key)
        if (last) m.set(key, { ...last, stats: undefined, rates: undefined, removed: true })
      }
    }
    // Forget rows that are no longer on screen.
    if (lastRows.current.size > order.length * 2 + 64) {
      const keep = new Set(order)
      for (const k of lastRows.current.keys()) if (!keep.has(k)) lastRows.current.delete(k)
    }
    return m
  }, [order, current])

  const visibleOrder = useMemo(() => order.filter((k) => rowsByKey.has(k)), [order, rowsByKey])
  const items = useMemo(() => groupItems(visibleOrder, rowsByKey, grouped), [visibleOrder, rowsByKey, grouped])

  useEffect(() => {
    shown.current = { order, query, grouped }
  })

  const nudge = useCallback(() => linger(), [linger])
  return { items, order: visibleOrder, rowsByKey, counts, total: rows.length, held, hold, nudge }
}
