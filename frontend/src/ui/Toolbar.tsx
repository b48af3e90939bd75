// Above the table: search, the state filter, grouping, the sampling cadence,
// whether the order is held, and the way to the keyboard shortcuts.

import type { RefObject } from 'react'
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
      <div className="segmented" role="radiogroup" aria-label="Filter by state">
        {STATE_FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            role="radio"
            aria-checked={filter === f.value}
            data-problems={f.value === 'problems' && counts.problems > 0 ? 'true' : undefined}
            onClick={() => onFilter(f.value)}
          >
            {f.label} <span className="count-badge">{counts[f.value]}</span>
          </button>
        ))}
      </div>
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
