import { describe, expect, it } from 'vitest'
import { DEFAULT_LAYOUT, layoutStyle, parseLayout, resizePane, toggleDock, togglePane } from './paneLayout'

describe('pane layout', () => {
  it('reads a stored layout, clamping sizes and ignoring what it cannot read', () => {
    expect(parseLayout(null)).toEqual(DEFAULT_LAYOUT)
    expect(parseLayout('not json')).toEqual(DEFAULT_LAYOUT)
    expect(parseLayout('{"dock": 99, "detail": 1, "hidden": {"events": true, "table": "yes"}}')).toEqual({
      dock: 85,
      detail: 20,
      hidden: { table: false, detail: false, events: true },
    })
  })

  it('never hides the table and the whole dock together', () => {
    const noDock = toggleDock(DEFAULT_LAYOUT)
    expect(noDock.hidden).toEqual({ table: false, detail: true, events: true })
    // Hiding the table then brings the dock back.
    expect(togglePane(noDock, 'table').hidden).toEqual({ table: true, detail: false, events: false })
    const noTable = togglePane(DEFAULT_LAYOUT, 'table')
    expect(toggleDock(noTable).hidden).toEqual({ table: false, detail: true, events: true })
    expect(togglePane(togglePane(noTable, 'detail'), 'events').hidden).toEqual({ table: false, detail: true, events: true })
  })

  it('sizes the rows and columns from the shares, and gives no column to an empty detail pane', () => {
    const l = resizePane(DEFAULT_LAYOUT, 'dock', 30)
    expect(layoutStyle(l, true)).toEqual({
      gridTemplateRows: 'auto minmax(0, 70fr) auto minmax(0, 30fr)',
      '--dock-columns': 'minmax(0, 60fr) auto minmax(0, 40fr)',
    })
    expect(layoutStyle(l, false)['--dock-columns' as 'color']).toBe('minmax(0, 1fr)')
    expect(layoutStyle(toggleDock(l), true).gridTemplateRows).toBe('auto minmax(0, 1fr) auto 0')
    expect(layoutStyle(togglePane(l, 'table'), true).gridTemplateRows).toBe('auto 0 auto minmax(0, 1fr)')
    expect(resizePane(l, 'detail', 5).detail).toBe(20)
  })
})
