// The engine's events, newest first (the store keeps at most MAX_EVENTS), each
// as one line that says what it means. Virtualized like the table.

import { memo, useEffect, useMemo, useRef, useState } from 'react'
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual'
import { eventSubject, eventsCompleteSince, useEventsData, type DockerEvent } from '../live'
import { PAST_EVENT, describeEvent, describeNoEvents, eventTone, formatEventTime, formatTimestamp } from '../format'
import { useNow } from './useNow'
import './EventsFeed.css'

const ROW = 26

/** The order of String.localeCompare, without its cost per call. */
const byName = new Intl.Collator()

// Memoized: the table's stats batches render the App every second, and
// nothing here changes with them.
export const EventsFeed = memo(function EventsFeed({ onSelectContainer }: { onSelectContainer: (key: string) => void }) {
  // Not the whole LiveData: a stats batch changes nothing here.
  const data = useEventsData()
  const now = useNow(60_000)
  const [type, setType] = useState('all')
  const [who, setWho] = useState('all')
  // With more than one engine, each line names its engine.
  const many = data.engines.size > 1

  const types = useMemo(() => [...new Set(data.events.map((e) => e.type))].sort(), [data.events])
  // Every pause or unpause changes the containers (and so data): the names
  // are sorted again only when one comes or goes.
  const lastNames = useRef<readonly string[]>([])
  const names = useMemo(() => {
    const set = new Set<string>()
    for (const e of data.events) if (e.type === 'container') set.add(eventSubject(e, data))
    const last = lastNames.current
    if (set.size === last.length && last.every((n) => set.has(n))) return last
    return [...set].sort(byName.compare)
  }, [data])
  useEffect(() => {
    lastNames.current = names
  })
  const events = useMemo(
    () =>
      data.events.filter(
        (e) => (type === 'all' || e.type === type) && (who === 'all' || (e.type === 'container' && eventSubject(e, data) === who)),
      ),
    [data, type, who],
  )

  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 8,
    initialRect: { width: 500, height: 300 },
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => {
        if (rect.height > 0) cb(rect)
      }),
  })

  return (
    <section className="events" aria-label="Engine events">
      <header className="panel-head">
        <h2>Events</h2>
        <label>
          <span className="visually-hidden">Event type</span>
          <select value={type} onChange={(e) => setType(e.target.value)} aria-label="Filter events by type">
            <option value="all">All types</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="visually-hidden">Container</span>
          <select value={who} onChange={(e) => setWho(e.target.value)} aria-label="Filter events by container">
            <option value="all">All containers</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </header>
      <div ref={scroller} className="events-list" role="log" aria-label="Events, newest first" aria-live="off" tabIndex={0}>
        {events.length === 0 ? (
          <p className="muted empty-small">{data.events.length === 0 ? describeNoEvents(eventsCompleteSince(data), now, 'events') : 'No events match.'}</p>
        ) : (
          <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((vi) => {
              const e = events[vi.index] as DockerEvent
              const clickable = e.type === 'container' && data.containers.has(`${e.engine}/${e.actorId}`)
              return (
                <div
                  key={`${e.timeNano}-${e.actorId}-${e.action}`}
                  role="listitem"
                  className="event-row"
                  data-clickable={clickable || undefined}
                  style={{ transform: `translateY(${vi.start}px)`, height: ROW }}
                  onClick={clickable ? () => onSelectContainer(`${e.engine}/${e.actorId}`) : undefined}
                  title={`${formatTimestamp(e.timeNano / 1e6)} · ${many ? `engine ${e.engine} · ` : ''}${e.type} ${e.action} · ${e.actorId}${e.backfill ? ` · ${PAST_EVENT}` : ''}`}
                >
                  <time className="mono muted" dateTime={new Date(e.timeNano / 1e6).toISOString()}>
                    {formatEventTime(e.timeNano / 1e6, now)}
                  </time>
                  <span className="dot" data-tone={eventTone(e)} aria-hidden="true" />
                  {many && <EventEngine engine={e.engine} />}
                  <span className="event-text">{describeEvent(e, data)}</span>
                </div>
              )
            })}
          </div>
        )}
      </div>
    </section>
  )
})

/** The engine an event came from, at the start of its line (only with more than one engine). */
export function EventEngine({ engine }: { engine: string }) {
  return (
    <span className="event-engine" title={`engine ${engine}`}>
      <span className="visually-hidden">engine </span>
      {engine}
      <span className="visually-hidden">:</span>
    </span>
  )
}
