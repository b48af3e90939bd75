import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  containerName,
  useActionStatuses,
  useConnection,
  useEngines,
  useRunAction,
  useSynced,
  type Container,
} from './live'
import { ConfirmRemove } from './ui/ConfirmRemove'
import { ContainerTable, emptyTableText } from './ui/ContainerTable'
import { DetailPanel } from './ui/DetailPanel'
import { EventsFeed } from './ui/EventsFeed'
import { HelpDialog } from './ui/HelpDialog'
import { useNow } from './ui/useNow'
import { ConnectionBanner, ConnectionIndicator, EngineAlerts, EngineIndicator, SystemSummary } from './ui/Status'
import { DEFAULT_SORT, type Sort, type StateFilter, type TableQuery } from './ui/tableModel'
import { Toasts } from './ui/Toasts'
import { Toolbar } from './ui/Toolbar'
import { useShortcuts } from './ui/useShortcuts'
import { useTableModel } from './ui/useTableModel'
import './App.css'

export { ConnectionIndicator, EngineIndicator } from './ui/Status'

export function App() {
  const [filter, setFilter] = useState<StateFilter>('all')
  const [search, setSearch] = useState('')
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT)
  const [grouped, setGrouped] = useState(false)
  const [selected, setSelected] = useState<string | null>(null)
  const [removing, setRemoving] = useState<Container | null>(null)
  const [help, setHelp] = useState(false)

  const query: TableQuery = useMemo(() => ({ filter, search, sort }), [filter, search, sort])
  const table = useTableModel(query, grouped)
  const actions = useActionStatuses()
  const run = useRunAction()
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
  const { hold } = table
  useEffect(() => hold('dialog', removing !== null), [removing, hold])

  const select = useCallback((key: string | null) => {
    setSelected(key)
    if (key) scrollTo.current?.(key)
  }, [])

  const askRemove = useCallback((c: Container) => setRemoving(c), [])

  useShortcuts({
    order: table.order,
    selected,
    select,
    nudge: table.nudge,
    askRemove,
    search,
    setSearch,
    searchRef,
    gridRef,
    toggleGrouped: () => setGrouped((g) => !g),
    openHelp: () => setHelp(true),
  })

  const empty = emptyTableText(table, synced, connection, engines)

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
        <Toolbar
          search={search}
          onSearch={setSearch}
          searchRef={searchRef}
          filter={filter}
          onFilter={setFilter}
          counts={table.counts}
          grouped={grouped}
          onGrouped={setGrouped}
          held={table.held}
          onHelp={() => setHelp(true)}
        />
        <div className="table-area">
          {empty !== null && table.items.length === 0 ? (
            <p className="empty">{empty}</p>
          ) : (
            <ContainerTable
              table={table}
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
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </div>
  )
}
