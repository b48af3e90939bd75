import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MINIMISED_POLL_MS, wailsMinimised, watchVisibility } from './visibility'

/** A document whose visibilityState the test sets. */
class FakeDoc extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible'
  set(state: DocumentVisibilityState) {
    this.visibilityState = state
    this.dispatchEvent(new Event('visibilitychange'))
  }
}

/** A host whose minimised state the test sets; counts the questions. */
function fakeHost() {
  const host = {
    minimised: false,
    failWith: null as Error | null,
    asked: 0,
    isMinimised: () => {
      host.asked++
      return host.failWith ? Promise.reject(host.failWith) : Promise.resolve(host.minimised)
    },
  }
  return host
}

describe('watchVisibility', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('follows the document alone in a browser', () => {
    const doc = new FakeDoc()
    const seen: boolean[] = []
    const stop = watchVisibility((h) => seen.push(h), { doc })
    doc.set('hidden')
    doc.set('hidden')
    doc.set('visible')
    expect(seen).toEqual([false, true, false])
    stop()
    doc.set('hidden')
    expect(seen).toEqual([false, true, false])
  })

  it('counts a minimised desktop window as hidden while the page still says visible', async () => {
    const doc = new FakeDoc()
    const host = fakeHost()
    const seen: boolean[] = []
    const stop = watchVisibility((h) => seen.push(h), { doc, isMinimised: host.isMinimised })
    await vi.advanceTimersByTimeAsync(0)
    expect(seen).toEqual([false])
    host.minimised = true
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS)
    expect(seen).toEqual([false, true])
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS * 3) // still minimised: no news
    expect(seen).toEqual([false, true])
    host.minimised = false
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS)
    expect(seen).toEqual([false, true, false])
    stop()
    const asked = host.asked
    host.minimised = true
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS * 3)
    expect(host.asked).toBe(asked)
    expect(seen).toEqual([false, true, false])
  })

  it('does not ask while the page is hidden, and asks at once when it is shown again', async () => {
    const doc = new FakeDoc()
    const host = fakeHost()
    const seen: boolean[] = []
    watchVisibility((h) => seen.push(h), { doc, isMinimised: host.isMinimised })
    await vi.advanceTimersByTimeAsync(0)
    host.minimised = true
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS)
    doc.set('hidden')
    const asked = host.asked
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS * 3)
    expect(host.asked).toBe(asked)
    // Restored: the page turns visible and the window is no longer
    // minimised; the stale answer must not hold it hidden until the next tick.
    host.minimised = false
    doc.set('visible')
    await vi.advanceTimersByTimeAsync(0)
    expect(host.asked).toBe(asked + 1)
    expect(seen).toEqual([false, true, false])
  })

  it('warns once when the host cannot answer, and keeps the rows streaming', async () => {
    const doc = new FakeDoc()
    const host = fakeHost()
    const warnings: string[] = []
    const seen: boolean[] = []
    host.minimised = true
    watchVisibility((h) => seen.push(h), { doc, isMinimised: host.isMinimised, warn: (m) => warnings.push(m) })
    await vi.advanceTimersByTimeAsync(0)
    expect(seen).toEqual([false, true])
    host.failWith = new Error('runtime gone')
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS * 3)
    expect(seen).toEqual([false, true, false])
    expect(warnings).toEqual(['cannot tell whether the window is minimised: runtime gone'])
    host.failWith = null // answers again; a later failure is news again
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS)
    host.failWith = new Error('again')
    await vi.advanceTimersByTimeAsync(MINIMISED_POLL_MS)
    expect(warnings).toHaveLength(2)
  })
})

describe('wailsMinimised', () => {
  it('is the Wails runtime call in the desktop app, called on the runtime', async () => {
    const runtime = {
      state: true,
      WindowIsMinimised(this: { state: boolean }) {
        return Promise.resolve(this.state)
      },
    }
    const f = wailsMinimised({ runtime })
    expect(f).toBeDefined()
    await expect(f!()).resolves.toBe(true)
  })

  it('is undefined in a plain browser', () => {
    expect(wailsMinimised({})).toBeUndefined()
    expect(wailsMinimised({ runtime: {} })).toBeUndefined()
    expect(wailsMinimised(undefined)).toBeUndefined()
  })
})
