// The keyboard shortcuts, listed, then the version and the settings.

import { useId } from 'react'
import { AppSettings } from './AppSettings'
import { Modal } from './Modal'
import { SHORTCUTS } from './useShortcuts'

export function HelpDialog({ onClose }: { onClose: () => void }) {
  const title = useId()
  return (
    <Modal labelledBy={title} onClose={onClose}>
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
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}
