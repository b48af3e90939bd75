// The container table: a virtualized ARIA grid. Only the rows on screen (and
// a few around them) exist in the DOM, so 1000 containers cost what 20 do.
// Rows are memoized on their own data and read their own figures from the
// store; a stats batch re-renders the rows whose numbers changed, and
// nothing else of the table.

import { memo, useCallback, useEffect, useRef, type CSSProperties, type RefObject } from 'react'
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import { containerName, isSampled, useContainerFigures, useReportView, type ActionStatus, type Container, type ConnectionState, type ContainerKey, type EngineInfo, type RunAction } from '../live'
import { everReached } from './Status'
import { describeStatus, formatBytes, formatMemory, formatPercent, formatPorts, formatRate } from '../format'
import { ActionButtons } from './ActionButtons'
import { GroupHeader, useProjectRuns } from './GroupHeader'
import { Meter, cpuFraction, cpuTitle } from './Meter'
import { StateBadge } from './StateBadge'
import { useSharedNow } from './useNow'
import { COMPOSE_SERVICE, defaultDir, type Sort, type SortKey, type TableItem } from './tableModel'
import type { TableModel, TableRow } from './useTableModel'
import './ContainerTable.css'

const ROW_HEIGHT = 44
const NO_ENGINES: ReadonlySet<string> = new Set()
const GROUP_HEIGHT = 36

interface Column {
  key: SortKey | 'actions'
  label: string
  className?: string
  /** What the column's figures mean, on hover. */
  title?: string
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'Name' },
  { key: 'engine', label: 'Engine', className: 'col-engine', title: 'The Docker engine (its context name) the container runs on' },
  { key: 'image', label: 'Image', className: 'col-image' },
  { key: 'state', label: 'State' },
  { key: 'status', label: 'Status', className: 'col-status' },
  { key: 'cpu', label: 'CPU', className: 'num', title: 'CPU in % of one core: 100% is one core busy. The bar spans all the CPUs the container may use.' },
  { key: 'memory', label: 'Memory', className: 'num' },
  { key: 'net', label: 'Net I/O', className: 'num col-net' },
  { key: 'block', label: 'Block I/O', className: 'num col-block' },
  { key: 'ports', label: 'Ports', className: 'col-ports' },
  { key: 'actions', label: 'Actions' },
]

/** What the table area says instead of rows, or null when it has rows to show. */
export function emptyTableText(
  table: TableModel,
  synced: boolean,
  connection: ConnectionState,
  engines: readonly EngineInfo[] = [],
): string | null {
  if (table.total === 0) {
    if (!synced) {
      if (connection.status !== 'offline') return 'Waiting for the first snapshot…'
      // Refused, not unreachable: the banner above says why and what to do.
      if (connection.unauthorized || connection.linkRefused) return 'No containers shown: this page has no access to Dockpulse (see above).'
      return `Cannot reach the Dockpulse backend: ${connection.reason}`
    }
    if (engines.length === 0) return 'No engine is watched: switch one on under Engines.'
    const absent = engines.filter((e) => e.status !== 'up')
    if (absent.length > 0 && absent.length === engines.length) {
      // Nothing is known of its containers: "none" would be a guess.
      return absent.some((e) => !everReached(e))
        ? 'No containers shown: Dockpulse has not reached the engine yet (see above).'
        : 'No containers shown: the engine is down, and none were known before it went (see above).'
    }
    return engines.length > 1
      ? 'No containers on these engines yet. They appear here the moment one is created.'
      : 'No containers on this engine yet. They appear here the moment one is created.'
  }
  return table.items.length === 0 ? 'No container matches.' : null
}

export function rowDomId(key: string): string {
  return `row-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`
}

export interface ContainerTableProps {
  table: TableModel
  sort: Sort
  onSort: (sort: Sort) => void
  selected: string | null
  onSelect: (key: string) => void
  actions: ReadonlyMap<string, ActionStatus>
  run: RunAction
  onRemove: (row: TableRow) => void
  /** Nothing is live: the backend is out of reach, or the picture is not synced. */
  stale: boolean
  /** Engines whose rows are the last known ones, not live (the others stay live). */
  staleEngines?: ReadonlySet<string>
  /** Shows the engine column (always with more than one engine). */
  showEngine?: boolean
  /** Lets the parent scroll a row into view (keyboard navigation). */
  scrollRef?: RefObject<((key: string) => void) | null>
  gridRef?: RefObject<HTMLDivElement | null>
  /** Collapses or expands a compose project's group. */
  onToggleGroup: (project: string) => void
}

export function ContainerTable(props: ContainerTableProps) {
  const { table, sort, onSort, selected, onSelect, actions, run, onRemove, stale, scrollRef, gridRef, onToggleGroup } = props
  const staleEngines = props.staleEngines ?? NO_ENGINES
  const showEngine = props.showEngine ?? false
  const columns = showEngine ? COLUMNS : COLUMNS.filter((c) => c.key !== 'engine')
  const projectRuns = useProjectRuns()
  const scroller = useRef<HTMLDivElement>(null)
  const items = table.items

  // The same functions while the items are the same: the virtualizer works
  // out every item's place again whenever getItemKey changes.
  const estimateSize = useCallback((i: number) => (items[i]?.kind === 'group' ? GROUP_HEIGHT : ROW_HEIGHT), [items])
  const getItemKey = useCallback((i: number) => items[i]?.key ?? i, [items])
  const virtualizer: Virtualizer<HTMLDivElement, Element> = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    getItemKey,
    overscan: 6,
    // Before layout (and in tests without layout) assume a screenful.
    initialRect: { width: 1200, height: 700 },
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => {
        if (rect.height > 0) cb(rect)
      }),
  })

  // The running (and paused) containers on screen (with overscan) are the ones whose
  // figures must be live; the server may sample the rest less often.
  const virtualItems = virtualizer.getVirtualItems()
  const shown: ContainerKey[] = []
  for (const vi of virtualItems) {
    const item = items[vi.index]
    const row = item && item.kind !== 'group' ? table.rowsByKey.get(item.key) : undefined
    if (row && isSampled(row.container)) shown.push(row.container)
  }
  useReportView('table', shown)

  useEffect(() => {
    if (!scrollRef) return
    scrollRef.current = (key: string) => {
      const index = items.findIndex((it) => it.key === key)
      if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' })
    }
  })

  const header = (
    <div role="row" className="grid-row grid-head" aria-rowindex={1}>
      {columns.map((col) => {
        if (col.key === 'actions') {
          return (
            <div key={col.key} role="columnheader" className="cell cell-actions">
              <span className="visually-hidden">{col.label}</span>
            </div>
          )
        }
        const key = col.key
        const active = sort.key === key
        return (
          <div
            key={key}
            role="columnheader"
            className={`cell ${col.className ?? ''}`}
            aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
          >
            <button
              type="button"
              className="sort"
              title={col.title}
              data-active={active || undefined}
              onClick={() =>
                onSort(active ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: defaultDir(key) })
              }
            >
              {col.label}
              <span className="sort-arrow" aria-hidden="true">
                {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
              </span>
            </button>
          </div>
        )
      })}
    </div>
  )

  return (
    <div
      ref={gridRef}
      className="grid"
      role="grid"
      aria-label="Containers"
      aria-rowcount={items.length + 1}
      aria-multiselectable="false"
      aria-activedescendant={selected && table.rowsByKey.has(selected) ? rowDomId(selected) : undefined}
      tabIndex={0}
      data-stale={stale || undefined}
      data-engine-column={showEngine || undefined}
    >
      {header}
      <div
        ref={scroller}
        className="grid-body"
        role="rowgroup"
      >
        {items.length === 0 ? null : (
          <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {virtualItems.map((vi) => {
              const item = items[vi.index] as TableItem
              const style = { transform: `translateY(${vi.start}px)`, height: vi.size }
              if (item.kind === 'group') {
                return (
                  <div key={item.key} role="row" className="grid-group" style={style} aria-rowindex={vi.index + 2} aria-label={`Project ${item.project || 'none'}`}>
                    <GroupHeader item={item} onToggle={onToggleGroup} runs={projectRuns} />
                  </div>
                )
              }
              const row = table.rowsByKey.get(item.key)
              if (!row) return null
              // Plain values only, so that a row whose own data did not
              // change is not rendered again (its figures and its status
              // text, which the clock moves, render on their own).
              return (
                <GridRow
                  key={item.key}
                  row={row}
                  index={vi.index}
                  start={vi.start}
                  size={vi.size}
                  selected={selected === item.key}
                  status={actions.get(item.key)}
                  onSelect={onSelect}
                  run={run}
                  onRemove={onRemove}
                                   stale={stale || staleEngines.has(row.container.engine)}
                  showEngine={showEngine}
                />
              )
            })}
          </div>
        )}
      </div>
    </div>
  )
}

const GridRow = memo(function GridRow({
  row,
  index,
  start,
  size,
  selected,
  status,
  onSelect,
  run,
  onRemove,
  stale,
  showEngine,
}: {
  row: TableRow
  index: number
  start: number
  size: number
  selected: boolean
  status: ActionStatus | undefined
  onSelect: (key: string) => void
  run: RunAction
  onRemove: (row: TableRow) => void
  /** Its engine (or the backend) is out of reach: the row is the last known state. */
  stale: boolean
  showEngine: boolean
}) {
  const c = row.container
  // Its own figures: a stats batch renders this row only when they changed.
  const figures = useContainerFigures(row.key)
  const s = row.removed ? undefined : figures.stats
  const r = row.removed ? undefined : figures.rates
  const name = containerName(c)
  const service = c.labels[COMPOSE_SERVICE]
  const ports = formatPorts(c.ports)
  const style: CSSProperties = { transform: `translateY(${start}px)`, height: size }
  return (
    <div
      id={rowDomId(row.key)}
      role="row"
      className="grid-row"
      style={style}
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-label={name}
      data-key={row.key}
      data-state={c.state}
      data-removed={row.removed || undefined}
      data-stale={stale || undefined}
      data-pending={status?.phase === 'pending' || undefined}
      onClick={() => onSelect(row.key)}
    >
      <div role="rowheader" className="cell cell-name" title={[name, c.id.slice(0, 12), service].filter(Boolean).join(' · ')}>
        <span className="name">{name}</span>
        <span className="sub mono">
          {c.id.slice(0, 12)}
          {service ? ` · ${service}` : ''}
        </span>
      </div>
      {showEngine && (
        <div role="gridcell" className="cell cell-engine col-engine" title={stale ? `${c.engine}: last known, not live` : c.engine}>
          {c.engine}
        </div>
      )}
      <div role="gridcell" className="cell cell-image col-image mono" title={c.image}>
        {c.image}
      </div>
      <div role="gridcell" className="cell cell-state">
        <StateBadge container={c} pending={status} removed={row.removed} stale={stale} />
      </div>
      <StatusCell container={c} removed={row.removed ?? false} />
      <div role="gridcell" className="cell num">
        {s ? (
          <Meter text={formatPercent(s.cpuPercent)} fraction={cpuFraction(s.cpuPercent, s.onlineCpus)} title={cpuTitle(s.cpuPercent, s.onlineCpus)} />
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div role="gridcell" className="cell num">
        {s ? (
          <Meter
            text={s.memoryLimit > 0 ? formatMemory(s.memoryUsage, s.memoryLimit) : formatBytes(s.memoryUsage)}
            fraction={s.memoryLimit > 0 ? s.memoryUsage / s.memoryLimit : null}
            title={`${formatMemory(s.memoryUsage, s.memoryLimit)} (${formatPercent(s.memoryPercent)})`}
          />
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div role="gridcell" className="cell num io col-net">
        {r ? (
          <>
            <span title="received">↓ {formatRate(r.netRx)}</span>
            <span title="sent">↑ {formatRate(r.netTx)}</span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div role="gridcell" className="cell num io col-block">
        {r ? (
          <>
            <span title="read">R {formatRate(r.blockRead)}</span>
            <span title="written">W {formatRate(r.blockWrite)}</span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div role="gridcell" className="cell cell-ports col-ports mono" title={ports || undefined}>
        {ports}
      </div>
      <div role="gridcell" className="cell cell-actions">
        {!row.removed && (
          <ActionButtons container={c} status={status} run={run} onRemove={() => onRemove(row)} compact />
        )}
      </div>
    </div>
  )
})

/** "Up 5 minutes": the clock renders this cell alone, once a second. */
function StatusCell({ container, removed }: { container: Container; removed: boolean }) {
  const now = useSharedNow(1000)
  const text = removed ? '' : describeStatus(container, now)
  return (
    <div role="gridcell" className="cell cell-status col-status" title={text || undefined}>
      {text}
    </div>
  )
}
