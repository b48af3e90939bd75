import { describe, expect, it } from 'vitest'
import { ViewRegistry } from './view'

const k = (id: string) => ({ engine: 'local', id })

describe('ViewRegistry', () => {
  it('knows nothing until a part reports, then gives the union in part order, each once', () => {
    const v = new ViewRegistry()
    expect(v.current()).toBeNull()
    v.set('detail', [k('b')])
    v.set('table', [k('a'), k('b'), k('c')])
    expect(v.current()).toEqual([k('b'), k('a'), k('c')])
    v.set('detail', null)
    expect(v.current()).toEqual([k('a'), k('b'), k('c')])
    v.set('table', null)
    expect(v.current()).toBeNull()
  })

  it('shows nothing while hidden, and everything again when shown', () => {
    const v = new ViewRegistry()
    v.set('table', [k('a')])
    v.setHidden(true)
    expect(v.current()).toEqual([])
    v.setHidden(false)
    expect(v.current()).toEqual([k('a')])
  })

  it('tells listeners only about real changes', () => {
    const v = new ViewRegistry()
    let calls = 0
    const off = v.subscribe(() => calls++)
    v.set('table', [k('a')])
    v.set('table', [k('a')]) // a new array, the same view
    v.set('detail', [k('a')]) // already shown
    expect(calls).toBe(1)
    v.set('table', [k('a'), k('b')])
    v.setHidden(true)
    v.setHidden(true)
    expect(calls).toBe(3)
    off()
    v.setHidden(false)
    expect(calls).toBe(3)
  })
})
