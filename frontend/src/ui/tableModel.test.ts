import { describe, expect, it } from 'vitest'
import { container, stats } from '../livetest'
import { compareContainers, type ContainerRow } from '../live'
import { ALL_ENGINES, countByEngine, countByFilter, describeHold, groupItems, groupSummary, matchesSearch, selectRows, stableOrder } from './tableModel'

function row(over: Parameters<typeof container>[0], cpu?: number, netRx?: number): ContainerRow {
  const c = container(over)
  return {
    key: `local/${c.id}`,
    container: c,
    stats: cpu === undefined ? undefined : stats({ id: c.id, cpuPercent: cpu }),
    rates: netRx === undefined ? undefined : { netRx, netTx: 0, blockRead: 0, blockWrite: 0 },
  }
}

const rows = [
  row({ id: 'a1', name: 'web', image: 'nginx:1.27', labels: { 'com.docker.compose.project': 'shop' } }, 5, 100),
  row({ id: 'b2', name: 'db', image: 'postgres:16', labels: { 'com.docker.compose.project': 'shop' } }, 50, 10),
  row({ id: 'c3', name: 'job', state: 'exited', exitCode: 1 }),
  row({ id: 'd4', name: 'idle', state: 'paused' }),
  row({ id: 'e5', name: 'api', health: 'unhealthy', ports: [{ privatePort: 80, publicPort: 8080, protocol: 'tcp' }] }, 1),
]
const keys = (rs: ContainerRow[]) => rs.map((r) => r.container.name)

describe('table model', () => {
  it('sorts by any column, both ways, with stable ties', () => {
    expect(keys(selectRows(rows, { filter: 'all', search: '', sort: { key: 'state', dir: 'asc' } }))).toEqual(['api', 'db', 'web', 'idle', 'job'])
    expect(keys(selectRows(rows, { filter: 'all', search: '', sort: { key: 'cpu', dir: 'desc' } }))).toEqual(['db', 'web', 'api', 'idle', 'job'])
    expect(keys(selectRows(rows, { filter: 'all', search: '', sort: { key: 'name', dir: 'desc' } }))).toEqual(['web', 'job', 'idle', 'db', 'api'])
    expect(keys(selectRows(rows, { filter: 'all', search: '', sort: { key: 'net', dir: 'desc' } })).slice(0, 2)).toEqual(['web', 'db'])
    expect(keys(selectRows(rows, { filter: 'all', search: '', sort: { key: 'ports', dir: 'asc' } }))[0]).toBe('api')
  })

  it('gives the same order from rows already in the default order, for every column and direction', () => {
    // Names the collator finds equal, and numbers in names, as well.
    const more = [...rows, row({ id: 'f6', name: 'Web', image: 'NGINX:1.27' }, 5), row({ id: 'g7', name: 'app10' }), row({ id: 'h8', name: 'app9', state: 'exited' })]
    const inDefaultOrder = [...more].sort((a, b) => compareContainers(a.container, b.container))
    for (const key of ['name', 'image', 'state', 'status', 'cpu', 'memory', 'net', 'block', 'ports'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const q = { filter: 'all' as const, search: '', sort: { key, dir } }
        expect(keys(selectRows(inDefaultOrder, q, true))).toEqual(keys(selectRows(more, q)))
      }
    }
  })

  it('filters by state and counts each filter', () => {
    const q = (filter: 'running' | 'paused' | 'stopped' | 'problems') => keys(selectRows(rows, { filter, search: '', sort: { key: 'name', dir: 'asc' } }))
    expect(q('running')).toEqual(['api', 'db', 'web'])
    expect(q('paused')).toEqual(['idle'])
    expect(q('stopped')).toEqual(['job'])
    expect(q('problems')).toEqual(['api', 'job'])
    expect(countByFilter(rows)).toEqual({ all: 5, running: 3, paused: 1, stopped: 1, problems: 2 })
  })

  it('searches names, images, ids, projects and ports; every word must match', () => {
    expect(matchesSearch(rows[0]!, 'NGINX')).toBe(true)
    expect(matchesSearch(rows[0]!, 'shop web')).toBe(true)
    expect(matchesSearch(rows[0]!, 'shop db')).toBe(false)
    expect(matchesSearch(rows[1]!, 'b2')).toBe(true)
    expect(matchesSearch(rows[4]!, '8080')).toBe(true)
    expect(matchesSearch(rows[4]!, 'unhealthy')).toBe(true)
  })

  it('searches label keys, values and key=value', () => {
    const r = row({ id: 'f6', name: 'front', labels: { 'com.docker.compose.service': 'web', 'org.opencontainers.image.vendor': 'Acme' } })
    expect(matchesSearch(r, 'com.docker.compose.service=web')).toBe(true)
    expect(matchesSearch(r, 'acme')).toBe(true)
    expect(matchesSearch(r, 'org.opencontainers.image.vendor')).toBe(true)
    expect(matchesSearch(r, 'vendor=acme')).toBe(true)
    expect(matchesSearch(r, 'com.docker.compose.service=db')).toBe(false)
  })

  it('groups by compose project, projects first, the rest last', () => {
    const byKey = new Map(rows.map((r) => [r.key, r]))
    const items = groupItems(rows.map((r) => r.key), byKey, true)
    expect(items.map((i) => (i.kind === 'group' ? `[${i.project}:${i.running}/${i.total}]` : i.key))).toEqual([
      '[shop:2/2]',
      'local/a1',
      'local/b2',
      '[:1/3]',
      'local/c3',
      'local/d4',
      'local/e5',
    ])
    expect(groupItems(['local/a1'], byKey, false)).toEqual([{ kind: 'row', key: 'local/a1' }])
  })

  it('collapses a group to its header, which keeps its counts and state summary', () => {
    const byKey = new Map(rows.map((r) => [r.key, r]))
    const items = groupItems(rows.map((r) => r.key), byKey, true, new Set(['']))
    expect(items.map((i) => i.key)).toEqual(['group:shop', 'local/a1', 'local/b2', 'group:'])
    const rest = items[3]!
    expect(rest.kind === 'group' && rest.collapsed).toBe(true)
    expect(rest.kind === 'group' && groupSummary(rest)).toBe('1 running · 1 paused · 1 stopped · 2 problems · 3 containers')
    const shop = items[0]!
    expect(shop.kind === 'group' && groupSummary(shop)).toBe('2 running · 2 containers')
  })

  it('holds the order while frozen: known rows stay, new ones go last', () => {
    const shown = ['a', 'b', 'c']
    expect(stableOrder(shown, ['c', 'b', 'a'], false)).toEqual(['c', 'b', 'a'])
    expect(stableOrder(shown, ['c', 'b', 'a'], true)).toBe(shown)
    expect(stableOrder(shown, ['d', 'c', 'a'], true)).toEqual(['a', 'b', 'c', 'd'])
    expect(stableOrder(null, ['x'], true)).toEqual(['x'])
  })

  it('holds only while the user acts on a row, and says why', () => {
    const none = { pending: [], dialog: null, keys: false }
    expect(describeHold(none)).toBeNull()
    expect(describeHold({ ...none, pending: [{ name: 'web', doing: 'Stopping' }] })).toEqual({
      reason: 'action',
      text: 'order held while stopping web',
    })
    expect(describeHold({ ...none, pending: [{ name: 'web', doing: 'Stopping' }, { name: 'db', doing: 'Stopping' }] })?.text).toBe(
      'order held while stopping web and 1 more',
    )
    expect(describeHold({ ...none, dialog: 'remove web', pending: [{ name: 'db', doing: 'Starting' }] })).toEqual({
      reason: 'dialog',
      text: 'order held while the dialog to remove web is open',
    })
    expect(describeHold({ ...none, keys: true })).toEqual({ reason: 'keys', text: 'order held while you move with the keys' })
  })
})

describe('problems', () => {
  it('a stop or kill that was asked for is no problem, even at exit 137; a crash, an OOM kill and an unknown cause are', () => {
    const exited = [
      row({ id: 's', name: 'stopped', state: 'exited', exitCode: 137, exitCause: 'stopped' }),
      row({ id: 'k', name: 'killed', state: 'exited', exitCode: 137, exitCause: 'killed' }),
      row({ id: 'c', name: 'crashed', state: 'exited', exitCode: 1, exitCause: 'unasked' }),
      row({ id: 'o', name: 'oom', state: 'exited', exitCode: 137, oomKilled: true, exitCause: 'oom' }),
      row({ id: 'u', name: 'unknown', state: 'exited', exitCode: 137 }),
      row({ id: 'z', name: 'done', state: 'exited', exitCode: 0, exitCause: 'unasked' }),
    ]
    expect(keys(selectRows(exited, { filter: 'problems', search: '', sort: { key: 'name', dir: 'asc' } }))).toEqual(['crashed', 'oom', 'unknown'])
    expect(countByFilter(exited).problems).toBe(3)
  })
})

describe('the engine', () => {
  const on = (engine: string, id: string, name: string): ContainerRow => {
    const c = container({ engine, id, name })
    return { key: `${engine}/${id}`, container: c, stats: undefined, rates: undefined }
  }
  const rows = [on('prod', 'p1', 'web'), on('dev', 'd1', 'web'), on('dev', 'd2', 'api'), on('edge', 'e1', 'proxy')]
  const q = { filter: 'all' as const, search: '', sort: { key: 'engine' as const, dir: 'asc' as const } }

  it('sorts by engine, then in the default order', () => {
    expect(selectRows(rows, q).map((r) => r.key)).toEqual(['dev/d2', 'dev/d1', 'edge/e1', 'prod/p1'])
    expect(selectRows(rows, { ...q, sort: { key: 'engine', dir: 'desc' } }).map((r) => r.key)).toEqual(['prod/p1', 'edge/e1', 'dev/d2', 'dev/d1'])
  })

  it('filters by engine, with the other filters, and counts per engine', () => {
    expect(selectRows(rows, { ...q, engine: 'dev' }).map((r) => r.key)).toEqual(['dev/d2', 'dev/d1'])
    expect(selectRows(rows, { ...q, engine: 'dev', search: 'web' }).map((r) => r.key)).toEqual(['dev/d1'])
    expect(selectRows(rows, { ...q, engine: ALL_ENGINES }).length).toBe(4)
    expect([...countByEngine(rows)]).toEqual([['prod', 1], ['dev', 2], ['edge', 1]])
  })

  it('is found by search', () => {
    expect(rows.filter((r) => matchesSearch(r, 'edge')).map((r) => r.key)).toEqual(['edge/e1'])
    expect(rows.filter((r) => matchesSearch(r, 'dev web')).map((r) => r.key)).toEqual(['dev/d1'])
  })
})
