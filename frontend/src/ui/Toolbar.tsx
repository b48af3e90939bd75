// Above the table: search, the state filter, grouping, the sampling cadence,
// whether the order is held, and the way to the keyboard shortcuts.

import { useRef, type KeyboardEvent, type RefObject } from 'react'
import type { EngineInfo } from '../live'
import { Icon } from './Icon'
import { NotificationsButton } from './NotificationsButton'
import { StatsCadence } from './Status'
import { ALL_ENGINES, STATE_FILTERS, type Hold, type StateFilter } from './tableModel'
import './Toolbar.css'

export function Toolbar({
  search,
  onSearch,
  searchRef,
  filter,
  onFilter,
  counts,
  engines = [],
  engineFilter = ALL_ENGINES,
  onEngineFilter = () => {},
  engineCounts,
  grouped,
  onGrouped,
  hold,
  onHelp,
  onNotifications,
}: {
  search: string
  onSearch: (search: string) => void
  searchRef: RefObject<HTMLInputElement | null>
  filter: StateFilter
  onFilter: (filter: StateFilter) => void
  counts: Record<StateFilter, number>
  /** The known engines: with more than one, the engine filter shows. */
  engines?: readonly EngineInfo[]
  engineFilter?: string
  onEngineFilter?: (engine: string) => void
  engineCounts?: ReadonlyMap<string, number>
  grouped: boolean
  onGrouped: (grouped: boolean) => void
  hold: Hold | null
  onHelp: () => void
  onNotifications: () => void
}) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Table controls">
      <label className="search">
        <Icon name="search" />
        <span className="visually-hidden">Search containers</span>
        <input
          ref={searchRef}
          type="search"
          placeholder={engines.length > 1 ? 'Search name, engine, image, id, port, label…  ( / )' : 'Search name, image, id, port, label…  ( / )'}
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          aria-label="Search containers"
          aria-keyshortcuts="/"
        />
      </label>
      <EngineFilter engines={engines} value={engineFilter} onChange={onEngineFilter} counts={engineCounts} />
      <StateFilterGroup filter={filter} onFilter={onFilter} counts={counts} />
      <label className="toggle">
        <input type="checkbox" checked={grouped} onChange={(e) => onGrouped(e.target.checked)} aria-keyshortcuts="g" />
        Group by project
      </label>
      <span className="toolbar-spacer" />
      <StatsCadence />
      <span className="held" role="status" aria-label="Row order" data-held={hold?.reason}>
        {hold && (
          <span title="Rows keep their places while you act on one; the sort applies again the moment you are done">
            <span aria-hidden="true">⏸ </span>
            {hold.text}
          </span>
        )}
      </span>
      <NotificationsButton onClick={onNotifications} />
      <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={onHelp}>
        ?
      </button>
    </div>
  )
}

/**
 * The state filter as one radio group: one Tab stop (the checked radio), the
 * arrow keys move the choice and the focus, Home and End go to the ends.
 */
function StateFilterGroup({
  filter,
  onFilter,
  counts,
}: {
  filter: StateFilter
  onFilter: (filter: StateFilter) => void
  counts: Record<StateFilter, number>
}) {
  const group = useRef<HTMLDivElement>(null)
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = STATE_FILTERS.findIndex((f) => f.value === filter)
    const last = STATE_FILTERS.length - 1
    const to =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? (at + 1) % STATE_FILTERS.length
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? (at - 1 + STATE_FILTERS.length) % STATE_FILTERS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : -1
    if (to < 0) return
    // Also keeps the table's arrow-key navigation (useShortcuts) out of it.
    e.preventDefault()
    onFilter(STATE_FILTERS[to]!.value)
    group.current?.querySelectorAll<HTMLElement>('[role="radio"]')[to]?.focus()
  }
  return (
    <div ref={group} className="segmented" role="radiogroup" aria-label="Filter by state" onKeyDown={onKeyDown}>
      {STATE_FILTERS.map((f) => (
        <button
          key={f.value}
          type="button"
          role="radio"
          aria-checked={filter === f.value}
          tabIndex={filter === f.value ? 0 : -1}
          data-problems={f.value === 'problems' && counts.problems > 0 ? 'true' : undefined}
          onClick={() => onFilter(f.value)}
        >
          {f.label} <span className="count-badge">{counts[f.value]}</span>
        </button>
      ))}
    </div>
  )
}

/**
 * Which engine's containers the table shows: all, or one, each with its
 * count. Only with more than one engine (or while one is chosen, so that the
 * choice can be undone).
 */
function EngineFilter({
  engines,
  value,
  onChange,
  counts,
}: {
  engines: readonly EngineInfo[]
  value: string
  onChange: (engine: string) => void
  counts: ReadonlyMap<string, number> | undefined
}) {
  const names = [...new Set([...engines.map((e) => e.engine), ...(counts?.keys() ?? [])])]
  if (names.length <= 1 && value === ALL_ENGINES) return null
  const total = [...(counts?.values() ?? [])].reduce((a, b) => a + b, 0)
  const status = new Map(engines.map((e) => [e.engine, e.status]))
  return (
    <label className="engine-filter">
      <span className="visually-hidden">Engine</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Filter by engine">
        <option value={ALL_ENGINES}>All engines ({total})</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n} ({counts?.get(n) ?? 0}){status.get(n) && status.get(n) !== 'up' ? ` · ${status.get(n)}` : ''}
          </option>
        ))}
      </select>
    </label>
  )
}
