import { describe, expect, it } from 'vitest'
import { ProtocolError, normalizeSnapshot, parseMessage } from './protocol'

describe('parseMessage', () => {
  it('fills in the nulls Go sends for empty lists and maps', () => {
    const m = parseMessage(
      JSON.stringify({
        v: 2,
        type: 'snapshot',
        seq: 4,
        data: {
          seq: 4,
          engines: null,
          containers: [
            { engine: 'local', id: 'a', name: 'x', state: 'running', ports: null, mounts: null, labels: null },
          ],
          stats: null,
          events: null,
        },
      }),
    )
    expect(m.type).toBe('snapshot')
    if (m.type !== 'snapshot') return
    expect(m.data.engines).toEqual([])
    expect(m.data.stats).toEqual([])
    expect(m.data.events).toEqual([])
    expect(m.data.containers[0]).toMatchObject({ ports: [], mounts: [], labels: {} })
  })

  it('normalizes stats batches and upserts', () => {
    const stats = parseMessage('{"v":2,"type":"stats","seq":2,"data":{"samples":null}}')
    expect(stats).toEqual({ v: 2, type: 'stats', seq: 2, data: { samples: [] } })
    const upsert = parseMessage(
      '{"v":2,"type":"container.upsert","seq":3,"data":{"engine":"e","id":"i","labels":{"a":"b"}}}',
    )
    expect(upsert.type === 'container.upsert' && upsert.data.labels).toEqual({ a: 'b' })
  })

  it('wraps unknown types so they can advance seq', () => {
    expect(parseMessage('{"v":2,"type":"image.upsert","seq":9,"data":{"id":"x"}}')).toEqual({
      v: 2,
      type: 'unknown',
      rawType: 'image.upsert',
      seq: 9,
      data: { id: 'x' },
    })
  })

  it('parses engine.remove, a protocol 2 message', () => {
    expect(parseMessage('{"v":2,"type":"engine.remove","seq":4,"data":{"engine":"colima","extra":1}}')).toEqual({
      v: 2,
      type: 'engine.remove',
      seq: 4,
      data: { engine: 'colima' },
    })
  })

  it.each([
    ['{"v":2,"type":"engine.remove","seq":4,"data":{}}', 'engine.remove: no engine name'],
    ['not json', 'invalid JSON frame'],
    ['[1,2]', 'frame is not an object'],
    ['{"v":1,"type":"hello","seq":0,"data":{}}', 'protocol version 1, want 2'],
    ['{"v":2,"seq":0,"data":{}}', 'frame has no type'],
    ['{"v":2,"type":"stats","seq":-1,"data":{}}', 'stats: bad seq -1'],
    ['{"v":2,"type":"event","seq":1,"data":null}', 'event: data is not an object'],
  ])('rejects %s', (frame, message) => {
    expect(() => parseMessage(frame)).toThrow(ProtocolError)
    expect(() => parseMessage(frame)).toThrow(message)
  })
})

describe('normalizeSnapshot', () => {
  it('uses the envelope seq when the body has none', () => {
    expect(normalizeSnapshot({}, 7)).toEqual({ seq: 7, engines: [], containers: [], stats: [], events: [] })
  })
})
