// A button that copies a value and says whether it worked.

import { useEffect, useState } from 'react'
import { errorText } from '../live/errors'
import { copyText, type ClipboardHost } from './clipboard'
import './Inspect.css'

const SAID_MS = 2500

export function CopyButton({ text, label, host }: { text: string; label: string; host?: ClipboardHost }) {
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null)
  useEffect(() => {
    if (!said?.ok) return
    const t = setTimeout(() => setSaid(null), SAID_MS)
    return () => clearTimeout(t)
  }, [said])
  const copy = () => {
    copyText(text, host).then(
      () => setSaid({ ok: true, text: 'Copied' }),
      (err: unknown) => setSaid({ ok: false, text: `Not copied: ${errorText(err)}` }),
    )
  }
  return (
    <span className="copy">
      <button type="button" className="small-button" onClick={copy}>
        {label}
      </button>
      <span role="status" className={said?.ok === false ? 'bad-text' : 'muted'}>
        {said?.text}
      </span>
    </span>
  )
}
