// The engine switcher: every Docker context on this machine (as `docker
// context ls` lists them), with its endpoint and, when watched, its status,
// and a switch each that starts or stops watching it at once. The desktop
// app remembers the choice for its next launch.

import { createContext, useCallback, useContext, useEffect, useId, useState, type ReactNode } from 'react'
import type { EngineContext } from '../live/types'
import { errorText } from '../live/errors'
import { Modal } from './Modal'
import './EnginesDialog.css'

/** What the switcher needs of the backend (Backend's contexts and setWatched). */
export interface EngineSwitcher {
  contexts(this: void): Promise<EngineContext[]>
  setWatched(this: void, name: string, on: boolean): Promise<void>
}

const SwitcherContext = createContext<EngineSwitcher | null>(null)

export function EngineSwitcherProvider({ switcher, children }: { switcher: EngineSwitcher; children: ReactNode }) {
  return <SwitcherContext.Provider value={switcher}>{children}</SwitcherContext.Provider>
}

/** How often the open dialog asks again, so that a status it shows stays current. */
export const REFRESH_MS = 2000

/** The header's way to the switcher; nothing where no backend can switch engines. */
export function EnginesButton() {
  const switcher = useContext(SwitcherContext)
  const [open, setOpen] = useState(false)
  if (!switcher) return null
  return (
    <>
      <button type="button" className="engines-button" title="Choose the engines to watch" onClick={() => setOpen(true)}>
        Engines
      </button>
      {open && <EnginesDialog switcher={switcher} onClose={() => setOpen(false)} />}
    </>
  )
}

function statusText(c: EngineContext): string {
  if (!c.watched) return 'Not watched'
  switch (c.status) {
    case 'up':
      return 'Up'
    case 'down':
      return c.reason ? `Down: ${c.reason}` : 'Down'
    case 'connecting':
      return c.reason ? `Connecting: ${c.reason}` : 'Connecting…'
    default:
      return 'Status unknown'
  }
}

export function EnginesDialog({ switcher, onClose }: { switcher: EngineSwitcher; onClose: () => void }) {
  const title = useId()
  const about = useId()
  const [list, setList] = useState<EngineContext[] | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const [switchError, setSwitchError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    try {
      setList(await switcher.contexts())
      setListError(null)
    } catch (err) {
      setListError(`The engines cannot be listed: ${errorText(err)}`)
    }
  }, [switcher])

  useEffect(() => {
    void refresh()
    const timer = setInterval(() => void refresh(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [refresh])

  const toggle = async (c: EngineContext) => {
    setBusy(c.name)
    setSwitchError(null)
    try {
      await switcher.setWatched(c.name, !c.watched)
    } catch (err) {
      setSwitchError(`${c.name} could not be switched ${c.watched ? 'off' : 'on'}: ${errorText(err)}`)
    } finally {
      setBusy(null)
      await refresh()
    }
  }

  const watched = list?.filter((c) => c.watched).length ?? 0
  return (
    <Modal labelledBy={title} describedBy={about} onClose={onClose}>
      <h2 id={title}>Engines</h2>
      <p id={about} className="engines-about">
        Every Docker context on this machine. Switch one on to watch its containers, off to stop.
      </p>
      {switchError && (
        <p role="alert" className="engines-error">
          {switchError}
        </p>
      )}
      {listError && (
        <p role="alert" className="engines-error">
          {listError}
        </p>
      )}
      {list === null && !listError && <p className="engines-loading">Listing the engines…</p>}
      {list !== null && (
        <ul className="engines-list" aria-label="Docker contexts">
          {list.map((c) => (
            <li key={c.name} className="engine-choice">
              <div className="engine-choice-text">
                <span className="engine-choice-name">
                  {c.name}
                  {c.current && <span className="engine-current"> current</span>}
                </span>
                <code className="engine-choice-endpoint">{c.endpoint}</code>
                <span className={`engine-choice-status engine-choice-${c.watched ? (c.status ?? 'unknown') : 'off'}`}>
                  {statusText(c)}
                </span>
              </div>
              <button
                type="button"
                role="switch"
                className="engine-switch"
                aria-checked={c.watched}
                aria-label={`Watch ${c.name}`}
                disabled={busy !== null}
                onClick={() => void toggle(c)}
              >
                <span className="engine-switch-knob" aria-hidden="true" />
                <span className="engine-switch-text">{busy === c.name ? '…' : c.watched ? 'On' : 'Off'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {list !== null && watched === 0 && (
        <p className="engines-none">No engine is watched: the table stays empty until you switch one on.</p>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}
