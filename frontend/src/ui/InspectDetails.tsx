// The full inspect in the detail panel: how the container last ran, its
// limits, environment (values hidden until asked), networks, health check
// and stop settings, and the engine's raw answer.

import { useMemo, useState } from 'react'
import { HIDDEN_VALUE, formatRaw, redactEnv, type EnvVar, type Inspect, type InspectResult } from '../live'
import { formatBytes, formatClock } from '../format'
import {
  exitReason,
  formatCpuLimit,
  formatMemoryLimit,
  formatMoment,
  formatMs,
  formatPidsLimit,
  formatStop,
  formatSwapLimit,
  healthCommand,
  healthOutcome,
  healthSchedule,
} from './inspectFormat'
import './Inspect.css'

/** The full inspect of the panel's container, as useInspect answered it. */
export function InspectDetails({ result }: { result: InspectResult }) {
  const { inspect, error, loading, retry } = result
  return (
    <div className="inspect" aria-busy={loading}>
      {error && (
        <p className="inspect-error" role="alert">
          Could not inspect the container: {error}{' '}
          <button type="button" className="small-button" onClick={retry}>
            Retry
          </button>
        </p>
      )}
      {!inspect && loading && (
        <p className="muted" role="status">
          Inspecting…
        </p>
      )}
      {inspect && <InspectBody inspect={inspect} refreshing={loading} />}
    </div>
  )
}

function InspectBody({ inspect: i, refreshing }: { inspect: Inspect; refreshing: boolean }) {
  const [allShown, setAllShown] = useState(false)
  const reason = exitReason(i)
  return (
    <>
      <dl className="config">
        <dt>Created</dt>
        <dd>{formatMoment(i.created)}</dd>
        <dt>Started</dt>
        <dd>{formatMoment(i.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{i.state === 'running' || i.state === 'paused' ? '— (running)' : formatMoment(i.finishedAt)}</dd>
        {reason && (
          <>
            <dt>Exit</dt>
            <dd className={i.exitCode === 0 && !i.oomKilled ? undefined : 'bad-text'}>{reason}</dd>
          </>
        )}
        {i.error && (
          <>
            <dt>Engine error</dt>
            <dd className="bad-text">{i.error}</dd>
          </>
        )}
        <dt>Restarts</dt>
        <dd>
          {i.restartCount === 0 ? 'none' : `${i.restartCount}×`}, policy {i.restartPolicy}
          {i.restartRetries ? ` (at most ${i.restartRetries} retries)` : ''}
        </dd>
        <dt>Stop</dt>
        <dd>{formatStop(i)}</dd>
        <dt>CPU limit</dt>
        <dd>{formatCpuLimit(i.limits)}</dd>
        <dt>Memory limit</dt>
        <dd>{formatMemoryLimit(i.limits)}</dd>
        <dt>Swap</dt>
        <dd>{formatSwapLimit(i.limits)}</dd>
        <dt>Processes</dt>
        <dd>{formatPidsLimit(i.limits)}</dd>
      </dl>
      {refreshing && <p className="muted inspect-refreshing">Refreshing…</p>}
      <Environment env={i.env} allShown={allShown} setAllShown={setAllShown} />
      <Networks inspect={i} />
      <Health inspect={i} />
      <RawAnswer raw={i.raw} withValues={allShown} />
    </>
  )
}

function Environment({ env, allShown, setAllShown }: { env: EnvVar[]; allShown: boolean; setAllShown: (v: boolean) => void }) {
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set())
  const toggle = (name: string) =>
    setShown((s) => {
      const next = new Set(s)
      if (!next.delete(name)) next.add(name)
      return next
    })
  return (
    <section className="inspect-part" aria-label="Environment">
      <div className="inspect-part-head">
        <h4>Environment</h4>
        {env.length > 0 && (
          <button type="button" className="small-button" aria-pressed={allShown} onClick={() => setAllShown(!allShown)}>
            {allShown ? 'Hide values' : 'Show values'}
          </button>
        )}
      </div>
      {env.length === 0 ? (
        <p className="muted">No environment variables.</p>
      ) : (
        <ul className="plain env">
          {env.map((v, n) => {
            const visible = allShown || shown.has(v.name)
            return (
              <li key={`${n}-${v.name}`} className="mono">
                <span className="env-name">{v.name}</span>=
                {visible ? (
                  <span className="env-value">{v.value}</span>
                ) : (
                  <span className="env-hidden" aria-label="value hidden">
                    {HIDDEN_VALUE}
                  </span>
                )}
                {!allShown && (
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`${visible ? 'Hide' : 'Show'} the value of ${v.name}`}
                    onClick={() => toggle(v.name)}
                  >
                    {visible ? 'hide' : 'show'}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

function Networks({ inspect: i }: { inspect: Inspect }) {
  return (
    <section className="inspect-part" aria-label="Networks">
      <h4>Networks</h4>
      {i.networks.length === 0 ? (
        <p className="muted">{i.networkMode === 'none' ? 'No network (network mode none).' : `None listed (network mode ${i.networkMode || 'unknown'}).`}</p>
      ) : (
        <ul className="plain networks">
          {i.networks.map((n) => (
            <li key={n.name}>
              <span className="network-name">{n.name}</span>
              <dl className="config">
                <dt>IP</dt>
                <dd className="mono">{n.ipAddress ? `${n.ipAddress}${n.prefixLen ? `/${n.prefixLen}` : ''}` : '—'}</dd>
                {n.ipv6Address && (
                  <>
                    <dt>IPv6</dt>
                    <dd className="mono">{n.ipv6Address}</dd>
                  </>
                )}
                <dt>Gateway</dt>
                <dd className="mono">{[n.gateway, n.ipv6Gateway].filter(Boolean).join(', ') || '—'}</dd>
                <dt>MAC</dt>
                <dd className="mono">{n.macAddress || '—'}</dd>
                <dt>Aliases</dt>
                <dd className="mono">{n.aliases.length ? n.aliases.join(', ') : '—'}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Health({ inspect: i }: { inspect: Inspect }) {
  const h = i.healthcheck
  return (
    <section className="inspect-part" aria-label="Health check">
      <h4>Health check</h4>
      {!h ? (
        <p className="muted">None.</p>
      ) : (
        <>
          <dl className="config">
            <dt>Command</dt>
            <dd className="mono">{healthCommand(h) || '—'}</dd>
            <dt>Schedule</dt>
            <dd>{healthSchedule(h)}</dd>
            <dt>Status</dt>
            <dd>
              {h.status ?? 'not run yet'}
              {h.failingStreak > 0 ? `, ${h.failingStreak} failing in a row` : ''}
            </dd>
          </dl>
          {h.log.length === 0 ? (
            <p className="muted">No results yet.</p>
          ) : (
            <ol className="plain health-log" aria-label="Latest health check results">
              {[...h.log].reverse().map((r, n) => {
                const outcome = healthOutcome(r.exitCode)
                return (
                  <li key={`${r.start}-${n}`}>
                    <span className="health-line">
                      <time className="mono muted" dateTime={new Date(r.start).toISOString()}>
                        {formatClock(r.start)}
                      </time>
                      <span className="dot" data-tone={outcome.tone} aria-hidden="true" />
                      <span>{outcome.text}</span>
                      {r.end >= r.start && r.start > 0 && <span className="muted">in {formatMs(r.end - r.start)}</span>}
                    </span>
                    {r.output.trim() && <pre className="health-output mono">{r.output.trimEnd()}</pre>}
                  </li>
                )
              })}
            </ol>
          )}
        </>
      )}
    </section>
  )
}

function RawAnswer({ raw, withValues }: { raw: string; withValues: boolean }) {
  const [open, setOpen] = useState(false)
  const text = useMemo(() => (open ? formatRaw(withValues ? raw : redactEnv(raw)) : ''), [open, raw, withValues])
  return (
    <details className="inspect-part raw" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Raw inspect JSON <span className="muted">({formatBytes(raw.length)}{withValues ? '' : ', environment values hidden'})</span>
      </summary>
      {/* Text, never HTML: React escapes it. */}
      <pre className="raw-json mono" tabIndex={0} aria-label="The engine's inspect answer">
        {text}
      </pre>
    </details>
  )
}
