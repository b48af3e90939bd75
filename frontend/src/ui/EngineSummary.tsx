// The header with more than one engine: one compact entry per engine (its
// status, and as far as they fit on the header's one line its running/total
// containers, version, CPUs and memory), and on demand a popover with every
// engine's facts, status and live figures. An engine that is not live says
// so in its own entry; the others stay live. With one engine, the header is
// SystemSummary.

import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { useContainers, useStats, type EngineInfo } from '../live'
import { formatBytes, formatPercent } from '../format'
import { everReached } from './Status'
import { engineLive, useConnectionLive } from './engineLive'
import './EngineSummary.css'

interface EngineFigures {
  running: number
  total: number
  /** Summed over its sampled containers; null without a sample. */
  cpu: number | null
  memory: number | null
}

/** Each engine's container counts and summed figures. */
export function figuresByEngine(
  containers: readonly { engine: string; state: string }[],
  stats: ReadonlyMap<string, { engine: string; cpuPercent: number; memoryUsage: number }>,
): Map<string, EngineFigures> {
  const out = new Map<string, EngineFigures>()
  const of = (engine: string) => {
    let f = out.get(engine)
    if (!f) out.set(engine, (f = { running: 0, total: 0, cpu: null, memory: null }))
    return f
  }
  for (const c of containers) {
    const f = of(c.engine)
    f.total++
    if (c.state === 'running' || c.state === 'restarting') f.running++
  }
  for (const s of stats.values()) {
    const f = of(s.engine)
    f.cpu = (f.cpu ?? 0) + s.cpuPercent
    f.memory = (f.memory ?? 0) + s.memoryUsage
  }
  return out
}

/** An engine's status in words: connected, connecting, down (why), never reached. */
export function engineStatusWords(e: EngineInfo): string {
  switch (e.status) {
    case 'up':
      return 'connected'
    case 'connecting':
      return everReached(e) ? 'reconnecting…' : 'connecting…'
    case 'down':
      return everReached(e) ? 'down' : 'never reached'
    default:
      return String(e.status)
  }
}

function tone(e: EngineInfo): string {
  return e.status === 'up' ? 'ok' : e.status === 'down' ? 'bad' : 'pending'
}

const STATS_SOURCE_TITLES: Record<string, string> = {
  kernel: "The kernel's cgroup files on this machine",
  engine: "The engine's stats API",
}

const cpusText = (e: EngineInfo) => (everReached(e) && e.cpus > 0 ? `${e.cpus} CPU${e.cpus === 1 ? '' : 's'}` : 'CPUs unknown')
const memoryText = (e: EngineInfo) => (everReached(e) && e.memoryTotal > 0 ? formatBytes(e.memoryTotal) : 'memory unknown')
const versionText = (e: EngineInfo) => (everReached(e) && e.version ? e.version : 'version unknown')

function countText(e: EngineInfo, f: EngineFigures | undefined): string {
  if (!everReached(e) && !f) return 'containers unknown'
  return `${f?.running ?? 0}/${f?.total ?? 0} running`
}

/**
 * How much of each engine's entry the header shows: everything, the counts
 * without the facts, or the name and status only.
 */
export type ChipDetail = 'full' | 'count' | 'name'
const DETAILS: readonly ChipDetail[] = ['full', 'count', 'name']

/**
 * The most detail with which the entries in list fit on one line, measured
 * in the page (the list shrinks to the room it has, so it overflows when they
 * do not fit), again whenever the room or the text changes; wrap when even
 * names alone do not fit. Without layout (tests) everything fits.
 */
function useChipDetail(list: RefObject<HTMLUListElement | null>, text: string): { detail: ChipDetail; wrap: boolean } {
  const [fit, setFit] = useState<{ detail: ChipDetail; wrap: boolean }>({ detail: 'full', wrap: false })
  useLayoutEffect(() => {
    const ul = list.current
    if (!ul) return
    const measure = () => {
      const before = { detail: ul.dataset.detail, wrap: ul.dataset.wrap }
      delete ul.dataset.wrap
      let next: { detail: ChipDetail; wrap: boolean } = { detail: 'name', wrap: true }
      for (const detail of DETAILS) {
        ul.dataset.detail = detail
        if (ul.scrollWidth <= ul.clientWidth + 1) {
          next = { detail, wrap: false }
          break
        }
      }
      // React owns the attributes: put back what it rendered until it renders the choice.
      if (before.detail === undefined) delete ul.dataset.detail
      else ul.dataset.detail = before.detail
      if (before.wrap !== undefined) ul.dataset.wrap = before.wrap
      setFit((f) => (f.detail === next.detail && f.wrap === next.wrap ? f : next))
    }
    measure()
    const room = ul.parentElement
    if (typeof ResizeObserver === 'undefined' || !room) return
    const observer = new ResizeObserver(measure)
    observer.observe(room)
    return () => observer.disconnect()
  }, [list, text])
  return fit
}

export function EngineSummaries({ engines }: { engines: readonly EngineInfo[] }) {
  const containers = useContainers()
  const stats = useStats()
  const connectionLive = useConnectionLive()
  const figures = useMemo(() => figuresByEngine(containers, stats), [containers, stats])
  const [open, setOpen] = useState(false)
  const detailsId = useId()
  const list = useRef<HTMLUListElement>(null)
  const toggle = useRef<HTMLButtonElement>(null)
  const popover = useRef<HTMLElement>(null)
  // What the entries say, in full: measured again when it changes.
  const text = engines
    .map((e) => [e.engine, e.status, versionText(e), cpusText(e), memoryText(e), countText(e, figures.get(e.engine))].join(' '))
    .join('|')
  const { detail, wrap } = useChipDetail(list, text)
  useDismiss(open, () => setOpen(false), [toggle, popover])
  return (
    <div className="engine-summary">
      <ul ref={list} className="engine-chips" aria-label="Docker engines" data-detail={detail} data-wrap={wrap || undefined}>
        {engines.map((e) => {
          const live = engineLive(e, connectionLive)
          const f = figures.get(e.engine)
          const words = engineStatusWords(e)
          return (
            <li
              key={e.engine}
              className="engine-chip"
              data-tone={tone(e)}
              data-status={e.status}
              data-live={live || undefined}
              title={[e.host, e.status !== 'up' ? `${words}${e.reason ? `: ${e.reason}` : ''}` : '', !live ? 'last known, not live' : '']
                .filter(Boolean)
                .join(' · ')}
            >
              <span className="dot" aria-hidden="true" />
              <span role="status" aria-label={`Engine ${e.engine}`} className="engine-chip-text">
                <strong className="engine-chip-name">{e.engine}</strong>
                {e.status !== 'up' && <span className="engine-chip-status"> {words}</span>}
                <span className="engine-chip-facts">
                  {' '}
                  · {versionText(e)} · {cpusText(e)} · {memoryText(e)}
                </span>
                <span className="engine-chip-count">
                  {' '}
                  · {countText(e, f)}
                  {!live && ', last known'}
                </span>
              </span>
            </li>
          )
        })}
      </ul>
      <button
        ref={toggle}
        type="button"
        className="link-button engine-details-toggle"
        aria-expanded={open}
        aria-controls={detailsId}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? 'Hide engine details' : 'Engine details'}
      </button>
      {open && <EngineDetails ref={popover} id={detailsId} engines={engines} figures={figures} connectionLive={connectionLive} />}
    </div>
  )
}

/**
 * Closes an open popover on Escape (the focus goes back to its button, the
 * first of inside) and on a press outside every element of inside.
 */
function useDismiss(open: boolean, close: () => void, inside: readonly RefObject<HTMLElement | null>[]) {
  const latest = useRef({ close, inside })
  latest.current = { close, inside }
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      latest.current.close()
      latest.current.inside[0]?.current?.focus()
    }
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node | null
      if (!latest.current.inside.some((r) => r.current?.contains(target))) latest.current.close()
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointer)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer)
    }
  }, [open])
}

function EngineDetails({
  ref,
  id,
  engines,
  figures,
  connectionLive,
}: {
  ref: RefObject<HTMLElement | null>
  id: string
  engines: readonly EngineInfo[]
  figures: ReadonlyMap<string, EngineFigures>
  connectionLive: boolean
}) {
  return (
    <section ref={ref} id={id} className="engine-details" aria-label="Engine details">
      <table>
        <thead>
          <tr>
            <th scope="col">Engine</th>
            <th scope="col">Status</th>
            <th scope="col">Docker</th>
            <th scope="col">CPUs</th>
            <th scope="col">Memory</th>
            <th scope="col">Containers</th>
            <th scope="col">CPU use</th>
            <th scope="col">Memory use</th>
            <th scope="col">Stats from</th>
            <th scope="col">Host</th>
          </tr>
        </thead>
        <tbody>
          {engines.map((e) => {
            const live = engineLive(e, connectionLive)
            const f = figures.get(e.engine)
            const reached = everReached(e)
            const notLive = !connectionLive ? 'not live: backend unreachable' : 'not live'
            return (
              <tr key={e.engine} data-status={e.status} data-live={live || undefined}>
                <th scope="row">{e.engine}</th>
                <td data-tone={tone(e)}>
                  {engineStatusWords(e)}
                  {e.status !== 'up' && e.reason ? `: ${e.reason}` : ''}
                  {e.status === 'up' && !connectionLive ? ' (last known)' : ''}
                </td>
                <td>
                  {versionText(e)}
                  {reached && e.apiVersion ? <span className="muted"> API {e.apiVersion}</span> : null}
                </td>
                <td>{reached && e.cpus > 0 ? e.cpus : <span className="muted">unknown</span>}</td>
                <td>{reached && e.memoryTotal > 0 ? formatBytes(e.memoryTotal) : <span className="muted">unknown</span>}</td>
                <td>
                  {countText(e, f)}
                  {!live && <span className="muted"> (last known)</span>}
                </td>
                <td>
                  {!live ? (
                    <span className="muted">— {notLive}</span>
                  ) : f?.cpu == null ? (
                    <span className="muted">—</span>
                  ) : e.cpus > 0 ? (
                    `${formatPercent(f.cpu / e.cpus)} of ${e.cpus} CPU${e.cpus === 1 ? '' : 's'}`
                  ) : (
                    `${formatPercent(f.cpu)} of one core`
                  )}
                </td>
                <td>{!live ? <span className="muted">— {notLive}</span> : f?.memory == null ? <span className="muted">—</span> : formatBytes(f.memory)}</td>
                <td title={e.statsSource ? STATS_SOURCE_TITLES[e.statsSource] : undefined}>
                  {e.statsSource || <span className="muted">unknown</span>}
                </td>
                <td className="mono">{e.host || <span className="muted">unknown</span>}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
