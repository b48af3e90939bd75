import { memo, useEffect, useState } from 'react'
import { connectionDetail, describeConnection, describeState, formatMemory, formatPercent } from './format'
import {
  containerName,
  useConnection,
  useContainerRows,
  useContainers,
  useEngines,
  useSynced,
  type ConnectionState,
  type Container,
  type EngineInfo,
  type Stats,
} from './live'
import './App.css'

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Dockpulse</h1>
        <div className="app-status">
          <EngineIndicator />
          <ConnectionIndicator />
        </div>
      </header>
      <EngineAlerts />
      <ConnectionNotice />
      <main className="app-main">
        <ContainerTable />
      </main>
    </div>
  )
}

/** Re-renders every second while `active`, for countdowns. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [active])
  return now
}

function connectionTone(state: ConnectionState): string {
  switch (state.status) {
    case 'connected':
      return 'ok'
    case 'connecting':
    case 'reconnecting':
      return 'pending'
    case 'polling':
      return 'warn'
    case 'offline':
      return 'bad'
  }
}

export function ConnectionIndicator() {
  const state = useConnection()
  const counting = state.status === 'reconnecting' || state.status === 'polling' || state.status === 'offline'
  const now = useNow(counting)
  const detail = connectionDetail(state, now)
  const reason = state.status === 'offline' || state.status === 'reconnecting' ? state.reason : undefined
  return (
    <div className="indicator" data-tone={connectionTone(state)} title={reason}>
      <span className="dot" aria-hidden="true" />
      <span role="status" aria-label="Connection" className="indicator-text">
        {describeConnection(state)}
      </span>
      {detail && <span className="indicator-detail">{detail}</span>}
    </div>
  )
}

function engineText(engine: EngineInfo, many: boolean, withReason: boolean): string {
  const prefix = many ? `Engine ${engine.engine}` : 'Engine'
  switch (engine.status) {
    case 'up':
      return engine.version ? `${prefix} up · Docker ${engine.version}` : `${prefix} up`
    case 'connecting':
      return `${prefix} connecting…`
    case 'down':
      return `${prefix} down${withReason && engine.reason ? `: ${engine.reason}` : ''}`
    default:
      return `${prefix} ${String(engine.status)}`
  }
}

function engineTone(engine: EngineInfo): string {
  return engine.status === 'up' ? 'ok' : engine.status === 'down' ? 'bad' : 'pending'
}

/** Engine status is only as fresh as the connection that reported it. */
function useConnectionLive(): boolean {
  const { status } = useConnection()
  return status === 'connected' || status === 'polling'
}

export function EngineIndicator() {
  const engines = useEngines()
  const fresh = useConnectionLive()
  if (engines.length === 0) return null
  const many = engines.length > 1
  return (
    <ul className="engines" aria-label="Docker engines" data-stale={fresh ? undefined : 'true'}>
      {engines.map((engine) => (
        <li
          key={engine.engine}
          className="indicator"
          data-tone={engineTone(engine)}
          title={[engine.host, engine.reason].filter(Boolean).join(' · ') || undefined}
        >
          <span className="dot" aria-hidden="true" />
          <span role="status" aria-label={many ? `Engine ${engine.engine}` : 'Engine'} className="indicator-text">
            {engineText(engine, many, false)}
            {fresh ? '' : ' (last known)'}
          </span>
        </li>
      ))}
    </ul>
  )
}

/** A down engine is the one thing that must not be missed. */
function EngineAlerts() {
  const engines = useEngines()
  const hasContainers = useContainers().length > 0
  const down = engines.filter((e) => e.status === 'down')
  if (down.length === 0) return null
  const many = engines.length > 1
  return (
    <div className="alert" role="alert">
      {down.map((engine) => (
        <p key={engine.engine}>
          <strong>{engineText(engine, many, true)}</strong>
          {hasContainers && <span className="alert-note"> Containers below are the last known state, not live.</span>}
        </p>
      ))}
    </div>
  )
}

/** Why the data may be old, when the backend cannot be reached at all. */
function ConnectionNotice() {
  const connection = useConnection()
  const hasContainers = useContainers().length > 0
  // Without data the table's empty state already says it.
  if (connection.status !== 'offline' || !hasContainers) return null
  return (
    <div className="notice">
      <p>
        <strong>Cannot reach the Dockpulse backend</strong>: {connection.reason}.
        <span className="alert-note"> Showing the last known state; retrying.</span>
      </p>
    </div>
  )
}

export function ContainerTable() {
  const rows = useContainerRows()
  const synced = useSynced()
  const connection = useConnection()
  const live = connection.status === 'connected' || connection.status === 'polling'

  if (rows.length === 0) {
    let message = 'No containers.'
    if (!synced) {
      message =
        connection.status === 'offline'
          ? `Cannot reach the Dockpulse backend: ${connection.reason}`
          : 'Waiting for the first snapshot…'
    }
    return <p className="empty">{message}</p>
  }

  return (
    <table className="containers" data-stale={!live || !synced ? 'true' : undefined}>
      <caption className="visually-hidden">Containers</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Image</th>
          <th scope="col">State</th>
          <th scope="col" className="num">
            CPU
          </th>
          <th scope="col" className="num">
            Memory
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <ContainerRowView key={row.key} container={row.container} stats={row.stats} />
        ))}
      </tbody>
    </table>
  )
}

function stateTone(container: Container): string {
  const { state, health, exitCode } = container
  if (health === 'unhealthy') return 'bad'
  if (state === 'running') return health === 'starting' ? 'pending' : 'ok'
  if (state === 'restarting' || state === 'paused' || state === 'created') return 'pending'
  if (state === 'exited' && exitCode === 0) return 'idle'
  return 'bad'
}

/**
 * Memoized on the container and its sample: a stats batch carries only the
 * samples that changed, so only those rows re-render.
 */
const ContainerRowView = memo(function ContainerRowView({
  container,
  stats,
}: {
  container: Container
  stats: Stats | undefined
}) {
  const running = container.state === 'running'
  return (
    <tr data-running={running ? 'true' : undefined}>
      <th scope="row" className="name" title={container.id}>
        {containerName(container)}
      </th>
      <td className="image" title={container.image}>
        {container.image}
      </td>
      <td>
        <span className="state" data-tone={stateTone(container)}>
          {describeState(container)}
        </span>
      </td>
      <td className="num">{running && stats ? formatPercent(stats.cpuPercent) : '—'}</td>
      <td className="num">{running && stats ? formatMemory(stats.memoryUsage, stats.memoryLimit) : '—'}</td>
    </tr>
  )
})
