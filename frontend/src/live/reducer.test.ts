import { describe, expect, it } from 'vitest'
import { container, engine, event, msg, snapshot, stats } from '../livetest'
import { MAX_EVENTS, applyMessage, applySnapshot, emptyLiveData, type ApplyResult, type LiveData } from './reducer'
import type { ServerMessage } from './types'

/** Applies messages in order, failing the test on any gap. */
function applyAll(state: LiveData, ...messages: ServerMessage[]): LiveData {
  for (const m of messages) {
    const r = applyMessage(state, m)
    if (!r.ok) throw new Error(`unexpected gap at ${m.type} seq ${m.seq}: ${JSON.stringify(r.gap)}`)
    state = r.state
  }
  return state
}

const web = container({ id: 'c1', name: 'web' })
const db = container({ id: 'c2', name: 'db', image: 'postgres:16' })
const synced = () => applyAll(emptyLiveData, msg.snapshot({ seq: 10, containers: [web, db], stats: [stats()] }))

describe('applySnapshot', () => {
  it('replaces everything and keys containers by engine/id', () => {
    const before = applyAll(emptyLiveData, msg.snapshot({ seq: 3, containers: [container({ id: 'old' })] }))
    const s = applySnapshot(before, {
      seq: 42,
      engines: [engine()],
      containers: [web, db, container({ engine: 'remote', id: 'c1', name: 'web-remote' })],
      stats: [stats({ id: 'c1' }), stats({ id: 'c2', cpuPercent: 3 })],
      events: [],
    })
    expect(s.synced).toBe(true)
    expect(s.lastSeq).toBe(42)
    expect([...s.containers.keys()].sort()).toEqual(['local/c1', 'local/c2', 'remote/c1'])
    expect(s.stats.get('local/c2')?.cpuPercent).toBe(3)
    expect(s.engines.get('local')?.version).toBe('20.10.24')
  })

  it('keeps no stats for containers that are not running', () => {
    const s = applySnapshot(emptyLiveData, {
      seq: 1,
      engines: [],
      containers: [web, container({ id: 'c3', state: 'exited', exitCode: 1 })],
      stats: [stats({ id: 'c1' }), stats({ id: 'c3' }), stats({ id: 'unknown' })],
      events: [],
    })
    expect([...s.stats.keys()]).toEqual(['local/c1'])
  })

  it('orders events newest first and bounds them', () => {
    const events = Array.from({ length: MAX_EVENTS + 20 }, (_, i) => event({ actorId: `a${i}`, timeNano: i * 1000 }))
    const s = applySnapshot(emptyLiveData, { seq: 1, engines: [], containers: [], stats: [], events })
    expect(s.events).toHaveLength(MAX_EVENTS)
    expect(s.events[0]?.actorId).toBe(`a${MAX_EVENTS + 19}`)
    expect(s.events.at(-1)?.actorId).toBe('a20')
  })
})

describe('applyMessage deltas', () => {
  it('upserts a new container and replaces an existing one', () => {
    const s = applyAll(
      synced(),
      msg.upsert(11, container({ id: 'c9', name: 'cache' })),
      msg.upsert(12, { ...web, image: 'nginx:1.28' }),
    )
    expect(s.lastSeq).toBe(12)
    expect(s.containers.size).toBe(3)
    expect(s.containers.get('local/c9')?.name).toBe('cache')
    expect(s.containers.get('local/c1')?.image).toBe('nginx:1.28')
  })

  it('drops stats when a container stops running', () => {
    const before = synced()
    expect(before.stats.has('local/c1')).toBe(true)
    const s = applyAll(before, msg.upsert(11, { ...web, state: 'exited', exitCode: 137 }))
    expect(s.stats.has('local/c1')).toBe(false)
    expect(s.containers.get('local/c1')?.exitCode).toBe(137)
  })

  it('removes a container and its stats', () => {
    const s = applyAll(synced(), msg.remove(11, 'local', 'c1'))
    expect(s.containers.has('local/c1')).toBe(false)
    expect(s.stats.has('local/c1')).toBe(false)
    expect(s.containers.has('local/c2')).toBe(true)
    expect(s.lastSeq).toBe(11)
  })

  it('applies a stats batch only to running and paused containers', () => {
    const before = applyAll(synced(), msg.upsert(11, { ...db, state: 'exited' }))
    const s = applyAll(
      before,
      msg.stats(12, [stats({ id: 'c1', cpuPercent: 80 }), stats({ id: 'c2', cpuPercent: 1 }), stats({ id: 'ghost' })]),
    )
    expect(s.stats.get('local/c1')?.cpuPercent).toBe(80)
    expect(s.stats.has('local/c2')).toBe(false)
    // Paused: frozen, but its memory is still held and the engine reports it.
    const paused = applyAll(s, msg.upsert(13, { ...db, state: 'paused' }), msg.stats(14, [stats({ id: 'c2', cpuPercent: 0, memoryUsage: 7 })]))
    expect(paused.stats.get('local/c2')?.memoryUsage).toBe(7)
    expect(s.stats.has('local/ghost')).toBe(false)
    expect(s.lastSeq).toBe(12)
  })

  it('prepends events and keeps at most MAX_EVENTS', () => {
    let s = synced()
    for (let i = 0; i < MAX_EVENTS + 5; i++) {
      s = applyAll(s, msg.event(11 + i, event({ actorId: `e${i}`, timeNano: i })))
    }
    expect(s.events).toHaveLength(MAX_EVENTS)
    expect(s.events[0]?.actorId).toBe(`e${MAX_EVENTS + 4}`)
    expect(s.events[1]?.actorId).toBe(`e${MAX_EVENTS + 3}`)
    expect(s.events.at(-1)?.actorId).toBe('e5')
  })

  it('replaces an engine with the facts and status a message carries', () => {
    let s = applyAll(synced(), msg.engine(11, { status: 'down', reason: 'socket refused', since: 5 }))
    expect(s.engines.get('local')).toMatchObject({ status: 'down', reason: 'socket refused', version: '20.10.24' })
    s = applyAll(s, msg.engine(12, { status: 'up', since: 9, version: '27.1.0' }))
    expect(s.engines.get('local')).toMatchObject({ status: 'up', since: 9, version: '27.1.0' })
    expect(s.engines.get('local')?.reason).toBeUndefined()
  })

  it('drops the samples of an engine that is not up, and only those', () => {
    let s = applyAll(
      synced(),
      msg.upsert(11, container({ id: 'a', state: 'running' })),
      msg.upsert(12, container({ engine: 'remote', id: 'b', state: 'running' })),
      msg.stats(13, [stats({ id: 'a' }), stats({ engine: 'remote', id: 'b' })]),
    )
    expect(s.stats.has('local/a') && s.stats.has('remote/b')).toBe(true)
    const containers = s.containers.size
    s = applyAll(s, msg.engine(14, { status: 'down', reason: 'unexpected EOF', since: 5 }))
    expect([...s.stats.keys()]).toEqual(['remote/b'])
    expect(s.containers.size).toBe(containers) // the last known picture stays
  })

  it('adds an engine it has not seen', () => {
    const s = applyAll(synced(), msg.engine(11, { engine: 'remote', status: 'connecting', since: 1 }))
    expect(s.engines.get('remote')?.status).toBe('connecting')
    expect(s.engines.size).toBe(2)
  })

  it('drops a removed engine with its containers, samples and status, but keeps its events', () => {
    let s = applyAll(
      synced(),
      msg.engine(11, { engine: 'remote', status: 'up', since: 1 }),
      msg.upsert(12, container({ engine: 'remote', id: 'b', state: 'running' })),
      msg.upsert(13, container({ id: 'a', state: 'running' })),
      msg.stats(14, [stats({ id: 'a' }), stats({ engine: 'remote', id: 'b' })]),
      msg.stats(15, [stats({ engine: 'remote', id: 'b', read: 1_700_000_003_000 })]),
      msg.event(16, event({ engine: 'remote', actorId: 'b' })),
    )
    expect(s.rates.has('remote/b')).toBe(true)
    s = applyAll(s, msg.engineRemove(17, 'remote'))
    expect(s.lastSeq).toBe(17)
    expect([...s.engines.keys()]).toEqual(['local'])
    expect([...s.containers.keys()].sort()).toEqual(['local/a', 'local/c1', 'local/c2'])
    expect([...s.stats.keys()].sort()).toEqual(['local/a', 'local/c1'])
    expect(s.rates.has('remote/b')).toBe(false)
    expect(s.events.map((e) => e.engine)).toEqual(['remote'])
  })

  it('an engine removed that it never knew changes nothing but seq', () => {
    const before = synced()
    const s = applyAll(before, msg.engineRemove(11, 'elsewhere'))
    expect(s.lastSeq).toBe(11)
    expect(s.containers).toBe(before.containers)
    expect(s.engines).toBe(before.engines)
  })

  it('advances seq for an unknown message type without changing data', () => {
    const before = synced()
    const s = applyAll(before, { v: 2, type: 'unknown', rawType: 'image.upsert', seq: 11, data: {} })
    expect(s.lastSeq).toBe(11)
    expect(s.containers).toBe(before.containers)
  })
})

describe('sequence', () => {
  const gapOf = (r: ApplyResult) => (r.ok ? null : r.gap)

  it('reports a jump in seq as a gap and does not apply the delta', () => {
    const before = synced()
    const r = applyMessage(before, msg.upsert(12, container({ id: 'c9' })))
    expect(gapOf(r)).toEqual({ expected: 11, got: 12, type: 'container.upsert' })
    expect(r.state.containers.has('local/c9')).toBe(false)
    expect(r.state.synced).toBe(false)
    expect(r.state.lastSeq).toBe(10)
  })

  it('reports a repeated seq as a gap', () => {
    const r = applyMessage(synced(), msg.stats(10, [stats()]))
    expect(gapOf(r)).toEqual({ expected: 11, got: 10, type: 'stats' })
  })

  it('reports a delta before any snapshot as a gap', () => {
    const r = applyMessage(emptyLiveData, msg.upsert(1, web))
    expect(gapOf(r)).toEqual({ expected: null, got: 1, type: 'container.upsert' })
    expect(r.state.containers.size).toBe(0)
  })

  it('keeps reporting gaps after one until a snapshot resyncs', () => {
    const after = applyMessage(synced(), msg.upsert(15, web)).state
    expect(applyMessage(after, msg.upsert(11, web)).ok).toBe(false)
    const resynced = applyAll(after, msg.snapshot({ seq: 20, containers: [web] }), msg.upsert(21, db))
    expect(resynced.synced).toBe(true)
    expect(resynced.lastSeq).toBe(21)
  })

  it('heartbeat does not advance seq', () => {
    const s = applyAll(synced(), msg.heartbeat(10), msg.heartbeat(10))
    expect(s.lastSeq).toBe(10)
    expect(applyAll(s, msg.upsert(11, db)).lastSeq).toBe(11)
  })

  it('a heartbeat ahead of lastSeq reveals a lost delta', () => {
    const r = applyMessage(synced(), msg.heartbeat(11))
    expect(gapOf(r)).toEqual({ expected: 10, got: 11, type: 'heartbeat' })
  })

  it('hello is recorded and does not touch seq', () => {
    const s = applyAll(synced(), msg.hello({ heartbeatMs: 2000 }, 99))
    expect(s.hello?.heartbeatMs).toBe(2000)
    expect(s.lastSeq).toBe(10)
  })
})

describe('rates', () => {
  it('are computed from consecutive samples and their read times', () => {
    let data = applySnapshot(emptyLiveData, snapshot({ seq: 1, engines: [engine()], containers: [container({ id: 'a' })] }))
    const s1 = stats({ id: 'a', read: 10_000, networkRx: 1000, networkTx: 0, blockRead: 0, blockWrite: 100 })
    const s2 = stats({ id: 'a', read: 12_000, networkRx: 5000, networkTx: 2048, blockRead: 0, blockWrite: 50 })
    let r = applyMessage(data, msg.stats(2, [s1]))
    data = r.state
    expect(data.rates.has('local/a')).toBe(false)
    r = applyMessage(data, msg.stats(3, [s2]))
    // Counters that went down (a restart) give 0, not a negative rate.
    expect(r.state.rates.get('local/a')).toEqual({ netRx: 2000, netTx: 1024, blockRead: 0, blockWrite: 0 })
    // A stop drops the rates with the sample.
    const stopped = applyMessage(r.state, msg.upsert(4, container({ id: 'a', state: 'exited' })))
    expect(stopped.state.rates.size).toBe(0)
    expect(stopped.state.stats.size).toBe(0)
  })
})

describe('several engines', () => {
  const up = engine({ engine: 'one' })
  const down = engine({ engine: 'two', status: 'down', reason: 'EOF' })
  const a = container({ engine: 'one', id: 'a', name: 'a' })
  const b = container({ engine: 'two', id: 'b', name: 'b' })

  it('a snapshot keeps no sample of an engine that is not up, and keeps those of the others', () => {
    const s = applySnapshot(emptyLiveData, snapshot({ engines: [up, down], containers: [a, b], stats: [stats({ engine: 'one', id: 'a' }), stats({ engine: 'two', id: 'b' })] }))
    expect([...s.stats.keys()]).toEqual(['one/a'])
  })

  it('a stats batch racing an engine going down keeps only the live engine’s samples', () => {
    const s = applyAll(
      emptyLiveData,
      msg.snapshot({ seq: 1, engines: [up, engine({ engine: 'two' })], containers: [a, b] }),
      msg.engine(2, { engine: 'two', status: 'down', reason: 'EOF' }),
      msg.stats(3, [stats({ engine: 'one', id: 'a' }), stats({ engine: 'two', id: 'b' })]),
    )
    expect([...s.stats.keys()]).toEqual(['one/a'])
  })
})
