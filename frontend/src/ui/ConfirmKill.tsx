// A kill is one keystroke away (Shift+K): ask first, with the safe choice
// focused, so a slip of the finger never ends a container.

import { useId, useRef } from 'react'
import { containerName, type Container } from '../live'
import { Modal } from './Modal'

export function ConfirmKill({
  container,
  onConfirm,
  onCancel,
}: {
  container: Container
  onConfirm: () => void
  onCancel: () => void
}) {
  const cancel = useRef<HTMLButtonElement>(null)
  const title = useId()
  const desc = useId()
  const name = containerName(container)
  return (
    <Modal labelledBy={title} describedBy={desc} initialFocus={cancel} onClose={onCancel}>
      <h2 id={title}>Kill {name}?</h2>
      <p id={desc}>
        The engine sends SIGKILL: its processes end at once, with no chance to clean up. Stop (s) asks them to exit
        first.
      </p>
      <div className="dialog-buttons">
        <button ref={cancel} type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          Kill
        </button>
      </div>
    </Modal>
  )
}
