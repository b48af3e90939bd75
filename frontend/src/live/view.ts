// What the user sees live. Components report the containers whose figures
// are on screen (the table's rendered rows, an open detail panel) under a
// name of their own; the connection sends the union to a server that samples
// stats by view (hello's statsMode "visible"), so the engine streams those
// every second and samples the rest every few seconds.

import { keyOf } from './protocol'
import type { ContainerKey } from './types'

export class ViewRegistry {
  private readonly parts = new Map<string, readonly ContainerKey[]>()
  private hidden = false
  private readonly listeners = new Set<() => void>()
  private last: string | null = null

  /**
   * Sets what one part of the UI shows; null forgets the part (it
   * unmounted). Parts set earlier come first in the union, so register the
   * most important one (the detail panel) first.
   */
  set(part: string, keys: readonly ContainerKey[] | null): void {
    if (keys === null) this.parts.delete(part)
    else this.parts.set(part, keys)
    this.changed()
  }

  /** A hidden window shows nothing, whatever its parts say. */
  setHidden(hidden: boolean): void {
    this.hidden = hidden
    this.changed()
  }

  /** Whether the window is hidden or minimised (visibility.ts). */
  isHidden(): boolean {
    return this.hidden
  }

  /**
   * The containers shown, each once, in part order; empty while hidden;
   * null until some part has reported (nothing is known yet, so nothing
   * should narrow the server's sampling).
   */
  current(): ContainerKey[] | null {
    if (this.parts.size === 0) return null
    if (this.hidden) return []
    const seen = new Set<string>()
    const out: ContainerKey[] = []
    for (const keys of this.parts.values()) {
      for (const k of keys) {
        const key = keyOf(k)
        if (seen.has(key)) continue
        seen.add(key)
        out.push({ engine: k.engine, id: k.id })
      }
    }
    return out
  }

  /** Calls listener whenever current() changes. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  private changed(): void {
    const now = this.current()
    const text = now === null ? null : now.map(keyOf).join(',')
    if (text === this.last) return
    this.last = text
    for (const listener of [...this.listeners]) listener()
  }
}
