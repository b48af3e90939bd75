import { describe, expect, it } from 'vitest'
import { logBatch } from '../../livetest'
import { ProtocolError } from '../protocol'
import type { LogLine } from '../types'
import { parseLastWords, parseLogMessage, parseLogPage } from './protocol'

const time = '2026-12-02T06:43:20.558123456Z'
const line: LogLine = { engine: 'default', id: 'c0ffee', time, stream: 'stderr', text: '<b>not html</b>' }
const frame = (type: string, data: unknown, seq = 1) => JSON.stringify({ v: 2, type, seq, data })

describe('parseLogMessage', () => {
  it('reads each message type of the logs socket', () => {
    expect(parseLogMessage(frame('logs.lines', logBatch([{ ...line, cut: 12, partial: false }])))).toEqual({
      v: 2,
      type: 'logs.lines',
      seq: 1,
      data: { lines: [{ ...line, cut: 12 }] },
    })
    expect(parseLogMessage(frame('logs.hello', { containers: [{ engine: 'default', id: 'c0ffee', name: 'web-1', tty: true }], maxLineBytes: 65536 })).type).toBe('logs.hello')
    expect(parseLogMessage(frame('logs.skipped', { engine: 'default', id: 'c0ffee', count: 3, from: time, to: time }))).toMatchObject({ data: { count: 3 } })
    expect(parseLogMessage(frame('logs.state', { engine: 'default', id: 'c0ffee', state: 'stopped' }))).toMatchObject({
      data: { engine: 'default', id: 'c0ffee', state: 'stopped', reason: '' },
    })
    expect(parseLogMessage(frame('logs.future', {}, 4))).toEqual({ type: 'unknown', rawType: 'logs.future', seq: 4 })
  })

  it('makes a batch of several containers lines again', () => {
    const db: LogLine = { engine: 'default', id: 'decaf0', time, stream: 'stdout', text: 'ready' }
    const sent = [line, db, { ...line, text: 'partial', partial: true }, { ...db, engine: 'remote' }]
    const msg = parseLogMessage(frame('logs.lines', logBatch(sent)))
    expect(msg).toEqual({ v: 2, type: 'logs.lines', seq: 1, data: { lines: sent } })
    expect(parseLogMessage(frame('logs.lines', logBatch([])))).toEqual({ v: 2, type: 'logs.lines', seq: 1, data: { lines: [] } })
  })

  it('refuses what it cannot trust', () => {
    const bad = [
      'not json',
      JSON.stringify({ v: 1, type: 'logs.lines', seq: 1, data: logBatch([]) }),
      frame('logs.lines', logBatch([line]), 0),
      frame('logs.lines', { lines: [line] }), // one object per line: not this protocol's shape
      frame('logs.lines', { ...logBatch([line]), time: ['2026-12-02T06:43:20.558Z'] }),
      frame('logs.lines', { ...logBatch([line]), stream: ['tty'] }),
      frame('logs.lines', { ...logBatch([line]), text: [5] }),
      frame('logs.lines', { ...logBatch([line, line]), text: ['one'] }),
      frame('logs.lines', { ...logBatch([line]), cut: [] }),
      frame('logs.lines', { ...logBatch([line]), cut: [-1] }),
      frame('logs.lines', { ...logBatch([line]), container: [1] }),
      frame('logs.lines', { ...logBatch([line]), container: ['0'] }),
      frame('logs.lines', { ...logBatch([line]), containers: [{ engine: 'default' }] }),
      frame('logs.skipped', { engine: 'default', id: 'c', count: -1, from: time, to: time }),
      frame('logs.state', { engine: 'default', id: 'c', state: 'sleeping' }),
    ]
    for (const text of bad) expect(() => parseLogMessage(text), text).toThrow(ProtocolError)
  })
})

describe('polling answers', () => {
  it('reads a page and last words, lists that Go sent as null empty', () => {
    expect(parseLogPage({ lines: null, cursor: 'C', more: true })).toEqual({ lines: [], cursor: 'C', more: true, start: false })
    expect(parseLogPage({ lines: [], cursor: 'C', more: false, start: true }).start).toBe(true)
    expect(parseLastWords({ engine: 'default', id: 'c', name: 'job', exitCode: 137, exitCause: 'oom', finishedAt: 9, lines: [line], removed: true })).toEqual({
      engine: 'default',
      id: 'c',
      name: 'job',
      exitCode: 137,
      exitCause: 'oom',
      finishedAt: 9,
      lines: [line],
      removed: true,
    })
  })
})
