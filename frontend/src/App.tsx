import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  containerName,
  useActionStatuses,
  useConnection,
  useEngines,
  useRunAction,
  useLogsRequests,
  useSynced,
  type Container,
} from './live'
import { ConfirmKill } from './ui/ConfirmKill'
import { ConfirmRemove } from './ui/ConfirmRemove'
import { ContainerTable, emptyTableText } from './ui/ContainerTable'
import { DetailPanel } from './ui/DetailPanel'
import { EnginesButton } from './ui/EnginesDialog'
import { EventsFeed } from './ui/EventsFeed'
import { EngineSummaries } from './ui/EngineSummary'
import { HelpDialog } from './ui/HelpDialog'
import { NotificationHistory } from './ui/NotificationHistory'
import { ConnectionBanner, ConnectionIndicator, EngineAlerts, EngineIndicator, SystemSummary } from './ui/Status'
import { ALL_ENGINES, DEFAULT_SORT, type Sort, type StateFilter, type TableQuery } from './ui/tableModel'
import { useConnectionLive, useEngineColumnAlways, useStaleEngines } from './ui/engineLive'
import { Toasts } from './ui/Toasts'
import { Toolbar } from './ui/Toolbar'
import { useShortcuts } from './ui/useShortcuts'
import { useTableModel } from './ui/useTableModel'
import { useCollapsedGroups } from './ui/useCollapsedGroups'
import { DETAIL_RANGE, DOCK_RANGE, layoutStyle, usePaneLayout } from './ui/paneLayout'
import { Splitter } from './ui/Splitter'
import { LogsFullView } from './ui/logs/LogsFullView'
import { OpenLogsContext, type LogsRequest } from './ui/logs/openLogs'
import './ui/panes.css'
import './App.css'

export { ConnectionIndicator, EngineIndicator } from './ui/Status'

export function App() {
  const [filter, setFilter] = useState<StateFilter>('all')
  const [engineFilter, setEngineFilter] = useState(ALL_ENGINES)
  const [search, setSearch] = useState('')
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT)
  const [grouped, setGrouped] = useState(false)
  const [selected, setSelected] = useState<string | null>(null)
  const [removing, setRemoving] = useState<Container | null>(null)
  const [killing, setKilling] = useState<Container | null>(null)
  const [help, setHelp] = useState(false)
  const [notifications, setNotifications] = useState(false)
  // The full-height logs view: over the table, which stays as it was underneath.
  const [logsView, setLogsView] = useState<LogsRequest | null>(null)
  const logsRequests = useLogsRequests()
  useEffect(() => logsRequests.listen((key, name) => setLogsView({ kind: 'container', key, name })), [logsRequests])

  const [collapsed, toggleGroup] = useCollapsedGroups()
  const { layout, toggle, toggleDock, resize } = usePaneLayout()
  const { hidden } = layout
  const dockHidden = hidden.detail && hidden.events
  const paneSize = (which: 'dock' | 'detail') => ({
    value: layout[which],
    range: which === 'dock' ? DOCK_RANGE : DETAIL_RANGE,
    onChange: (v: number) => resize(which, v),
  })
  const mainRef = useRef<HTMLElement>(null)
  const dockRef = useRef<HTMLDivElement>(null)

  const query: TableQuery = useMemo(() => ({ filter, search, sort, engine: engineFilter }), [filter, search, sort, engineFilter])
  const table = useTableModel(query, grouped, collapsed)
  const actions = useActionStatuses()
  const run = useRunAction()
  const synced = useSynced()
  const connection = useConnection()
  const searchRef = useRef<HTMLInputElement>(null)
  const scrollTo = useRef<((key: string) => void) | null>(null)
  const gridRef = useRef<HTMLDivElement>(null)

  const engines = useEngines()
  // The rows are only as live as the connection and each row's own engine.
  const connectionLive = useConnectionLive()
  const staleEngines = useStaleEngines()
  const showEngine = useEngineColumnAlways() || engines.length > 1

  // The dialog holds the order: the row being removed must not move away.
  const { setDialog } = table
  useEffect(
    () => setDialog(removing ? `remove ${containerName(removing)}` : killing ? `kill ${containerName(killing)}` : null),
    [removing, killing, setDialog],
  )

  const select = useCallback((key: string | null) => {
    setSelected(key)
    if (key) scrollTo.current?.(key)
  }, [])

  const askRemove = useCallback((c: Container) => setRemoving(c), [])
  const askRemoveRow = useCallback((row: { container: Container }) => setRemoving(row.container), [])

  useShortcuts({
    order: table.order,
    selected,
    select,
    nudge: table.nudge,
    askRemove,
    askKill: setKilling,
    search,
    setSearch,
    searchRef,
    gridRef,
    toggleGrouped: () => setGrouped((g) => !g),
    openHelp: () => setHelp(true),
    openLogs: (key) => setLogsView({ kind: 'container', key }),
  })

  const empty = emptyTableText(table, synced, connection, engines)

  const page = (
    <div className="app" data-covered={logsView ? '' : undefined}>
      <header className="app-header">
        <h1 className="app-title">Dockpulse</h1>
        {engines.length > 1 ? <EngineSummaries engines={engines} /> : <SystemSummary />}
        <div className="app-status">
          <EnginesButton />
          <EngineIndicator />
          <ConnectionIndicator />
        </div>
      </header>
      <EngineAlerts />
      <ConnectionBanner />
      <main className="app-main" ref={mainRef} style={layoutStyle(layout, selected !== null)}>
        <Toolbar
          search={search}
          onSearch={setSearch}
          searchRef={searchRef}
          filter={filter}
          onFilter={setFilter}
          counts={table.counts}
          engines={engines}
          engineFilter={engineFilter}
          onEngineFilter={setEngineFilter}
          engineCounts={table.engineCounts}
          grouped={grouped}
          onGrouped={setGrouped}
          hold={table.hold}
          onHelp={() => setHelp(true)}
          onNotifications={() => setNotifications(true)}
        />
        <div className="table-area" id="pane-table" hidden={hidden.table}>
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
              onRemove={askRemoveRow}
              stale={!connectionLive || !synced}
              staleEngines={staleEngines}
              showEngine={showEngine}
              scrollRef={scrollTo}
              gridRef={gridRef}
              onToggleGroup={toggleGroup}
            />
          )}
        </div>
        <Splitter
          orientation="horizontal"
          label="Resize the table and the panels below"
          controls="pane-dock"
          {...paneSize('dock')}
          onToggle={toggleDock}
          fromPointer={(_x, y) => {
            const r = mainRef.current?.querySelector('#pane-table')?.getBoundingClientRect()
            const m = mainRef.current?.getBoundingClientRect()
            return r && m ? ((m.bottom - y) / Math.max(1, m.bottom - r.top)) * 100 : layout.dock
          }}
          toggles={[
            { label: hidden.table ? 'Show the table' : 'Hide the table', arrow: hidden.table ? '▼' : '▲', onClick: () => toggle('table') },
            {
              label: dockHidden ? 'Show details and events' : 'Hide details and events',
              arrow: dockHidden ? '▲' : '▼',
              onClick: toggleDock,
            },
          ]}
        />
        <div className="dock" id="pane-dock" ref={dockRef} hidden={dockHidden} data-selected={selected !== null || undefined}>
          {!hidden.detail &&
            (selected ? (
              <DetailPanel selectedKey={selected} onRemove={askRemove} onClose={() => setSelected(null)} />
            ) : (
              <section className="detail detail-placeholder" aria-label="Container details">
                <p className="muted small">Select a container to see its live charts, events and configuration. Press ? for keyboard shortcuts.</p>
              </section>
            ))}
          {selected !== null && !hidden.detail && !hidden.events && (
            <Splitter
              orientation="vertical"
              label="Resize the details and the events"
              controls="pane-dock"
              {...paneSize('detail')}
              onToggle={() => toggle('detail')}
              fromPointer={(x) => {
                const r = dockRef.current?.getBoundingClientRect()
                return r ? ((x - r.left) / Math.max(1, r.width)) * 100 : layout.detail
              }}
              toggles={[
                { label: 'Hide the details', arrow: '◀', onClick: () => toggle('detail') },
                { label: 'Hide the events', arrow: '▶', onClick: () => toggle('events') },
              ]}
            />
          )}
          {!hidden.events && <EventsFeed onSelectContainer={select} />}
          {(hidden.detail || hidden.events) && (
            <p className="pane-restore">
              {hidden.detail && (
                <button type="button" className="link-button" onClick={() => toggle('detail')}>
                  Show the details
                </button>
              )}
              {hidden.events && (
                <button type="button" className="link-button" onClick={() => toggle('events')}>
                  Show the events
                </button>
              )}
            </p>
          )}
        </div>
      </main>
      <Toasts onSelectContainer={select} />
      {removing && (
        <ConfirmRemove
          container={removing}
          onCancel={() => setRemoving(null)}
          onConfirm={(removeVolumes, force) => {
            const c = removing
            setRemoving(null)
            void run({ engine: c.engine, id: c.id, name: containerName(c) }, 'remove', { removeVolumes, force })
          }}
        />
      )}
      {killing && (
        <ConfirmKill
          container={killing}
          onCancel={() => setKilling(null)}
          onConfirm={() => {
            const c = killing
            setKilling(null)
            void run({ engine: c.engine, id: c.id, name: containerName(c) }, 'kill')
          }}
        />
      )}
      {help && <HelpDialog onClose={() => setHelp(false)} />}
      {notifications && <NotificationHistory onClose={() => setNotifications(false)} onSelectContainer={select} />}
      {logsView && <LogsFullView key={JSON.stringify(logsView)} request={logsView} onClose={() => setLogsView(null)} />}
    </div>
  )
  return <OpenLogsContext.Provider value={setLogsView}>{page}</OpenLogsContext.Provider>
}
