// Above the table: search, the state filter, grouping, the sampling cadence,
// whether the order is held, and the way to the keyboard shortcuts.

import { useRef, type KeyboardEvent, type RefObject } from 'react'
import { Icon } from './Icon'
import { NotificationsButton } from './NotificationsButton'
import { StatsCadence } from './Status'
import { STATE_FILTERS, type Hold, type StateFilter } from './tableModel'
import './Toolbar.css'

export function Toolbar({
  search,
  onSearch,
  searchRef,
  filter,
  onFilter,
  counts,
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
          placeholder="Search name, image, id, port, label…  ( / )"
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          aria-label="Search containers"
          aria-keyshortcuts="/"
        />
      </label>
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
