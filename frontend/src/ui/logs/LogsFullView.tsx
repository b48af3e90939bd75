// The full-height logs view: a container's or a compose project's logs over
// the whole window, opened from the detail panel's Logs tab, a group
// header or a notification. It is a modal dialog (the table's keys rest
// while it is open); Esc or Close goes back to the table, which stayed as it
// was underneath, and the focus to what opened it. A container that is gone
// when the view opens shows what Dockpulse kept of it.

import { useId, useMemo, useState } from 'react'
import { useContainers, useLiveStore, useLogs, type LogTarget } from '../../live'
import { Modal } from '../Modal'
import { LogView } from './LogView'
import type { LogsRequest } from './openLogs'
import { containerTarget, projectTarget } from './targets'
import './LogsFullView.css'

export function LogsFullView({ request, onClose }: { request: LogsRequest; onClose: () => void }) {
  const heading = useId()
  const { target, title, otherEngines } = useRequestTarget(request)
  const view = useLogs(target)
  return (
    <Modal labelledBy={heading} onClose={onClose} className="logs-full">
      <header className="logs-full-head">
        <h2 id={heading}>Logs of {title}</h2>
        {otherEngines.length > 0 && (
          <span className="muted">
            on {target?.engine}; also on {otherEngines.join(', ')}: a view follows one engine
          </span>
        )}
      </header>
      {target ? (
        <LogView {...view} variant="full" onClose={onClose} />
      ) : (
        <>
          <p className="empty">No container of {title} is known.</p>
          <button type="button" onClick={onClose}>
            Close logs
          </button>
        </>
      )}
    </Modal>
  )
}

/** The target of a request, fixed while it names the same containers (a new socket only when they change). */
function useRequestTarget(request: LogsRequest): { target: LogTarget | null; title: string; otherEngines: string[] } {
  const store = useLiveStore()
  const containers = useContainers()
  const key = request.kind === 'container' ? request.key : ''
  // Gone when the view opened: its kept last words. Removed while open: the lines already shown stay.
  const [goneAtOpen] = useState(() => key !== '' && !store.getState().data.containers.has(key))
  const found =
    request.kind === 'container'
      ? (() => {
          const c = containers.find((x) => `${x.engine}/${x.id}` === key)
          const slash = key.indexOf('/')
          const at = { engine: key.slice(0, slash), id: key.slice(slash + 1), name: c?.name ?? request.name ?? '' }
          return { target: c || goneAtOpen ? containerTarget(at, goneAtOpen) : null, otherEngines: [] as string[] }
        })()
      : projectTarget(containers, request.project)
  const json = JSON.stringify(found)
  const stable = useMemo(() => JSON.parse(json) as typeof found, [json])
  const title = request.kind === 'project' ? `project ${request.project}` : (stable.target?.name ?? request.name ?? key)
  return { ...stable, title }
}
