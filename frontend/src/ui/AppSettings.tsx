// The app's version and its settings (the OS notifications, the engine
// column with a single engine), shown in the help dialog. The version is the server's, from hello: the desktop app and
// `dockpulse serve` report the version they were built as.

import { createContext, useContext, useEffect, useId, useState, type ReactNode } from 'react'
import { useLiveSelector, type OsAlertSink } from '../live'
import { setEngineColumnAlways, useEngineColumnAlways, useManyEngines } from './engineLive'
import './AppSettings.css'

const OsNotificationsContext = createContext<OsAlertSink | undefined>(undefined)

/** Hands the OS notification sink (main.tsx makes it) to the settings. */
export function OsNotificationsProvider({ sink, children }: { sink: OsAlertSink | undefined; children?: ReactNode }) {
  return <OsNotificationsContext.Provider value={sink}>{children}</OsNotificationsContext.Provider>
}

export function AppSettings() {
  const version = useLiveSelector((s) => s.data.hello?.version)
  const sink = useContext(OsNotificationsContext)
  return (
    <section className="app-settings" aria-label="About and settings">
      <p>
        Dockpulse <span className="app-version">{version ? version : 'version unknown until connected'}</span>
      </p>
      {sink ? <NotificationSetting sink={sink} /> : <p className="muted small">System notifications are not available in this browser.</p>}
      <EngineColumnSetting />
    </section>
  )
}

function NotificationSetting({ sink }: { sink: OsAlertSink }) {
  const [on, setOn] = useState<boolean | null>(null)
  const [error, setError] = useState('')
  const hint = useId()
  useEffect(() => {
    let live = true
    void sink.enabled().then((v) => live && setOn(v))
    return () => {
      live = false
    }
  }, [sink])
  const change = (v: boolean) => {
    setError('')
    sink.setEnabled(v).then(
      () => setOn(v),
      (err: unknown) => setError(`Could not turn notifications ${v ? 'on' : 'off'}: ${err instanceof Error ? err.message : String(err)}`),
    )
  }
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={on === true}
          disabled={on === null}
          aria-describedby={hint}
          onChange={(e) => change(e.target.checked)}
        />
        System notifications while the window is hidden
      </label>
      <p id={hint} className="muted small">
        When a container dies unexpectedly, is killed for want of memory or turns unhealthy while this window is hidden or
        minimised, {sink.kind === 'desktop' ? 'the desktop shows a notification' : 'the browser shows a notification (it asks your permission first)'}.
      </p>
      {error && (
        <p role="alert" className="app-settings-error">
          {error}
        </p>
      )}
    </>
  )
}

/** With more than one engine the table always has the engine column; with one, on request. */
function EngineColumnSetting() {
  const always = useEngineColumnAlways()
  const many = useManyEngines()
  return (
    <label className="check">
      <input type="checkbox" checked={always || many} disabled={many} onChange={(e) => setEngineColumnAlways(e.target.checked)} />
      Show the engine column{many ? ' (always, with more than one engine)' : ' with a single engine'}
    </label>
  )
}
