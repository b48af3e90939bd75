// The detail panel's tabs: the overview (charts, events, configuration) and
// the logs. Arrow keys move between them, as a tab list's do.

import { useRef } from 'react'
import './DetailTabs.css'

export type DetailTab = 'overview' | 'logs'

const TABS: readonly { tab: DetailTab; label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'logs', label: 'Logs' },
]

export function DetailTabs({ tab, onTab, name }: { tab: DetailTab; onTab: (t: DetailTab) => void; name: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([])
  return (
    <div className="detail-tabs" role="tablist" aria-label={`What to show of ${name}`}>
      {TABS.map((t, i) => (
        <button
          key={t.tab}
          ref={(el) => {
            refs.current[i] = el
          }}
          type="button"
          role="tab"
          id={`detail-tab-button-${t.tab}`}
          aria-selected={tab === t.tab}
          aria-controls={`detail-tab-${t.tab}`}
          tabIndex={tab === t.tab ? 0 : -1}
          onClick={() => onTab(t.tab)}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return
            e.preventDefault()
            const next = (i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length
            onTab(TABS[next]!.tab)
            refs.current[next]?.focus()
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  )
}
