// The keyboard shortcuts, listed.

import { useId } from 'react'
import { Modal } from './Modal'
import { SHORTCUTS } from './useShortcuts'

export function HelpDialog({ onClose }: { onClose: () => void }) {
  const title = useId()
  return (
    <Modal labelledBy={title} onClose={onClose}>
      <h2 id={title}>Keyboard shortcuts</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}
