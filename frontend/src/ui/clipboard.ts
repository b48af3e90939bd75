// Copying text: the Wails runtime's clipboard in the desktop app (the
// webview may not grant navigator.clipboard), the browser's otherwise.

interface WailsRuntime {
  ClipboardSetText?: (text: string) => Promise<boolean>
}

export interface ClipboardHost {
  runtime?: WailsRuntime
  navigator?: { clipboard?: Pick<Clipboard, 'writeText'> }
}

/** Copies text; rejects with a reason a person can act on. */
export async function copyText(text: string, host: ClipboardHost = globalThis): Promise<void> {
  const setText = host.runtime?.ClipboardSetText
  if (typeof setText === 'function') {
    if (!(await setText(text))) throw new Error('the desktop clipboard did not take the text')
    return
  }
  const clipboard = host.navigator?.clipboard
  if (!clipboard) throw new Error('this page may not use the clipboard (browsers allow it on localhost and https only)')
  await clipboard.writeText(text)
}
