// Whether the window is on screen, for the view the server samples by. The
// page's visibilityState covers a browser tab and the macOS webview, but a
// minimised desktop window does not always change it: WebView2 keeps a
// minimised page "visible" unless its host says otherwise (Wails v2 does
// not), and so does WebKitGTK where the desktop does not report the window
// as iconified. In the desktop app the Wails runtime is therefore asked, every
// few seconds, whether the window is minimised.

/** How often the desktop window is asked whether it is minimised. */
export const MINIMISED_POLL_MS = 2000

export interface VisibilityOptions {
  /** Whose visibilityState to follow; the page's document by default. */
  doc?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>
  /** Asks the host whether the window is minimised (see wailsMinimised). */
  isMinimised?: () => Promise<boolean>
  pollMs?: number
  /** Where a failing isMinimised is reported, once per failure streak. */
  warn?: (message: string) => void
}

/**
 * Calls onChange(hidden) now and whenever the window's visibility changes,
 * until the returned function is called. Hidden means the document is hidden
 * or the host says the window is minimised; a host that cannot answer counts
 * as not minimised (the safe side: the rows keep streaming).
 */
export function watchVisibility(onChange: (hidden: boolean) => void, opts: VisibilityOptions = {}): () => void {
  const doc = opts.doc ?? (typeof document === 'undefined' ? undefined : document)
  const { isMinimised, pollMs = MINIMISED_POLL_MS, warn = (m: string) => console.warn(m) } = opts
  let minimised = false
  let last: boolean | null = null
  let stopped = false
  let failing = false
  const update = () => {
    const hidden = doc?.visibilityState === 'hidden' || minimised
    if (hidden === last) return
    last = hidden
    onChange(hidden)
  }
  const poll = () => {
    if (!isMinimised || doc?.visibilityState === 'hidden') return
    isMinimised().then(
      (m) => {
        failing = false
        if (stopped) return
        minimised = m === true
        update()
      },
      (err: unknown) => {
        if (!failing) warn(`cannot tell whether the window is minimised: ${err instanceof Error ? err.message : String(err)}`)
        failing = true
        if (stopped) return
        minimised = false
        update()
      },
    )
  }
  const onVisibility = () => {
    update()
    poll() // back on screen: the answer from before it was hidden may be stale
  }
  update()
  doc?.addEventListener('visibilitychange', onVisibility)
  poll()
  const timer = isMinimised ? setInterval(poll, pollMs) : undefined
  return () => {
    stopped = true
    doc?.removeEventListener('visibilitychange', onVisibility)
    if (timer !== undefined) clearInterval(timer)
  }
}

interface RuntimeWindow {
  runtime?: { WindowIsMinimised?: () => Promise<boolean> }
}

/**
 * The Wails runtime's WindowIsMinimised inside the desktop app, undefined in
 * a plain browser (where visibilityState is enough).
 */
export function wailsMinimised(win: unknown = globalThis.window): (() => Promise<boolean>) | undefined {
  const rt = (win as RuntimeWindow | undefined)?.runtime
  const f = rt?.WindowIsMinimised
  return typeof f === 'function' ? () => f.call(rt) : undefined
}
