// The log viewer: a container's lines (or a compose project's, merged), live.
// Presentational: the lines, status and notices come from the logs client;
// following, search, filters and how lines are shown are the viewer's own.
//
// It fills its parent's height (a flex column, or a box with a height): the
// list scrolls inside it. Lines are told apart by identity: a buffer that
// appends and drops keeps the line objects it has, and a line's new object is
// a new line. Keys: End follows, Home goes to the first line, / searches,
// Enter and Shift+Enter step through the matches, Escape closes the full view.

import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react'
import { errorText } from '../../live/errors'
import { copyText } from '../clipboard'
import { linesForCopy, linesForFile, downloadText } from './exportText'
import { LogList, type Jump } from './LogList'
import { locate } from './locate'
import { LogSearch } from './LogSearch'
import { ALL_CONTAINERS, LogActions, LogFilters } from './LogToolbar'
import { LogNotices, LogStatusLine } from './LogNotices'
import { containerKey, containerSlots } from './palette'
import { matchAt, matchNumber } from './search'
import { useLogSettings } from './settings'
import { useLogSearch } from './useLogSearch'
import type { LogContainer, LogLine, LogViewProps } from './types'
import '../Inspect.css'
import './LogView.css'

const SAID_MS = 4000

/** A project's labels get one width, so that the lines' text starts in one column. */
function labelWidth(containers: readonly LogContainer[]): CSSProperties | undefined {
  if (containers.length < 2) return undefined
  const longest = Math.max(...containers.map((c) => c.name.length))
  return { '--log-label': `${Math.min(longest, 18) + 1.5}ch` } as CSSProperties
}

export function LogView({
  lines,
  containers,
  status,
  notices,
  canLoadEarlier,
  atStart,
  loadingEarlier,
  onLoadEarlier,
  onPaused,
  fileName,
  variant,
  onOpenFull,
  onClose,
}: LogViewProps) {
  const [settings, change] = useLogSettings()
  const [query, setQuery] = useState('')
  const [container, setContainer] = useState(ALL_CONTAINERS)
  const [following, setFollowing] = useState(true)
  // The newest line shown when following stopped: what came after it is new.
  const [pausedAt, setPausedAt] = useState<LogLine | null>(null)
  const [active, setActive] = useState<{ line: LogLine; n: number; hint: number } | null>(null)
  const [jump, setJump] = useState<Jump | null>(null)
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null)
  const searchRef = useRef<HTMLInputElement>(null)

  const many = containers.length > 1
  const containerFilter = many && containers.some((c) => containerKey(c) === container) ? container : ALL_CONTAINERS
  const visible = useMemo(() => {
    if (settings.stream === 'all' && containerFilter === ALL_CONTAINERS) return lines
    return lines.filter(
      (l) => (settings.stream === 'all' || l.stream === settings.stream) && (containerFilter === ALL_CONTAINERS || containerKey(l) === containerFilter),
    )
  }, [lines, settings.stream, containerFilter])
  const filtered = visible !== lines

  // Each container's label and colour, one object each so that rows stay memoized.
  const containerOf = useMemo(() => {
    if (!many) return () => undefined
    const slots = containerSlots(containers)
    const byKey = new Map(containers.map((c) => [containerKey(c), { name: c.name, slot: slots.get(containerKey(c)) ?? 0 }]))
    return (line: LogLine) => {
      const key = containerKey(line)
      let c = byKey.get(key)
      if (!c) {
        c = { name: line.id.slice(0, 12), slot: 0 }
        byKey.set(key, c)
      }
      return c
    }
  }, [containers, many])
  const nameOf = many ? (l: LogLine) => containerOf(l)!.name : undefined

  // Searching 100,000 lines takes a while: typing stays responsive, the count follows.
  const search = useLogSearch(visible, query, { regex: settings.regex, matchCase: settings.matchCase })
  const { searched, matcher, matches } = search

  const activeIndex = active && matcher ? locate(visible, active.line, active.hint) : -1
  const current = activeIndex >= 0 && active && active.n < matcher!.ranges(active.line).length ? matchNumber(matches, activeIndex, active.n) : null

  const visibleRef = useRef(visible)
  useEffect(() => {
    visibleRef.current = visible
  })
  const follow = useCallback((on: boolean) => {
    setFollowing(on)
    setPausedAt(on ? null : (visibleRef.current.at(-1) ?? null))
  }, [])
  useEffect(() => onPaused?.(!following), [following, onPaused])
  // A new filter while paused: count new lines from its newest line on.
  useEffect(() => {
    setPausedAt((p) => (p ? (visibleRef.current.at(-1) ?? null) : p))
  }, [settings.stream, containerFilter])

  let newLines = 0
  if (!following && pausedAt) {
    const at = locate(visible, pausedAt, visible.length - 1)
    newLines = at < 0 ? visible.length : visible.length - 1 - at
  }

  const range = useRef({ start: 0, end: 0 })
  const step = (direction: 1 | -1) => {
    // Enter right after typing: the deferred search has not caught up yet, search now (plain text).
    const all = search.matchesOf(query)
    if (all.total === 0) return
    let k: number
    if (current !== null && searched === query) k = (current + direction + all.total) % all.total
    else if (direction === 1) k = matchNumber(all, range.current.start, 0) % all.total
    else k = (matchNumber(all, range.current.end + 1, 0) - 1 + all.total) % all.total
    const at = matchAt(all, k)
    if (!at) return
    setActive({ line: visible[at.index]!, n: at.n, hint: at.index })
    follow(false)
    setJump((j) => ({ index: at.index, seq: (j?.seq ?? 0) + 1 }))
  }

  useEffect(() => {
    if (!said?.ok) return
    const t = setTimeout(() => setSaid(null), SAID_MS)
    return () => clearTimeout(t)
  }, [said])
  const copy = (which: readonly LogLine[]) => {
    const n = which.length
    copyText(linesForCopy(which, { nameOf, timestamps: settings.timestamps })).then(
      () => setSaid({ ok: true, text: `Copied ${n.toLocaleString()} ${n === 1 ? 'line' : 'lines'}` }),
      (err: unknown) => setSaid({ ok: false, text: `Not copied: ${errorText(err)}. Select lines and copy them yourself, or download them.` }),
    )
  }
  const download = () => {
    try {
      downloadText(fileName, linesForFile(lines, { nameOf }))
    } catch (err) {
      setSaid({ ok: false, text: `Not downloaded: ${errorText(err)}` })
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return
    const t = e.target as HTMLElement
    const typing = t.tagName === 'INPUT' && (t as HTMLInputElement).type !== 'checkbox'
    if (typing || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA') return
    if (e.key === 'End') {
      e.preventDefault()
      follow(true)
    } else if (e.key === '/') {
      e.preventDefault()
      searchRef.current?.focus()
      searchRef.current?.select()
    } else if (e.key === 'Escape' && onClose && variant === 'full') {
      e.preventDefault()
      onClose()
    }
  }

  const label =
    containers.length === 1 ? `Logs of ${containers[0]!.name}` : containers.length > 1 ? `Logs of ${containers.length} containers` : 'Logs'
  const loadEarlier =
    canLoadEarlier || loadingEarlier ? (
      <button type="button" className="small-button" disabled={loadingEarlier} onClick={onLoadEarlier}>
        {loadingEarlier ? 'Loading earlier lines…' : 'Load earlier lines'}
      </button>
    ) : atStart ? (
      <span className="log-start">{containers.length > 1 ? 'Start of the logs' : 'Start of the log'}</span>
    ) : null

  return (
    <section className="logview" data-variant={variant} aria-label={label} onKeyDown={onKeyDown} style={labelWidth(containers)}>
      <div className="log-toolbar" role="toolbar" aria-label="Log controls">
        <LogSearch
          query={query}
          onQuery={(q) => {
            setQuery(q)
            setActive(null)
          }}
          regex={settings.regex}
          onRegex={(regex) => change({ regex })}
          matchCase={settings.matchCase}
          onMatchCase={(matchCase) => change({ matchCase })}
          error={search.error}
          pending={search.pending}
          total={matches.total}
          current={current}
          onStep={step}
          inputRef={searchRef}
        />
        <LogFilters
          stream={settings.stream}
          onStream={(stream) => change({ stream })}
          containers={containers}
          container={containerFilter}
          onContainer={setContainer}
          timestamps={settings.timestamps}
          onTimestamps={(timestamps) => change({ timestamps })}
          wrap={settings.wrap}
          onWrap={(wrap) => change({ wrap })}
        />
        <LogActions
          onCopyShown={() => copy(visible)}
          onCopyAll={() => copy(lines)}
          onDownload={download}
          filtered={filtered}
          fileName={fileName}
          said={said}
        />
        {variant === 'panel' && onOpenFull && (
          <button type="button" className="small-button" onClick={onOpenFull}>
            Full view
          </button>
        )}
        {onClose && (
          <button type="button" className="small-button" onClick={onClose} aria-label="Close the logs" title={variant === 'full' ? 'Close (Esc)' : 'Close'}>
            Close
          </button>
        )}
      </div>
      <LogNotices notices={notices} />
      <LogList
        lines={visible}
        label={label}
        following={following}
        onFollowing={follow}
        jump={jump}
        matcher={matcher}
        active={activeIndex >= 0 && active ? { index: activeIndex, n: active.n } : null}
        timestamps={settings.timestamps}
        wrap={settings.wrap}
        containerOf={containerOf}
        loadEarlier={loadEarlier}
        range={range}
        empty={lines.length === 0 ? 'No lines yet.' : 'No lines match the filters.'}
      />
      <LogStatusLine status={status} following={following} newLines={newLines} onFollow={() => follow(true)} shown={visible.length} all={lines.length} />
    </section>
  )
}
