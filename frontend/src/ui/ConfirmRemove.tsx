// Removing a container cannot be undone: ask first, and offer to remove its
// anonymous volumes too.

import { useEffect, useRef, useState } from 'react'
import type { Container } from '../live'
import { containerName } from '../live'

export function ConfirmRemove({
  container,
  onConfirm,
  onCancel,
}: {
  container: Container
  onConfirm: (removeVolumes: boolean) => void
  onCancel: () => void
}) {
  const [volumes, setVolumes] = useState(false)
  const cancel = useRef<HTMLButtonElement>(null)
  const previous = useRef<Element | null>(null)
  useEffect(() => {
    previous.current = document.activeElement
    cancel.current?.focus()
    return () => (previous.current as HTMLElement | null)?.focus?.()
  }, [])
  const name = containerName(container)
  const running = container.state === 'running' || container.state === 'paused' || container.state === 'restarting'
  const anonymous = container.mounts.filter((m) => m.type === 'volume').length
  return (
    <div className="scrim" onClick={onCancel}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="remove-title"
        aria-describedby="remove-desc"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation()
            onCancel()
          }
          if (e.key === 'Tab') {
            // Keep focus inside the dialog.
            const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>('button, input')]
            const first = focusable[0]
            const last = focusable.at(-1)
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault()
              last?.focus()
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault()
              first?.focus()
            }
          }
        }}
      >
        <h2 id="remove-title">Remove {name}?</h2>
        <p id="remove-desc">
          The container and its writable layer are deleted. This cannot be undone.
          {running && <strong className="warn-text"> It is {container.state}: the engine refuses to remove it until it is stopped.</strong>}
        </p>
        <label className="check">
          <input type="checkbox" checked={volumes} onChange={(e) => setVolumes(e.target.checked)} />
          Also remove its anonymous volumes{anonymous > 0 ? ` (${anonymous} volume mount${anonymous === 1 ? '' : 's'})` : ''}
        </label>
        <div className="dialog-buttons">
          <button ref={cancel} type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={() => onConfirm(volumes)}>
            Remove
          </button>
        </div>
      </div>
    </div>
  )
}
