// One container in detail: live charts of the last five minutes, its recent
// events, and what it was started with; or, in the Logs tab, its logs.

import { useMemo, useState } from 'react'
import {
  HISTORY_SECONDS,
  containerName,
  eventsCompleteSince,
  isSampled,
  useActionStatus,
  useInspect,
  useEventsData,
  useLiveSelector,
  useReportView,
  useRunAction,
  useStatsHistory,
  type Container,
  type DockerEvent,
  type InspectResult,
  type Limits,
} from '../live'
import {
  PAST_EVENT,
  byteTicks,
  describeEvent,
  describeNoEvents,
  describeStatus,
  eventTone,
  formatByteTick,
  formatEventTime,
  formatMemory,
  formatPercent,
  formatPorts,
  formatRate,
  formatTimestamp,
} from '../format'
import { Chart, type ChartLine } from './Chart'
import { ActionButtons } from './ActionButtons'
import { StateBadge } from './StateBadge'
import { EventEngine } from './EventsFeed'
import { CopyButton } from './CopyButton'
import { InspectDetails } from './InspectDetails'
import { cpuTitle } from './inspectFormat'
import { useNow } from './useNow'
import { COMPOSE_PROJECT, COMPOSE_SERVICE } from './tableModel'
import { engineLive, useConnectionLive, useManyEngines } from './engineLive'
import { DetailTabs, type DetailTab } from './logs/DetailTabs'
import { LogsTab } from './logs/LogsTab'

const RECENT_EVENTS = 30

export function DetailPanel({
  selectedKey,
  onRemove,
  onClose,
}: {
  selectedKey: string
  onRemove: (c: Container) => void
  onClose: () => void
}) {
  const container = useLiveSelector((s) => s.data.containers.get(selectedKey))
  const status = useActionStatus(selectedKey)
  const run = useRunAction()
  const now = useNow(1000)
  const many = useManyEngines()
  const connectionLive = useConnectionLive()
  const engine = useLiveSelector((s) => (container ? s.data.engines.get(container.engine) : undefined))
  const stale = !engineLive(engine, connectionLive)
  const [tab, setTab] = useState<DetailTab>('overview')
  // Its charts are drawn from 1 s samples: keep it streaming while open.
  const sampled = isSampled(container)
  useReportView('detail', useMemo(() => (sampled && container ? [container] : []), [sampled, container]))

  if (!container) {
    return (
      <section className="detail" aria-label="Container details">
        <p className="empty">This container no longer exists.</p>
      </section>
    )
  }
  const name = containerName(container)
  return (
    <section className="detail" aria-label={`Details of ${name}`} data-stale={stale || undefined}>
      <header className="detail-head">
        <div className="detail-title">
          <h2 title={name}>{name}</h2>
          {many && (
            <span className="detail-engine muted" title={engine?.host || undefined}>
              on {container.engine}
            </span>
          )}
          <StateBadge container={container} pending={status} stale={stale} />
          <span className="muted">{describeStatus(container, now)}</span>
        </div>
        <div className="detail-controls">
          <ActionButtons container={container} status={status} run={run} onRemove={() => onRemove(container)} />
          <button type="button" className="icon-button" aria-label="Close details" title="Close (Esc)" onClick={onClose}>
            ×
          </button>
        </div>
      </header>
      {status?.phase === 'failed' && (
        <p className="detail-error" role="alert">
          {status.error}
        </p>
      )}
      <DetailTabs tab={tab} onTab={setTab} name={name} />
      {tab === 'logs' ? (
        <div className="detail-logs" role="tabpanel" id="detail-tab-logs" aria-label={`Logs of ${name}`}>
          <LogsTab container={container} />
        </div>
      ) : (
        /* Focusable: it scrolls, and the keyboard must be able to scroll it. */
        <div className="detail-body" tabIndex={0} role="tabpanel" id="detail-tab-overview" aria-label={`Charts, events and configuration of ${name}`}>
          <DetailBody container={container} selectedKey={selectedKey} />
        </div>
      )}
    </section>
  )
}

/**
 * What the charts can say of the container now: live figures, paused
 * (frozen, its memory still held), or why there is nothing live. A running
 * container whose engine or backend cannot be reached is not "stopped": its
 * state is only the last known one.
 */
export function chartsNow(
  container: Container,
  engineUp: boolean,
  connectionLive: boolean,
  hasSample: boolean,
  /** The engine's name, said when more than one is known. */
  engineName?: string,
): { kind: 'live' | 'paused' | 'not-live' | 'waiting' | 'stopped'; text: string } {
  if (!connectionLive) return { kind: 'not-live', text: 'not live: backend unreachable' }
  if (!engineUp) return { kind: 'not-live', text: engineName ? `not live: engine ${engineName} down` : 'not live: engine down' }
  if (container.state === 'paused') return { kind: 'paused', text: 'paused' }
  if (container.state !== 'running') return { kind: 'stopped', text: container.state || 'unknown' }
  return hasSample ? { kind: 'live', text: '' } : { kind: 'waiting', text: 'waiting for a sample' }
}

/** The panel's body. The inspect is asked for once, for the charts (the CPU limit) and the configuration. */
function DetailBody({ container, selectedKey }: { container: Container; selectedKey: string }) {
  const inspected = useInspect(container)
  return (
    <>
      <Charts container={container} selectedKey={selectedKey} limits={inspected.inspect?.limits} />
      <div className="detail-columns">
        <ContainerEvents container={container} />
        <ConfigSummary container={container} inspected={inspected} />
      </div>
    </>
  )
}

function Charts({ container, selectedKey, limits }: { container: Container; selectedKey: string; limits?: Limits }) {
  const series = useStatsHistory(selectedKey)
  const sample = useLiveSelector((s) => s.data.stats.get(selectedKey))
  const rates = useLiveSelector((s) => s.data.rates.get(selectedKey))
  const engineUp = useLiveSelector((s) => s.data.engines.get(container.engine)?.status === 'up')
  const connectionLive = useConnectionLive()
  const many = useManyEngines()

  const charts = useMemo(() => {
    if (!series) return null
    const lines = (...l: ChartLine[]) => l
    return {
      time: series.time,
      cpu: lines({ label: 'CPU', colorVar: '--chart-1', values: series.cpu }),
      memory: lines({ label: 'used', colorVar: '--chart-2', values: series.memory }),
      net: lines(
        { label: 'rx', colorVar: '--chart-3', values: series.netRx },
        { label: 'tx', colorVar: '--chart-4', values: series.netTx },
      ),
      block: lines(
        { label: 'read', colorVar: '--chart-3', values: series.blockRead },
        { label: 'write', colorVar: '--chart-4', values: series.blockWrite },
      ),
    }
  }, [series])

  const now = chartsNow(container, engineUp, connectionLive, sample !== undefined, many ? container.engine : undefined)
  if (!charts) {
    const why =
      now.kind === 'not-live'
        ? `No samples: ${now.text.replace(/^not live: /, '')}. The container was last known ${container.state}.`
        : now.kind === 'live' || now.kind === 'waiting' || now.kind === 'paused'
          ? 'Collecting samples…'
          : `No samples: the container is ${container.state}. Charts start when it runs.`
    return <p className="charts-empty muted">{why}</p>
  }
  const minutes = Math.round(HISTORY_SECONDS / 60)
  // A paused container's memory is still held, and the engine still reports it.
  const memory = sample && (now.kind === 'live' || now.kind === 'paused') ? formatMemory(sample.memoryUsage, sample.memoryLimit) : ''
  return (
    <div className="charts" aria-label={`Last ${minutes} minutes`} data-points={charts.time.length}>
      <Chart
        title={cpuTitle(limits)}
        summary={now.kind === 'live' ? formatPercent(sample!.cpuPercent) : now.text}
        time={charts.time}
        lines={charts.cpu}
        format={(v) => `${Math.round(v)}%`}
        minTop={10}
      />
      <Chart
        title="Memory"
        summary={memory ? (now.kind === 'paused' ? `${memory}, paused` : memory) : now.text}
        time={charts.time}
        lines={charts.memory}
        format={(v, ticks) => formatByteTick(v, ticks)}
        ticks={byteTicks}
        minTop={1024 * 1024}
      />
      <Chart
        title="Network"
        summary={now.kind === 'live' ? (rates ? `↓ ${formatRate(rates.netRx)} ↑ ${formatRate(rates.netTx)}` : '—') : now.text}
        time={charts.time}
        lines={charts.net}
        format={(v, ticks) => formatByteTick(v, ticks, '/s')}
        ticks={byteTicks}
        minTop={1024}
      />
      <Chart
        title="Block I/O"
        summary={now.kind === 'live' ? (rates ? `R ${formatRate(rates.blockRead)} W ${formatRate(rates.blockWrite)}` : '—') : now.text}
        time={charts.time}
        lines={charts.block}
        format={(v, ticks) => formatByteTick(v, ticks, '/s')}
        ticks={byteTicks}
        minTop={1024}
      />
    </div>
  )
}

function ContainerEvents({ container }: { container: Container }) {
  const data = useEventsData()
  const now = useNow(60_000)
  const events = useMemo(() => {
    const out: DockerEvent[] = []
    for (const e of data.events) {
      if (e.type === 'container' && e.actorId === container.id && e.engine === container.engine) {
        out.push(e)
        if (out.length >= RECENT_EVENTS) break
      }
    }
    return out
  }, [data.events, container.id, container.engine])
  return (
    <section className="detail-section" aria-label="Recent events of this container">
      <h3>Recent events</h3>
      {events.length === 0 ? (
        <p className="muted">
          {describeNoEvents(eventsCompleteSince(data, container.engine), now, 'events of this container')}
        </p>
      ) : (
        <ol className="mini-events">
          {events.map((e, i) => (
            <li key={`${e.timeNano}-${i}`} title={e.backfill ? PAST_EVENT : undefined}>
              <time className="mono muted" dateTime={new Date(e.timeNano / 1e6).toISOString()} title={formatTimestamp(e.timeNano / 1e6)}>
                {formatEventTime(e.timeNano / 1e6, now)}
              </time>
              <span className="dot" data-tone={eventTone(e)} aria-hidden="true" />
              {data.engines.size > 1 && <EventEngine engine={e.engine} />}
              <span>{describeEvent(e, data)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function ConfigSummary({ container: c, inspected }: { container: Container; inspected: InspectResult }) {
  const labels = Object.entries(c.labels).sort(([a], [b]) => a.localeCompare(b))
  const project = c.labels[COMPOSE_PROJECT]
  const service = c.labels[COMPOSE_SERVICE]
  return (
    <section className="detail-section" aria-label="Configuration">
      <h3>Configuration</h3>
      <dl className="config">
        <dt>ID</dt>
        <dd className="mono">
          {c.id.slice(0, 12)}
          <CopyButton text={c.id} label="Copy ID" />
        </dd>
        <dt>Image</dt>
        <dd className="mono">{c.image}</dd>
        <dt>Command</dt>
        <dd className="mono">{c.command || '—'}</dd>
        {project && (
          <>
            <dt>Compose</dt>
            <dd>
              {project}
              {service ? ` / ${service}` : ''}
            </dd>
          </>
        )}
        <dt>Ports</dt>
        <dd className="mono">
          {c.ports.length === 0 ? '—' : formatPorts(c.ports)}
        </dd>
        <dt>Mounts</dt>
        <dd>
          {c.mounts.length === 0 ? (
            '—'
          ) : (
            <ul className="plain">
              {c.mounts.map((m) => (
                <li key={m.destination} className="mono">
                  {m.type === 'volume' ? (m.name ?? m.source) : m.source} → {m.destination}
                  {m.readOnly ? ' (ro)' : ''} <span className="muted">{m.type}</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Labels</dt>
        <dd>
          {labels.length === 0 ? (
            '—'
          ) : (
            <ul className="plain labels">
              {labels.map(([k, v]) => (
                <li key={k} className="mono" title={`${k}=${v}`}>
                  {k}={v}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <InspectDetails result={inspected} />
    </section>
  )
}
