// Removing a container cannot be undone: ask first, and offer to remove its
// anonymous volumes too. A running container is offered "Stop and remove",
// as `docker rm -f` does, rather than a removal the engine would refuse.

import { useId, useRef, useState } from 'react'
import type { Container } from '../live'
import { containerName, keyOf, useLiveSelector } from '../live'
import { Modal } from './Modal'

export function ConfirmRemove({
  container: asked,
  onConfirm,
  onCancel,
}: {
  container: Container
  onConfirm: (removeVolumes: boolean, force: boolean) => void
  onCancel: () => void
}) {
  const [volumes, setVolumes] = useState(false)
  const cancel = useRef<HTMLButtonElement>(null)
  const title = useId()
  const desc = useId()
  // Its state now, not when the dialog opened: it may have started or stopped since.
  const container = useLiveSelector((s) => s.data.containers.get(keyOf(asked))) ?? asked
  const name = containerName(container)
  const running = container.state === 'running' || container.state === 'paused' || container.state === 'restarting'
  const anonymous = container.mounts.filter((m) => m.type === 'volume').length
  return (
    <Modal labelledBy={title} describedBy={desc} initialFocus={cancel} onClose={onCancel}>
      <h2 id={title}>{running ? `Stop and remove ${name}?` : `Remove ${name}?`}</h2>
      <p id={desc}>
        The container and its writable layer are deleted. This cannot be undone.
        {running && (
          <strong className="warn-text">
            {' '}
            It is {container.state}: it is killed first, without a grace period, as <code>docker rm -f</code> does.
          </strong>
        )}
      </p>
      <label className="check">
        <input type="checkbox" checked={volumes} onChange={(e) => setVolumes(e.target.checked)} />
        Also remove its anonymous volumes{anonymous > 0 ? ` (${anonymous} volume mount${anonymous === 1 ? '' : 's'})` : ''}
      </label>
      <div className="dialog-buttons">
        <button ref={cancel} type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => onConfirm(volumes, running)}>
          {running ? 'Stop and remove' : 'Remove'}
        </button>
      </div>
    </Modal>
  )
}
