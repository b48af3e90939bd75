// The keyboard shortcuts, listed, then the version and the settings.

import { useId, useRef } from 'react'
import { AppSettings } from './AppSettings'
import { Modal } from './Modal'
import { SHORTCUTS } from './useShortcuts'

export function HelpDialog({ onClose }: { onClose: () => void }) {
  const title = useId()
  // A dialog to read: the focus starts on Close, not on a setting below the list.
  const close = useRef<HTMLButtonElement>(null)
  return (
    <Modal labelledBy={title} onClose={onClose} initialFocus={close}>
      <h2 id={title}>Keyboard shortcuts</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map(({ keys, what }) => (
          <div key={what}>
            <dt>
              {keys.map((alternative, i) => (
                <span key={alternative.join(' ')}>
                  {i > 0 && ' or '}
                  {alternative.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <AppSettings />
      <div className="dialog-buttons">
        <button type="button" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}
