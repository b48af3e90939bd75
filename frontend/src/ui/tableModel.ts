// The container table's model, pure so it can be tested without a DOM:
// filtering by state and text, sorting by any column, grouping by compose
// project, and holding the row order steady while the user is acting.

import { compareContainers, containerName, type Container, type ContainerRow } from '../live'
import { formatPorts } from '../format'

export type SortKey = 'name' | 'engine' | 'image' | 'state' | 'status' | 'cpu' | 'memory' | 'net' | 'block' | 'ports'
export type SortDir = 'asc' | 'desc'
export interface Sort {
  key: SortKey
  dir: SortDir
}

/** The default: running first, then by name (the store's order). */
export const DEFAULT_SORT: Sort = { key: 'state', dir: 'asc' }

export type StateFilter = 'all' | 'running' | 'paused' | 'stopped' | 'problems'

export const STATE_FILTERS: readonly { value: StateFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'running', label: 'Running' },
  { value: 'paused', label: 'Paused' },
  { value: 'stopped', label: 'Stopped' },
  { value: 'problems', label: 'Problems' },
]

export const COMPOSE_PROJECT = 'com.docker.compose.project'
export const COMPOSE_SERVICE = 'com.docker.compose.service'

/**
 * Something is wrong: unhealthy, dead, restarting, OOM-killed, or exited
 * with a non-zero code that nobody asked for. A stop (even one that ended in
 * SIGKILL after the grace period, exit 137) or a kill was asked for, so it is
 * no problem; an exit whose cause is unknown (Dockpulse did not see it) keeps
 * its code's word.
 */
export function hasProblem(row: ContainerRow): boolean {
  const c = row.container
  return (
    c.health === 'unhealthy' ||
    c.state === 'dead' ||
    c.state === 'restarting' ||
    (c.state === 'exited' && (c.oomKilled || (c.exitCode !== 0 && !exitAskedFor(c))))
  )
}

/** The last exit was a stop or kill someone asked for. */
export function exitAskedFor(c: Pick<Container, 'exitCause'>): boolean {
  return c.exitCause === 'stopped' || c.exitCause === 'killed'
}

export function matchesState(row: ContainerRow, filter: StateFilter): boolean {
  const s = row.container.state
  switch (filter) {
    case 'all':
      return true
    case 'running':
      return s === 'running' || s === 'restarting'
    case 'paused':
      return s === 'paused'
    case 'stopped':
      return s === 'exited' || s === 'created' || s === 'dead'
    case 'problems':
      return hasProblem(row)
  }
}

/**
 * Free text: every word must match the name, engine, image, id prefix,
 * compose project or service, state, a port, or a label: its key, its value,
 * or both as `key=value`.
 */
export function matchesSearch(row: ContainerRow, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const c = row.container
  const hay = [
    containerName(c),
    c.engine,
    c.image,
    c.state,
    c.health ?? '',
    c.labels[COMPOSE_PROJECT] ?? '',
    c.labels[COMPOSE_SERVICE] ?? '',
    formatPorts(c.ports),
    ...Object.entries(c.labels).map(([k, v]) => `${k}=${v}`),
  ]
    .join(' ')
    .toLowerCase()
  return words.every((w) => hay.includes(w) || c.id.startsWith(w))
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

const STATE_RANK: Record<string, number> = { running: 0, restarting: 1, paused: 2, created: 3, exited: 4, dead: 5, removing: 6 }

function numberOr(value: number | undefined, fallback: number): number {
  return value === undefined || Number.isNaN(value) ? fallback : value
}

/** Compares two rows by one column, ascending; 0 for a tie. */
export function compareRows(a: ContainerRow, b: ContainerRow, key: SortKey): number {
  let d = 0
  switch (key) {
    case 'name':
      d = collator.compare(containerName(a.container), containerName(b.container))
      break
    case 'engine':
      d = collator.compare(a.container.engine, b.container.engine)
      break
    case 'image':
      d = collator.compare(a.container.image, b.container.image)
      break
    case 'state':
      d = (STATE_RANK[a.container.state] ?? 9) - (STATE_RANK[b.container.state] ?? 9)
      break
    case 'status':
      // Longest up first in ascending order, like reading uptime.
      d = numberOr(a.container.startedAt || undefined, Infinity) - numberOr(b.container.startedAt || undefined, Infinity)
      break
    case 'cpu':
      d = numberOr(a.stats?.cpuPercent, -1) - numberOr(b.stats?.cpuPercent, -1)
      break
    case 'memory':
      d = numberOr(a.stats?.memoryUsage, -1) - numberOr(b.stats?.memoryUsage, -1)
      break
    case 'net':
      d = numberOr(a.rates && a.rates.netRx + a.rates.netTx, -1) - numberOr(b.rates && b.rates.netRx + b.rates.netTx, -1)
      break
    case 'block':
      d =
        numberOr(a.rates && a.rates.blockRead + a.rates.blockWrite, -1) -
        numberOr(b.rates && b.rates.blockRead + b.rates.blockWrite, -1)
      break
    case 'ports':
      d = numberOr(a.container.ports[0]?.publicPort, Infinity) - numberOr(b.container.ports[0]?.publicPort, Infinity)
      break
  }
  return d
}

/** Whether a sort key reads live numbers (so the order changes with every stats batch). */
export function sortsByStats(key: SortKey): boolean {
  return key === 'cpu' || key === 'memory' || key === 'net' || key === 'block'
}

/** Numbers read best biggest first: the first click on them sorts descending. */
export function defaultDir(key: SortKey): SortDir {
  return key === 'cpu' || key === 'memory' || key === 'net' || key === 'block' ? 'desc' : 'asc'
}

export interface TableQuery {
  filter: StateFilter
  search: string
  sort: Sort
  /** Only this engine's containers; absent or ALL_ENGINES: every engine's. */
  engine?: string
}

/** The engine filter's value for every engine. */
export const ALL_ENGINES = ''

/** Whether a row is on the chosen engine (any, for ALL_ENGINES). */
export function matchesEngine(row: ContainerRow, engine: string | undefined): boolean {
  return !engine || row.container.engine === engine
}

/** How many containers each engine has, for the engine filter. */
export function countByEngine(rows: readonly ContainerRow[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>()
  for (const r of rows) counts.set(r.container.engine, (counts.get(r.container.engine) ?? 0) + 1)
  return counts
}

/**
 * Filtered and sorted rows. With `inDefaultOrder`, the rows come in the
 * default order already (useContainers' order), so the stable sort keeps it
 * for ties without comparing their names again.
 */
export function selectRows(rows: readonly ContainerRow[], q: TableQuery, inDefaultOrder = false): ContainerRow[] {
  const out = rows.filter((r) => matchesEngine(r, q.engine) && matchesState(r, q.filter) && matchesSearch(r, q.search))
  const sign = q.sort.dir === 'asc' ? 1 : -1
  const key = q.sort.key
  // Ties keep the default order (running first, then by name) in both directions.
  if (!inDefaultOrder) out.sort((a, b) => sign * compareRows(a, b, key) || compareContainers(a.container, b.container))
  else if (key === 'name' || key === 'image') {
    const text = (r: ContainerRow) => (key === 'name' ? containerName(r.container) : r.container.image)
    const texts = out.map(text)
    const ranks = collationRanks(texts)
    const keyed = out.map((row, i) => ({ row, rank: ranks.get(texts[i]!)! }))
    keyed.sort((a, b) => sign * (a.rank - b.rank))
    return keyed.map((k) => k.row)
  } else out.sort((a, b) => sign * compareRows(a, b, key))
  return out
}

let ranked = new Map<string, number>()

/**
 * Each text's place in the collator's order (texts the collator finds equal
 * share one), so that 1000 rows sort by name with a number per comparison.
 * Names and images seldom change: the places are worked out again only when
 * a text appears that they do not know.
 */
function collationRanks(texts: readonly string[]): ReadonlyMap<string, number> {
  if (texts.every((t) => ranked.has(t))) return ranked
  const sorted = [...new Set(texts)].sort(collator.compare)
  ranked = new Map()
  let rank = 0
  sorted.forEach((t, i) => {
    if (i > 0 && collator.compare(sorted[i - 1]!, t) !== 0) rank++
    ranked.set(t, rank)
  })
  return ranked
}

/** Counts for the state filter buttons. */
export function countByFilter(rows: readonly ContainerRow[]): Record<StateFilter, number> {
  const counts: Record<StateFilter, number> = { all: 0, running: 0, paused: 0, stopped: 0, problems: 0 }
  for (const r of rows) {
    counts.all++
    if (matchesState(r, 'running')) counts.running++
    if (matchesState(r, 'paused')) counts.paused++
    if (matchesState(r, 'stopped')) counts.stopped++
    if (hasProblem(r)) counts.problems++
  }
  return counts
}

/** A compose project's header: its counts and state summary, shown even when collapsed. */
export interface GroupItem {
  kind: 'group'
  key: string
  /** The compose project, or '' for the containers that belong to none. */
  project: string
  total: number
  running: number
  paused: number
  stopped: number
  problems: number
  collapsed: boolean
}

export type TableItem = GroupItem | { kind: 'row'; key: string }

/** A group's state summary in words: "2 running · 1 stopped · 1 problem · 3 containers". */
export function groupSummary(g: Pick<GroupItem, 'total' | 'running' | 'paused' | 'stopped' | 'problems'>): string {
  const parts = [`${g.running} running`]
  if (g.paused > 0) parts.push(`${g.paused} paused`)
  if (g.stopped > 0) parts.push(`${g.stopped} stopped`)
  if (g.problems > 0) parts.push(`${g.problems} problem${g.problems === 1 ? '' : 's'}`)
  parts.push(`${g.total} container${g.total === 1 ? '' : 's'}`)
  return parts.join(' · ')
}

/** The rows (by key) in the given order, without groups. */
export function rowItems(order: readonly string[]): TableItem[] {
  return order.map((key) => ({ kind: 'row', key }))
}

/**
 * Rows (by key) interleaved with compose-project headers. Projects are sorted
 * by name, containers without a project come last; within a group the given
 * order is kept. A collapsed group keeps its header (with its counts) and
 * hides its rows.
 */
export function groupItems(
  order: readonly string[],
  rowsByKey: ReadonlyMap<string, ContainerRow>,
  grouped: boolean,
  collapsed: ReadonlySet<string> = new Set(),
): TableItem[] {
  if (!grouped) return rowItems(order)
  const groups = new Map<string, string[]>()
  for (const key of order) {
    const project = rowsByKey.get(key)?.container.labels[COMPOSE_PROJECT] ?? ''
    let g = groups.get(project)
    if (!g) groups.set(project, (g = []))
    g.push(key)
  }
  const names = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : collator.compare(a, b)))
  const items: TableItem[] = []
  for (const project of names) {
    const keys = groups.get(project)!
    const rows = keys.map((k) => rowsByKey.get(k)).filter((r): r is ContainerRow => r !== undefined)
    const counts = countByFilter(rows)
    const running = rows.filter((r) => r.container.state === 'running').length
    const isCollapsed = collapsed.has(project)
    items.push({
      kind: 'group',
      key: `group:${project}`,
      project,
      total: keys.length,
      running,
      paused: counts.paused,
      stopped: counts.stopped,
      problems: counts.problems,
      collapsed: isCollapsed,
    })
    if (!isCollapsed) for (const key of keys) items.push({ kind: 'row', key })
  }
  return items
}

/** `next`, or `last` when it holds the same keys in the same order (so memos that read it hold). */
export function sameOrElse(last: readonly string[], next: readonly string[]): readonly string[] {
  return next.length === last.length && next.every((k, i) => k === last[i]) ? last : next
}

/** Why the row order is held, in words the toolbar shows; null when it is not. */
export interface Hold {
  reason: 'action' | 'dialog' | 'keys'
  text: string
}

export interface HoldInput {
  /** Actions pending on rows, by container name and what is being done ("stopping"). */
  pending: readonly { name: string; doing: string }[]
  /** An open dialog or menu acting on a row, named ("remove web"). */
  dialog: string | null
  /** A key just moved the selection or acted. */
  keys: boolean
}

/**
 * Rows hold their places only while the user is acting on one: an action is
 * pending, a dialog or menu about a row is open, or a key has just moved the
 * selection. Pointing at the table or having a row selected is not acting:
 * the order stays live then.
 */
export function describeHold({ pending, dialog, keys }: HoldInput): Hold | null {
  if (dialog !== null) return { reason: 'dialog', text: `order held while the dialog to ${dialog} is open` }
  if (pending.length > 0) {
    const first = pending[0]!
    const more = pending.length > 1 ? ` and ${pending.length - 1} more` : ''
    return { reason: 'action', text: `order held while ${first.doing.toLowerCase()} ${first.name}${more}` }
  }
  if (keys) return { reason: 'keys', text: 'order held while you move with the keys' }
  return null
}

/**
 * The order to show. While frozen (see describeHold), rows keep their
 * places: known keys stay where they were, even when their container is gone
 * (the table shows them as removed), and new keys go to the end. Otherwise
 * the sorted order wins.
 */
export function stableOrder(previous: readonly string[] | null, next: readonly string[], frozen: boolean): readonly string[] {
  if (!frozen || previous === null) return next
  const seen = new Set(previous)
  const added = next.filter((k) => !seen.has(k))
  if (added.length === 0) return previous
  return [...previous, ...added]
}
