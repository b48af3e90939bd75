// The lines, virtualized: only the rows in view (and a few around them) are in
// the page, whatever the buffer holds. Follows the newest line until the
// person scrolls up; keeps the row being read in place when lines are added
// or dropped around it.

import { useCallback, useEffect, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import { measureElement, observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import { LogRow } from './LogRow'
import { lineKey, useLineKeys } from './lineKeys'
import { locate } from './locate'
import type { Matcher, Range } from './search'
import type { LogLine } from './types'

/** A row's height without wrapping (LogView.css: --log-row). */
export const ROW = 20
const LOAD_BAR = 36
/** How close to the end counts as at the end, in pixels. */
const AT_END = 4
const NONE: readonly Range[] = []
const SCROLL_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End', ' '])

/** The height in view: the element's, or the virtualizer's idea of it where there is no layout. */
function viewport(el: HTMLElement, v: Virtualizer<HTMLDivElement, HTMLDivElement>): number {
  return el.clientHeight || v.scrollRect?.height || 0
}

function setTop(el: HTMLElement, top: number) {
  if (Math.abs(el.scrollTop - top) > 0.5) el.scrollTop = top
}

export interface Jump {
  index: number
  seq: number
}

export function LogList({
  lines,
  label,
  following,
  onFollowing,
  jump,
  matcher,
  active,
  timestamps,
  wrap,
  containerOf,
  loadEarlier,
  range,
  empty,
}: {
  lines: readonly LogLine[]
  label: string
  following: boolean
  onFollowing: (following: boolean) => void
  /** Scroll to a line (a search match); a new seq each time. */
  jump: Jump | null
  matcher: Matcher | null
  /** The current match: its line's index and which of the line's matches. */
  active: { index: number; n: number } | null
  timestamps: boolean
  wrap: boolean
  containerOf: (line: LogLine) => { name: string; slot: number } | undefined
  /** The "load earlier" control above the first line, if any. */
  loadEarlier: ReactNode
  /** Set to the indexes of the first and last rows in view, for a search that starts there. */
  range: RefObject<{ start: number; end: number }>
  empty: ReactNode
}) {
  const scroller = useRef<HTMLDivElement>(null)
  const vRef = useRef<Virtualizer<HTMLDivElement, HTMLDivElement> | null>(null)
  const latest = useRef({ following, onFollowing })
  useLayoutEffect(() => {
    latest.current = { following, onFollowing }
  })
  // Whether the last scroll may be the person's (a wheel, a key, a drag), not a jump of ours.
  const intent = useRef(true)
  const lastTop = useRef(0)
  // The frame that scrolls to the newest line while following, if one is asked for.
  const endFrame = useRef(0)

  // Registered before the virtualizer's own listener, so that a pause is
  // decided before it renders the new position.
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const onScroll = () => {
      const v = vRef.current
      if (!v) return
      const top = el.scrollTop
      const atEnd = v.getTotalSize() - top - viewport(el, v) <= AT_END
      const { following, onFollowing } = latest.current
      if (following && !atEnd && top < lastTop.current - 1) {
        // The person scrolled up: the view stays where they took it.
        cancelAnimationFrame(endFrame.current)
        endFrame.current = 0
        onFollowing(false)
      } else if (!following && atEnd && top > lastTop.current && intent.current) onFollowing(true)
      lastTop.current = top
    }
    const onIntent = () => {
      intent.current = true
    }
    el.addEventListener('scroll', onScroll, { passive: true })
    for (const type of ['wheel', 'touchstart', 'pointerdown', 'keydown'] as const) el.addEventListener(type, onIntent, { passive: true })
    return () => {
      el.removeEventListener('scroll', onScroll)
      for (const type of ['wheel', 'touchstart', 'pointerdown', 'keydown'] as const) el.removeEventListener(type, onIntent)
    }
  }, [])

  // Unwrapped, every row is ROW high and none is measured: the virtualizer
  // keys its rows by index, so a full buffer that drops as many lines as it
  // takes (the same count) costs it nothing, and no key is made for lines
  // never shown. Wrapped, a row's measured height belongs to its line: the
  // keys follow the lines (a non-negative key; an index key is negative).
  const keys = useLineKeys(lines, wrap)
  const getItemKey = useCallback((i: number) => (wrap ? keys[i]! : -1 - i), [keys, wrap])
  const padding = loadEarlier ? LOAD_BAR : 0
  const v = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    getItemKey,
    // Rows beyond the view are there for a scroll; following, the view is
    // at the end and every row changes at each notification: two will do.
    overscan: following ? 2 : 12,
    paddingStart: padding,
    initialRect: { width: 800, height: 400 },
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => {
        if (rect.height > 0) cb(rect)
      }),
    measureElement: (el, entry, instance) => {
      const h = measureElement(el, entry, instance)
      return h > 0 ? h : ROW
    },
    // Plain scrollTop: no smooth scrolling to race with the lines coming in.
    scrollToFn: (offset, { adjustments = 0 }, instance) => {
      const el = instance.scrollElement
      if (el) el.scrollTop = offset + adjustments
    },
  })
  useLayoutEffect(() => {
    vRef.current = v
  })

  // The virtualizer keeps every height it measured: forget those of lines
  // long gone, now and then.
  useLayoutEffect(() => {
    const sizes = v.itemSizeCache
    if (!wrap || sizes.size <= 2 * keys.length + 10_000) return
    const live = new Set<number>(keys)
    for (const key of sizes.keys()) if (!live.has(key as number)) sizes.delete(key)
  }, [keys, v, wrap])

  // Also brings the measurements up to date with the lines.
  const total = v.getTotalSize()

  // While paused, the row at the top of the view stays there when lines are
  // dropped before it (the buffer's bound) or loaded before it. Decided here,
  // before the rows in view are chosen, so that no row renders at a position
  // it leaves at once; the element follows in the layout effect.
  const anchor = useRef<{ line: LogLine; index: number; delta: number } | null>(null)
  let anchoredTop: number | null = null
  if (!following && anchor.current) {
    const a = anchor.current
    const at = locate(lines, a.line, a.index)
    const item = at >= 0 && at !== a.index ? v.measurementsCache[at] : undefined
    if (item) {
      anchoredTop = Math.max(0, item.start + a.delta)
      v.scrollOffset = anchoredTop
    }
  }
  useLayoutEffect(() => {
    const el = scroller.current
    if (el && anchoredTop !== null) setTop(el, anchoredTop)
  }, [anchoredTop])
  // After every render: the row at the top of the view, for the next change.
  // From the virtualizer's position, not the element's: no layout forced here.
  useLayoutEffect(() => {
    const top = v.scrollOffset ?? 0
    const item = v.getVirtualItemForOffset(top)
    const line = item ? lines[item.index] : undefined
    anchor.current = item && line ? { line, index: item.index, delta: top - item.start } : null
  })

  // Following: the newest line stays in view as lines come and rows are
  // measured. The rows at the end are chosen in this render already (so the
  // scroll that follows brings no second render and layout); the element is
  // then scrolled past its end, which the browser stops at the end, without
  // reading its size first. The scroll waits for the frame: set here, it
  // would lay out the rows just committed inside the task that committed
  // them (a flood's every notification); in the frame's callback they are
  // laid out once, with the frame.
  if (following && lines.length > 0) {
    const end = Math.max(0, total - (v.scrollRect?.height ?? 0))
    if (v.scrollOffset !== end) v.scrollOffset = end
  }
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el || !following || lines.length === 0) return
    endFrame.current = requestAnimationFrame(() => {
      endFrame.current = 0
      el.scrollTop = total
      lastTop.current = el.scrollTop
    })
    // The next commit asks for its own frame; a pause or unmount asks for none.
    return () => {
      cancelAnimationFrame(endFrame.current)
      endFrame.current = 0
    }
  }, [following, lines, total])

  // Following again starts the lines at their start, wherever a match had taken the view sideways.
  useLayoutEffect(() => {
    if (following && scroller.current) scroller.current.scrollLeft = 0
  }, [following])

  const revealing = useRef(false)
  useLayoutEffect(() => {
    if (!jump) return
    intent.current = false
    revealing.current = true
    const el = scroller.current
    const item = v.measurementsCache[jump.index]
    if (!el || !item) return
    // Centred in the view, as far as the list's ends allow.
    const view = viewport(el, v)
    setTop(el, Math.max(0, Math.min(item.start - (view - item.size) / 2, v.getTotalSize() - view)))
  }, [jump, v])
  // Once the current match's row is in the page, bring the match into view sideways too.
  useEffect(() => {
    if (!revealing.current) return
    const el = scroller.current
    const mark = el?.querySelector<HTMLElement>('mark[data-active]')
    if (!el || !mark) return
    revealing.current = false
    const box = el.getBoundingClientRect()
    const m = mark.getBoundingClientRect()
    if (m.left < box.left || m.right > box.right) el.scrollLeft += m.left - box.left - box.width / 3
  })

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    // The keys that scroll the lines are the list's: the page's shortcuts
    // (the table's arrows, Home, End) must not take them.
    if (SCROLL_KEYS.has(e.key)) e.stopPropagation()
    if (e.key === 'End') {
      e.preventDefault()
      onFollowing(true)
    } else if (e.key === 'Home') {
      e.preventDefault()
      onFollowing(false)
      setTop(e.currentTarget, 0)
    }
  }

  const items = v.getVirtualItems()
  // Following a flood, each notification brings a new line to every row in
  // view: rows keyed by their place are then updated where they are rather
  // than removed and made again (their elements, their styles). Paused, or
  // wrapped (measured), a row belongs to its line: lines dropped or loaded
  // before it move it, and it does not render again.
  const byPlace = following && !wrap
  useEffect(() => {
    // The rows in view, without the overscan.
    const top = v.scrollOffset ?? 0
    const first = v.getVirtualItemForOffset(top)
    const last = v.getVirtualItemForOffset(Math.max(0, top + (v.scrollRect?.height ?? 0) - 1))
    range.current = { start: first?.index ?? 0, end: last?.index ?? Math.max(0, lines.length - 1) }
  })

  return (
    <div
      ref={scroller}
      className="log-scroller"
      data-wrap={wrap || undefined}
      role="log"
      aria-label={label}
      aria-live="off"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      {lines.length === 0 && !loadEarlier ? (
        <p className="log-empty muted">{empty}</p>
      ) : (
        <div className="log-canvas" style={{ height: total }}>
          {loadEarlier && <div className="log-load-earlier">{loadEarlier}</div>}
          {/* Not positioned: the rows are placed in the canvas, the list holds only them. */}
          <div role="list">
          {items.map((vi) => {
            const line = lines[vi.index]!
            return (
              <div
                key={byPlace ? -1 - vi.index : lineKey(line)}
                ref={wrap ? v.measureElement : undefined}
                data-index={vi.index}
                className="log-row"
                data-stream={line.stream}
                role="listitem"
                aria-posinset={vi.index + 1}
                aria-setsize={lines.length}
                style={{ transform: `translateY(${vi.start}px)` }}
              >
                <LogRow
                  line={line}
                  ranges={matcher ? matcher.ranges(line) : NONE}
                  active={active?.index === vi.index ? active.n : -1}
                  timestamps={timestamps}
                  container={containerOf(line)}
                />
              </div>
            )
          })}
          </div>
        </div>
      )}
    </div>
  )
}
