// Removing a container cannot be undone: ask first, and offer to remove its
// anonymous volumes too.

import { useId, useRef, useState } from 'react'
import type { Container } from '../live'
import { containerName } from '../live'
import { Modal } from './Modal'

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
  const title = useId()
  const desc = useId()
  const name = containerName(container)
  const running = container.state === 'running' || container.state === 'paused' || container.state === 'restarting'
  const anonymous = container.mounts.filter((m) => m.type === 'volume').length
  return (
    <Modal labelledBy={title} describedBy={desc} initialFocus={cancel} onClose={onCancel}>
      <h2 id={title}>Remove {name}?</h2>
      <p id={desc}>
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
    </Modal>
  )
}
