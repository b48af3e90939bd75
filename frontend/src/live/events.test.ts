import { describe, expect, it } from 'vitest'
import { engine, event, msg, snapshot } from '../livetest'
import { eventsCompleteSince, newEventsOf } from './events'
import { MAX_EVENTS, applySnapshot, emptyLiveData } from './reducer'

describe('newEventsOf', () => {
  it('a polled snapshot brings as news only the events newer than those known', () => {
    const old = event({ actorId: 'a', action: 'start', timeNano: 10 })
    const s1 = applySnapshot(emptyLiveData, snapshot({ seq: 1, events: [old] }))
    // The first snapshot is history, not news.
    expect(newEventsOf(msg.snapshot({ seq: 1, events: [old] }), emptyLiveData)).toEqual([])
    const fresh = event({ actorId: 'a', action: 'die', timeNano: 20, attributes: { exitCode: '1' } })
    expect(newEventsOf(msg.snapshot({ seq: 5, events: [old, fresh] }), s1)).toEqual([fresh])
  })
})

describe('eventsCompleteSince', () => {
  it("is the engine's history reach, unknown until read, and the oldest kept event once the list is full", () => {
    const unread = applySnapshot(emptyLiveData, snapshot({ seq: 1, engines: [engine()] }))
    expect(eventsCompleteSince(unread, 'local')).toBeNull()
    expect(eventsCompleteSince(emptyLiveData)).toBeNull()
    const read = applySnapshot(emptyLiveData, snapshot({ seq: 1, engines: [engine({ eventsSince: 5_000 })] }))
    expect(eventsCompleteSince(read, 'local')).toBe(5_000)
    expect(eventsCompleteSince(read)).toBe(5_000)
    expect(eventsCompleteSince(read, 'other')).toBeNull()
    const many = Array.from({ length: MAX_EVENTS }, (_, i) => event({ actorId: 'a', timeNano: (9_000 + i) * 1e6 }))
    const full = applySnapshot(emptyLiveData, snapshot({ seq: 1, engines: [engine({ eventsSince: 5_000 })], events: many }))
    expect(eventsCompleteSince(full, 'local')).toBe(9_000)
  })
})
