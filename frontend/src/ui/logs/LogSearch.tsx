// The search box: plain text or a regular expression, the count, and the way
// to the next and previous match (Enter, Shift+Enter).

import { useId, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import { Icon } from '../Icon'

export function LogSearch({
  query,
  onQuery,
  regex,
  onRegex,
  matchCase,
  onMatchCase,
  error,
  pending,
  total,
  current,
  onStep,
  inputRef,
}: {
  query: string
  onQuery: (query: string) => void
  regex: boolean
  onRegex: (regex: boolean) => void
  matchCase: boolean
  onMatchCase: (matchCase: boolean) => void
  error: string | undefined
  /** The count is still for an earlier query (a long search is under way). */
  pending: boolean
  total: number
  /** The current match, 0-based, if one is chosen. */
  current: number | null
  onStep: (direction: 1 | -1) => void
  inputRef: RefObject<HTMLInputElement | null>
}) {
  const errorId = useId()
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault()
      onStep(e.shiftKey ? -1 : 1)
    } else if (e.key === 'Escape' && query) {
      e.preventDefault()
      e.stopPropagation()
      onQuery('')
    }
  }
  const count = error
    ? ''
    : query === ''
      ? ''
      : pending
        ? 'Searching…'
        : total === 0
        ? 'No matches'
        : current === null
          ? `${total.toLocaleString()} ${total === 1 ? 'match' : 'matches'}`
          : `${(current + 1).toLocaleString()} of ${total.toLocaleString()}`
  return (
    <div className="log-search-group">
      <label className="search log-search" data-invalid={error ? true : undefined}>
        <Icon name="search" />
        <span className="visually-hidden">Search the logs</span>
        <input
          ref={inputRef}
          type="search"
          placeholder={regex ? 'Regular expression' : 'Search the logs'}
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={onKeyDown}
          aria-label="Search the logs"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          spellCheck={false}
        />
      </label>
      <Toggle label="Regular expression" on={regex} onChange={onRegex}>
        .*
      </Toggle>
      <Toggle label="Match case" on={matchCase} onChange={onMatchCase}>
        Aa
      </Toggle>
      <button type="button" className="small-button" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={total === 0} onClick={() => onStep(-1)}>
        ↑
      </button>
      <button type="button" className="small-button" aria-label="Next match" title="Next match (Enter)" disabled={total === 0} onClick={() => onStep(1)}>
        ↓
      </button>
      <span className="log-count muted" role="status" aria-label="Search matches">
        {count}
      </span>
      {error && (
        <span id={errorId} className="log-search-error bad-text" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}

function Toggle({ label, on, onChange, children }: { label: string; on: boolean; onChange: (on: boolean) => void; children: ReactNode }) {
  return (
    <button type="button" className="small-button log-toggle" aria-pressed={on} aria-label={label} title={label} onClick={() => onChange(!on)}>
      {children}
    </button>
  )
}
