// Joins the live rows with the table's query, and holds the order while the
// user is acting on a row (see describeHold and stableOrder in tableModel.ts).

import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ACTION_LABELS, containerName, useActionStatuses, useContainerList, useRowsWithFigures, type ContainerRow } from '../live'
import {
  countByEngine,
  countByFilter,
  describeHold,
  groupItems,
  matchesEngine,
  rowItems,
  sameOrElse,
  selectRows,
  sortsByStats,
  stableOrder,
  type Hold,
  type StateFilter,
  type TableItem,
  type TableQuery,
} from './tableModel'

/**
 * A row of the table. Its stats and rates are not filled in: the row reads
 * its own (useContainerFigures), so that a stats batch renders only the rows
 * whose figures changed.
 */
export interface TableRow extends ContainerRow {
  /** Gone from the engine, kept in place while the order is held. */
  removed?: boolean
}

export interface TableModel {
  items: TableItem[]
  /** Row keys in display order (what arrows move through). */
  order: readonly string[]
  rowsByKey: ReadonlyMap<string, TableRow>
  /** The state filter's counts, on the chosen engine. */
  counts: Record<StateFilter, number>
  /** Containers per engine, for the engine filter. */
  engineCounts: ReadonlyMap<string, number>
  total: number
  /** Why the order is held, or null while it follows the sort. */
  hold: Hold | null
  /** A dialog or menu acting on a row is open ("remove web"), or none: holds the order while open. */
  setDialog: (what: string | null) => void
  /** Hold briefly after a keyboard action. */
  nudge: () => void
}

const NO_GROUPS: ReadonlySet<string> = new Set()

/** How long the order stays held after a key moves the selection or acts. */
export const HOLD_AFTER_MS = 900

export function useTableModel(
  query: TableQuery,
  grouped: boolean,
  /** Compose projects whose rows are hidden under their header. */
  collapsed: ReadonlySet<string> = NO_GROUPS,
): TableModel {
  const actions = useActionStatuses()
  const [dialog, setDialog] = useState<string | null>(null)
  const [keys, setKeys] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const nudge = useCallback(() => {
    setKeys(true)
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      timer.current = null
      setKeys(false)
    }, HOLD_AFTER_MS)
  }, [])
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current)
  }, [])

  // The rows without figures: they change only when the containers do.
  // Filtering, counting and sorting by anything but the figures read these
  // only, so a stats batch does not render the table model (nor the App) at
  // all; a sort by the figures joins them on, and is redone every batch.
  const containerRows = useContainerList()
  const rows = useRowsWithFigures(containerRows, sortsByStats(query.sort.key))
  // The rows come in the containers' default order, which ties keep.
  const sorted = useMemo(() => selectRows(rows, query, true), [rows, query])
  const counts = useMemo(
    () => countByFilter(query.engine ? containerRows.filter((r) => matchesEngine(r, query.engine)) : containerRows),
    [containerRows, query.engine],
  )
  const engineCounts = useMemo(() => countByEngine(containerRows), [containerRows])
  const current = useMemo(() => {
    const m = new Map<string, ContainerRow>()
    for (const r of containerRows) m.set(r.key, r)
    return m
  }, [containerRows])

  const pending = useMemo(() => {
    const out: { name: string; doing: string }[] = []
    for (const [key, status] of actions) {
      if (status.phase !== 'pending') continue
      const c = current.get(key)?.container
      out.push({ name: c ? containerName(c) : key, doing: ACTION_LABELS[status.action].doing })
    }
    return out
  }, [actions, current])
  const hold = useMemo(() => describeHold({ pending, dialog, keys }), [pending, dialog, keys])
  const held = hold !== null

  // The order last shown, and the last row seen for each key in it.
  const shown = useRef<{ order: readonly string[]; query: TableQuery; grouped: boolean } | null>(null)
  const lastRows = useRef(new Map<string, ContainerRow>())

  // A batch that leaves the sorted order as it was keeps the same keys, so
  // that nothing below is worked out again.
  const lastKeys = useRef<readonly string[]>([])
  const sortedKeys = useMemo(() => sameOrElse(lastKeys.current, sorted.map((r) => r.key)), [sorted])
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
        if (last) m.set(key, { ...last, removed: true })
      }
    }
    // Forget rows that are no longer on screen.
    if (lastRows.current.size > order.length * 2 + 64) {
      const keep = new Set(order)
      for (const k of lastRows.current.keys()) if (!keep.has(k)) lastRows.current.delete(k)
    }
    return m
  }, [order, current])

  // A container change that moves no row (a pause under a sort by name)
  // keeps the same items, so the table works out no row's place again.
  const lastVisible = useRef<readonly string[]>([])
  const visibleOrder = useMemo(() => sameOrElse(lastVisible.current, order.filter((k) => rowsByKey.has(k))), [order, rowsByKey])
  const items = useMemo(
    () => (grouped ? groupItems(visibleOrder, rowsByKey, true, collapsed) : rowItems(visibleOrder)),
    // Ungrouped, the items read the order alone.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [visibleOrder, grouped ? rowsByKey : null, grouped, collapsed],
  )
  // The arrows move through the rows on screen: not those of a collapsed group.
  const navigable = useMemo(
    () => (grouped ? items.flatMap((it) => (it.kind === 'row' ? [it.key] : [])) : visibleOrder),
    [grouped, items, visibleOrder],
  )

  useEffect(() => {
    shown.current = { order, query, grouped }
    lastKeys.current = sortedKeys
    lastVisible.current = visibleOrder
  })

  return { items, order: navigable, rowsByKey, counts, engineCounts, total: containerRows.length, hold, setDialog, nudge }
}
