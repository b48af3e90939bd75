import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  availableActions,
  containerName,
  useActionStatuses,
  useConnection,
  useEngines,
  useLiveStore,
  useRunAction,
  useSynced,
  type Container,
  type ContainerAction,
} from './live'
import { ConfirmRemove } from './ui/ConfirmRemove'
import { ContainerTable } from './ui/ContainerTable'
import { DetailPanel } from './ui/DetailPanel'
import { EventsFeed } from './ui/EventsFeed'
import { Icon } from './ui/Icon'
import { useNow } from './ui/useNow'
import { ConnectionBanner, ConnectionIndicator, EngineAlerts, EngineIndicator, StatsCadence, SystemSummary } from './ui/Status'
import { DEFAULT_SORT, STATE_FILTERS, type Sort, type StateFilter, type TableQuery } from './ui/tableModel'
import { Toasts } from './ui/Toasts'
import { useTableView } from './ui/useTableView'
import './App.css'

export { ConnectionIndicator, EngineIndicator } from './ui/Status'

const SHORTCUTS: [string, string][] = [
  ['/', 'Search'],
  ['↑ ↓ or k j', 'Move between containers'],
  ['Home End', 'First, last container'],
  ['Esc', 'Close details, clear search'],
  ['s', 'Start or stop'],
  ['p', 'Pause or resume'],
  ['r', 'Restart'],
  ['Shift+K', 'Kill'],
  ['Delete', 'Remove (asks first)'],
  ['g', 'Group by compose project'],
  ['?', 'This help'],
]

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el) return false
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable
}

export function App() {
  const [filter, setFilter] = useState<StateFilter>('all')
  const [search, setSearch] = useState('')
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT)
  const [grouped, setGrouped] = useState(false)
  const [selected, setSelected] = useState<string | null>(null)
  const [removing, setRemoving] = useState<Container | null>(null)
  const [help, setHelp] = useState(false)

  const query: TableQuery = useMemo(() => ({ filter, search, sort }), [filter, search, sort])
  const view = useTableView(query, grouped)
  const actions = useActionStatuses()
  const run = useRunAction()
  const store = useLiveStore()
  const synced = useSynced()
  const connection = useConnection()
  const now = useNow(1000)
  const searchRef = useRef<HTMLInputElement>(null)
  const scrollTo = useRef<((key: string) => void) | null>(null)
  const gridRef = useRef<HTMLDivElement>(null)

  const engines = useEngines()
  // The rows are only as live as the connection and the engine behind them.
  const live =
    (connection.status === 'connected' || connection.status === 'polling') && engines.every((e) => e.status === 'up')

  // The dialog holds the order: the row being removed must not move away.
  const { hold } = view
  useEffect(() => hold('dialog', removing !== null), [removing, hold])

  const select = useCallback((key: string | null) => {
    setSelected(key)
    if (key) scrollTo.current?.(key)
  }, [])

  const askRemove = useCallback((c: Container) => setRemoving(c), [])

  const act = useCallback(
    (action: ContainerAction | 'toggle-run' | 'toggle-pause') => {
      if (!selected) return
      const c = store.getState().data.containers.get(selected)
      if (!c) return
      const can = availableActions(c)
      let a: ContainerAction
      if (action === 'toggle-run') a = can.stop ? 'stop' : 'start'
      else if (action === 'toggle-pause') a = can.unpause ? 'unpause' : 'pause'
      else a = action
      if (!can[a]) return
      view.nudge()
      if (a === 'remove') setRemoving(c)
      else void run({ engine: c.engine, id: c.id, name: containerName(c) }, a)
    },
    [selected, store, run, view],
  )

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || removing || e.defaultPrevented) return
      if (isTyping(e.target)) {
        if (e.key === 'Escape' && e.target === searchRef.current) {
          if (search) setSearch('')
          else searchRef.current?.blur()
        } else if (e.key === 'ArrowDown' && e.target === searchRef.current) {
          e.preventDefault()
          gridRef.current?.focus()
          select(view.order[0] ?? null)
        }
        return
      }
      const order = view.order
      const index = selected ? order.indexOf(selected) : -1
      const move = (to: number) => {
        e.preventDefault()
        view.nudge()
        const key = order[Math.max(0, Math.min(order.length - 1, to))]
        if (key) select(key)
      }
      switch (e.key) {
        case '/':
          e.preventDefault()
          searchRef.current?.focus()
          searchRef.current?.select()
          return
        case 'ArrowDown':
        case 'j':
          return move(index + 1)
        case 'ArrowUp':
        case 'k':
          return move(index < 0 ? 0 : index - 1)
        case 'Home':
          return move(0)
        case 'End':
          return move(order.length - 1)
        case 'Escape':
          if (help) setHelp(false)
          else setSelected(null)
          return
        case 's':
          return act('toggle-run')
        case 'p':
          return act('toggle-pause')
        case 'r':
          return act('restart')
        case 'K':
          return act('kill')
        case 'Delete':
        case 'Backspace':
          return act('remove')
        case 'g':
          setGrouped((g) => !g)
          return
        case '?':
          setHelp((h) => !h)
          return
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [view, selected, select, act, removing, search, help])

  let empty: string | null = null
  if (view.total === 0) {
    if (!synced) {
      empty =
        connection.status === 'offline'
          ? `Cannot reach the Dockpulse backend: ${connection.reason}`
          : 'Waiting for the first snapshot…'
    } else empty = 'No containers on this engine yet. They appear here the moment one is created.'
  } else if (view.items.length === 0) empty = 'No container matches.'

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Dockpulse</h1>
        <SystemSummary />
        <div className="app-status">
          <EngineIndicator />
          <ConnectionIndicator />
        </div>
      </header>
      <EngineAlerts />
      <ConnectionBanner />
      <main className="app-main">
        <div className="toolbar" role="toolbar" aria-label="Table controls">
          <label className="search">
            <Icon name="search" />
            <span className="visually-hidden">Search containers</span>
            <input
              ref={searchRef}
              type="search"
              placeholder="Search name, image, id, port…  ( / )"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              aria-label="Search containers"
              aria-keyshortcuts="/"
            />
          </label>
          <div className="segmented" role="radiogroup" aria-label="Filter by state">
            {STATE_FILTERS.map((f) => (
              <button
                key={f.value}
                type="button"
                role="radio"
                aria-checked={filter === f.value}
                data-problems={f.value === 'problems' && view.counts.problems > 0 ? 'true' : undefined}
                onClick={() => setFilter(f.value)}
              >
                {f.label} <span className="count-badge">{view.counts[f.value]}</span>
              </button>
            ))}
          </div>
          <label className="toggle">
            <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} aria-keyshortcuts="g" />
            Group by project
          </label>
          <span className="toolbar-spacer" />
          <StatsCadence />
          {view.held && (
            <span className="held muted" title="Rows keep their places while you point at them or act on them">
              order held
            </span>
          )}
          <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setHelp((h) => !h)}>
            ?
          </button>
        </div>
        <div className="table-area">
          {empty !== null && view.items.length === 0 ? (
            <p className="empty">{empty}</p>
          ) : (
            <ContainerTable
              view={view}
              sort={sort}
              onSort={setSort}
              selected={selected}
              onSelect={select}
              actions={actions}
              run={run}
              onRemove={(row) => askRemove(row.container)}
              now={now}
              stale={!live || !synced}
              scrollRef={scrollTo}
              gridRef={gridRef}
            />
          )}
        </div>
        <div className="dock">
          {selected ? (
            <DetailPanel selectedKey={selected} onRemove={askRemove} onClose={() => setSelected(null)} />
          ) : (
            <section className="detail detail-placeholder" aria-label="Container details">
              <p className="muted">Select a container to see its live charts, events and configuration.</p>
              <p className="muted small">Press ? for keyboard shortcuts.</p>
            </section>
          )}
          <EventsFeed onSelectContainer={select} />
        </div>
      </main>
      <Toasts onSelectContainer={select} />
      {removing && (
        <ConfirmRemove
          container={removing}
          onCancel={() => setRemoving(null)}
          onConfirm={(removeVolumes) => {
            const c = removing
            setRemoving(null)
            void run({ engine: c.engine, id: c.id, name: containerName(c) }, 'remove', { removeVolumes })
          }}
        />
      )}
      {help && (
        <div className="scrim" onClick={() => setHelp(false)}>
          <div className="dialog" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
            <h2>Keyboard shortcuts</h2>
            <dl className="shortcuts">
              {SHORTCUTS.map(([k, what]) => (
                <div key={k}>
                  <dt>
                    <kbd>{k}</kbd>
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
            <div className="dialog-buttons">
              <button type="button" onClick={() => setHelp(false)} autoFocus>
                Close
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  )
}
