// The one modal dialog: the native <dialog> opened with showModal(), so the
// browser makes the rest of the page inert and keeps Tab inside. It is open
// while mounted: focus moves into it on open and goes back, on close, to the
// element that had it. Escape (the dialog's cancel) and a click on the
// backdrop ask the owner to close it.

import { useEffect, useRef, type ReactNode, type RefObject } from 'react'

/**
 * Whether a modal dialog is open: the page's own keyboard shortcuts must
 * then do nothing (the browser stops pointer and focus from reaching the
 * page behind, not key events sent to the window).
 */
export function modalOpen(doc: Document = document): boolean {
  return doc.querySelector('dialog[open]') !== null
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])'

export function Modal({
  labelledBy,
  describedBy,
  initialFocus,
  onClose,
  className = 'dialog',
  children,
}: {
  /** The id of the element that names the dialog (its heading). */
  labelledBy: string
  describedBy?: string
  /** What gets the focus on open; the first control otherwise. */
  initialFocus?: RefObject<HTMLElement | null>
  onClose: () => void
  /** The dialog's class: 'dialog' (a box in the middle) unless it is drawn otherwise. */
  className?: string
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const close = useRef(onClose)
  useEffect(() => {
    close.current = onClose
  })

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.showModal()
    ;(initialFocus?.current ?? dialog.querySelector<HTMLElement>(FOCUSABLE) ?? dialog).focus()
    return () => {
      if (dialog.open) dialog.close()
      if (previous?.isConnected) previous.focus()
    }
  }, [initialFocus])

  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onCancel={(e) => {
        // The owner closes it, by unmounting it.
        e.preventDefault()
        close.current()
      }}
      onClick={(e) => {
        // The backdrop is the dialog itself; its content fills the box.
        if (e.target === e.currentTarget) close.current()
      }}
    >
      <div className="dialog-content">{children}</div>
    </dialog>
  )
}
