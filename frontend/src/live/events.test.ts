import { describe, expect, it } from 'vitest'
import { event, msg, snapshot } from '../livetest'
import { newEventsOf } from './events'
import { applySnapshot, emptyLiveData } from './reducer'

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
