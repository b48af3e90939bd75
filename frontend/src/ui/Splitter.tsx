// A window splitter (the WAI-ARIA pattern): a focusable separator between
// two panes whose value is the primary pane's share in percent. Drag it, or
// focus it and use the arrow keys (Shift for bigger steps), Home and End;
// Enter hides or shows the primary pane. Beside it, buttons hide or show
// either pane, for those who would not guess the keys.

import type { KeyboardEvent, PointerEvent } from 'react'
import './Splitter.css'

export interface SplitterToggle {
  label: string
  /** Which way the button's arrow points. */
  arrow: '▲' | '▼' | '◀' | '▶'
  onClick: () => void
}

export function Splitter({
  orientation,
  label,
  controls,
  value,
  range: { min, max },
  onChange,
  onToggle,
  fromPointer,
  toggles,
}: {
  /** horizontal: a bar between panes above and below; the primary pane is below. vertical: between left and right; the primary is left. */
  orientation: 'horizontal' | 'vertical'
  label: string
  /** The id of the primary pane. */
  controls: string
  value: number
  range: { readonly min: number; readonly max: number }
  onChange: (value: number) => void
  /** Hides or shows the primary pane. */
  onToggle: () => void
  /** The value the pointer at (x, y) stands for. */
  fromPointer: (x: number, y: number) => number
  toggles: readonly SplitterToggle[]
}) {
  const grow = orientation === 'horizontal' ? 'ArrowUp' : 'ArrowRight'
  const shrink = orientation === 'horizontal' ? 'ArrowDown' : 'ArrowLeft'
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 10 : 2
    let next: number | null = null
    if (e.key === grow) next = value + step
    else if (e.key === shrink) next = value - step
    else if (e.key === 'Home') next = min
    else if (e.key === 'End') next = max
    else if (e.key === 'Enter') {
      e.preventDefault()
      onToggle()
      return
    }
    if (next === null) return
    e.preventDefault()
    e.stopPropagation()
    onChange(Math.min(max, Math.max(min, next)))
  }
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return
    e.preventDefault()
    e.currentTarget.setPointerCapture(e.pointerId)
    e.currentTarget.focus()
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!e.currentTarget.hasPointerCapture(e.pointerId)) return
    onChange(Math.min(max, Math.max(min, fromPointer(e.clientX, e.clientY))))
  }
  return (
    <div className="splitter" data-orientation={orientation}>
      <div
        className="splitter-handle"
        role="separator"
        tabIndex={0}
        aria-label={label}
        aria-orientation={orientation}
        aria-controls={controls}
        aria-valuenow={value}
        aria-valuemin={min}
        aria-valuemax={max}
        title={`${label}: drag, or focus and use the arrow keys; Enter hides or shows`}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onDoubleClick={onToggle}
      />
      <span className="splitter-buttons">
        {toggles.map((t) => (
          <button key={t.label} type="button" className="splitter-button" aria-label={t.label} title={t.label} onClick={t.onClick}>
            <span aria-hidden="true">{t.arrow}</span>
          </button>
        ))}
      </span>
    </div>
  )
}
