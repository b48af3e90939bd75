// Header status: the system summary, the engine and connection indicators,
// the connection banner and the engine-down alert.

import { useId, useMemo } from 'react'
import {
  useConnection,
  useContainers,
  useEngines,
  useLiveSelector,
  useStats,
  type ConnectionState,
  type EngineInfo,
} from '../live'
import { connectionDetail, describeConnection, formatBytes, formatPercent } from '../format'
import { useNow } from './useNow'
import { useConnectionLive } from './engineLive'
import './Status.css'

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
  const now = useNow(1000, counting)
  const detail = connectionDetail(state, now)
  const reason = state.status === 'offline' || state.status === 'reconnecting' ? state.reason : undefined
  const latencyTitle = state.status === 'connected' ? 'Live: pushed over WebSocket; event latency from the engine to this screen' : undefined
  const detailId = useId()
  return (
    <div className="indicator" data-tone={connectionTone(state)} data-status={state.status} title={reason ?? latencyTitle}>
      <span className="dot" aria-hidden="true" />
      <span role="status" aria-label="Connection" aria-describedby={detail ? detailId : undefined} className="indicator-text">
        {describeConnection(state)}
      </span>
      {detail && (
        <span id={detailId} className="indicator-detail">
          {detail}
        </span>
      )}
    </div>
  )
}

function engineText(engine: EngineInfo, many: boolean, withReason: boolean): string {
  const prefix = many ? `Engine ${engine.engine}` : 'Engine'
  switch (engine.status) {
    case 'up':
      // The version is in the system summary.
      return `${prefix} up`
    case 'connecting':
      return `${prefix} connecting…`
    case 'down':
      return `${prefix} ${everReached(engine) ? 'down' : 'not reached'}${withReason && engine.reason ? `: ${engine.reason}` : ''}`
    default:
      return `${prefix} ${String(engine.status)}`
  }
}

function engineTone(engine: EngineInfo): string {
  return engine.status === 'up' ? 'ok' : engine.status === 'down' ? 'bad' : 'pending'
}

/** Whether this page has ever had a picture from the backend (a snapshot). */
function useHadPicture(): boolean {
  return useLiveSelector((s) => s.data.synced || s.data.lastSeq > 0 || s.data.engines.size > 0)
}

/**
 * Whether Dockpulse ever reached the engine: its facts (version, CPUs,
 * memory) come from a good connection and stay as the last known ones, so an
 * engine without a version was never reached.
 */
export function everReached(engine: EngineInfo): boolean {
  return engine.status === 'up' || engine.version !== '' || engine.apiVersion !== ''
}

export function EngineIndicator() {
  const engines = useEngines()
  const fresh = useConnectionLive()
  // With more than one engine, each one's entry in the header says its status (EngineSummaries).
  if (engines.length !== 1) return null
  const many = false
  return (
    <ul className="engines" aria-label="Docker engines" data-stale={fresh ? undefined : 'true'}>
      {engines.map((engine) => (
        <li
          key={engine.engine}
          className="indicator"
          data-tone={engineTone(engine)}
          data-status={engine.status}
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

function notReachedText(name: string, reason: string | undefined, many = true): string {
  return `Dockpulse has not reached ${many ? `engine ${name}` : 'the Docker engine'} yet${reason ? `: ${reason}` : ''}`
}

/** A down engine is the one thing that must not be missed. */
export function EngineAlerts() {
  const engines = useEngines()
  const hasContainers = useContainers().length > 0
  const down = engines.filter((e) => e.status === 'down')
  if (down.length === 0) return null
  const many = engines.length > 1
  // Beside engines that are up, a small window gives each down one a line
  // (the whole text in its title and the engine details).
  const compact = many && down.length < engines.length
  return (
    <div className="banner banner-bad" role="alert" data-compact={compact || undefined}>
      {down.map((engine) =>
        everReached(engine) ? (
          <p key={engine.engine} title={compact ? engineText(engine, many, true) : undefined}>
            <strong>{engineText(engine, many, true)}</strong>
            {hasContainers && <span className="muted"> Containers below are the last known state, not live. Reconnecting by itself.</span>}
          </p>
        ) : (
          <p key={engine.engine} title={compact ? notReachedText(engine.engine, engine.reason) : undefined}>
            <strong>{notReachedText(engine.engine, engine.reason, many)}</strong>
            <span className="muted"> Its containers and figures appear once it answers. Trying again by itself.</span>
          </p>
        ),
      )}
    </div>
  )
}

/**
 * Says when the picture is not live, and why; goes away by itself when push
 * is back. Nothing here needs a click.
 */
export function ConnectionBanner() {
  const c = useConnection()
  const hadPicture = useHadPicture()
  let tone: string
  let text: string
  let note: string
  switch (c.status) {
    case 'reconnecting':
      tone = 'warn'
      // Nothing was ever live on a first visit: nothing was lost.
      text = hadPicture ? 'Live connection lost.' : 'No live connection yet.'
      note = `Reconnecting by itself (attempt ${c.attempt}): ${c.reason}.`
      break
    case 'polling':
      tone = 'warn'
      text = `Live connection lost: polling every ${Math.round(c.intervalMs / 1000)} s.`
      note = 'Data can be up to that old. Live updates resume by themselves.'
      break
    case 'offline':
      tone = 'bad'
      if (c.unauthorized && !hadPicture) {
        // A first visit: nothing was ever shown, so nothing was restarted.
        text = c.reason.startsWith('no access token')
          ? 'This page has no access to Dockpulse yet: its address carries no access code.'
          : 'This page has no access to Dockpulse: the server on this port does not know the token this page has.'
        note =
          'Open the address `dockpulse serve` printed in its terminal (it ends in ?code=…). Each address opens one page; it prints a fresh one each time one is used.'
      } else if (c.unauthorized) {
        text = 'The Dockpulse backend no longer accepts this page: the server on this port is not the one this page was opened from.'
        note =
          'It was restarted with a new token, or another program took the port; this page does not send it its token. Open the address Dockpulse printed when it started. Showing the last known state.'
      } else if (c.linkRefused) {
        // The reason starts with what the server said of the code.
        const [said = c.reason] = c.reason.split('; live updates:')
        text = `Dockpulse did not open: ${said}.`
        note = 'Each address Dockpulse prints opens one page; it prints a fresh one each time one is used.'
      } else {
        text = 'Cannot reach the Dockpulse backend.'
        note = `${c.reason}. ${hadPicture ? 'Showing the last known state; retrying' : 'Nothing received yet; trying again'} by itself.`
      }
      break
    default:
      return null
  }
  return (
    <div className={`banner banner-${tone}`} role="status" aria-label="Connection notice" data-status={c.status}>
      <p>
        <strong>{text}</strong> <span className="muted">{note}</span>
      </p>
    </div>
  )
}

/**
 * How often the figures are sampled, as the server said in hello; nothing
 * while they come from polling, which fetches everything every poll.
 */
export function StatsCadence() {
  const hello = useLiveSelector((s) => s.data.hello)
  const pushing = useLiveSelector((s) => s.connection.status === 'connected')
  const sources = [...new Set(useEngines().map((e) => e.statsSource).filter(Boolean))]
  if (!hello || !pushing) return null
  const every = (ms: number) => `${Math.round(ms / 100) / 10} s`
  const from = sources.length > 0 ? ` from the ${sources.join(' and ')}` : ''
  if (sources.length === 1 && sources[0] === 'kernel') {
    return (
      <span className="cadence muted" title="Every running container is read from the kernel's cgroup files at this interval, which costs the engine nothing">
        stats every {every(hello.statsIntervalMs)} from the kernel
      </span>
    )
  }
  if (hello.statsMode === 'visible' && (hello.backgroundMs ?? 0) > 0) {
    return (
      <span
        className="cadence muted"
        title={`Containers on screen and the one in the detail panel are sampled every ${every(hello.statsIntervalMs)}; the other running ones every ${every(hello.backgroundMs!)}, which spares the engine (dockpulse --stats all samples every one every ${every(hello.statsIntervalMs)})`}
      >
        stats every {every(hello.statsIntervalMs)} on screen, {every(hello.backgroundMs!)} off{from}
      </span>
    )
  }
  return (
    <span className="cadence muted" title="Every running container is sampled at this interval">
      stats every {every(hello.statsIntervalMs)}{from}
    </span>
  )
}

/** Engine facts and what the containers add up to. */
export function SystemSummary() {
  const engines = useEngines()
  const containers = useContainers()
  const stats = useStats()
  const engine = engines[0]
  const counts = useMemo(() => {
    let running = 0
    let paused = 0
    let stopped = 0
    for (const c of containers) {
      if (c.state === 'running' || c.state === 'restarting') running++
      else if (c.state === 'paused') paused++
      else stopped++
    }
    return { running, paused, stopped }
  }, [containers])
  const usage = useMemo(() => {
    let cpu = 0
    let mem = 0
    for (const s of stats.values()) {
      cpu += s.cpuPercent
      mem += s.memoryUsage
    }
    return { cpu, mem }
  }, [stats])
  // Containers run but no figure has come yet (just connected, or the engine
  // is away): the totals are unknown, not zero.
  const noFigures = counts.running > 0 && stats.size === 0
  const fresh = useConnectionLive()
  if (!engine) return null
  // Facts of an engine never reached are unknown, not zero; figures are live
  // only while the engine is up and the connection reports it.
  const reached = everReached(engine)
  const live = fresh && engines.every((e) => e.status === 'up')
  const notLive = live ? '' : engine.status === 'up' ? 'not live: backend unreachable' : `not live: engine ${engine.status}`
  const cpus = engine.cpus
  const unknown = <span className="muted">unknown</span>
  return (
    <dl className="summary" aria-label="System summary" data-live={live || undefined}>
      <div>
        <dt>Docker</dt>
        <dd title={[engine.os, engine.arch, engine.kernelVersion && `kernel ${engine.kernelVersion}`, engine.cgroupVersion && `cgroup v${engine.cgroupVersion}`].filter(Boolean).join(' · ')}>
          {reached ? (
            <>
              {engine.version || '—'} <span className="muted">API {engine.apiVersion || '—'}</span>
            </>
          ) : (
            <span className="muted">not reached yet</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Containers</dt>
        <dd title={live ? undefined : 'Last known counts: the engine is not live'}>
          {!reached && containers.length === 0 ? (
            unknown
          ) : (
            <>
              <span className="count" data-tone="ok">{counts.running} running</span>
              <span className="count" data-tone="warn">{counts.paused} paused</span>
              <span className="count" data-tone="idle">{counts.stopped} stopped</span>
              {!live && <span className="muted"> last known</span>}
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>Images</dt>
        <dd>{reached ? engine.images : unknown}</dd>
      </div>
      <div>
        <dt>CPU</dt>
        {!reached ? (
          <dd>{unknown}</dd>
        ) : live && cpus > 0 && !noFigures ? (
          <dd title={`${formatPercent(usage.cpu)} of one core, summed over running containers`}>
            {formatPercent(usage.cpu / cpus)} <span className="muted">of {cpus} CPU{cpus === 1 ? '' : 's'}</span>
          </dd>
        ) : (
          <dd title={notLive || (noFigures ? 'No figures yet' : 'the engine did not say how many CPUs it has')}>
            — <span className="muted">{!live ? 'not live' : noFigures ? `of ${cpus} CPU${cpus === 1 ? '' : 's'}` : 'unknown'}</span>
          </dd>
        )}
      </div>
      <div>
        <dt>Memory</dt>
        {!reached ? (
          <dd>{unknown}</dd>
        ) : (
          <dd title={!live ? notLive : noFigures ? 'No figures yet' : 'Summed over running and paused containers'}>
            {live && !noFigures ? formatBytes(usage.mem) : '—'}{' '}
            <span className="muted">
              {engine.memoryTotal > 0 ? `of ${formatBytes(engine.memoryTotal)}` : 'of unknown'}
            </span>
          </dd>
        )}
      </div>
    </dl>
  )
}
