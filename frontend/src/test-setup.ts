import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

// Testing Library unmounts after each test by itself only where the test
// runner's hooks are globals; vitest's are not.
afterEach(cleanup)

// jsdom lacks matchMedia, which uPlot calls when it loads.
if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList
}

// jsdom has <dialog> (its `open` attribute hides or shows it) but neither
// showModal() nor close(). Enough of them, as browsers do them: showModal()
// opens the dialog as the topmost modal (throwing when it is already open
// without being modal), close() closes it and fires `close` in a later task,
// and Escape, unless a handler prevented its keydown, fires a cancelable
// `cancel` at the topmost modal dialog after the keydown has gone everywhere,
// then closes it if nobody cancelled. What jsdom cannot do, making the page
// inert and keeping Tab inside, is left to the end-to-end tests in Chromium.
if (typeof HTMLDialogElement !== 'undefined' && typeof HTMLDialogElement.prototype.showModal !== 'function') {
  const modals: HTMLDialogElement[] = []
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    if (this.open) {
      if (modals.includes(this)) return
      throw new DOMException('The dialog is already open as a non-modal dialog.', 'InvalidStateError')
    }
    if (!this.isConnected) throw new DOMException('The dialog is not in a document.', 'InvalidStateError')
    this.setAttribute('open', '')
    modals.push(this)
  }
  HTMLDialogElement.prototype.show = function (this: HTMLDialogElement) {
    if (this.open) return
    this.setAttribute('open', '')
  }
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement, returnValue?: string) {
    if (!this.open) return
    this.removeAttribute('open')
    const i = modals.indexOf(this)
    if (i >= 0) modals.splice(i, 1)
    if (returnValue !== undefined) this.returnValue = returnValue
    setTimeout(() => this.dispatchEvent(new Event('close')))
  }
  // The browser's own handling comes after the event has been dispatched.
  window.addEventListener(
    'keydown',
    (e) => {
      if (e.key !== 'Escape') return
      queueMicrotask(() => {
        const top = modals.at(-1)
        if (e.defaultPrevented || !top?.isConnected) return
        if (top.dispatchEvent(new Event('cancel', { cancelable: true }))) top.close()
      })
    },
    { capture: true },
  )
}
