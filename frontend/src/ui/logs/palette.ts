// A colour per container of a project: a slot of the palette in
// LogView.css (light and dark), taken from the container's name so that it
// stays the same from one view to the next, and unique while there are no
// more containers than slots.

import type { LogContainer } from './types'

export const PALETTE_SIZE = 8

export function containerKey(c: { engine: string; id: string }): string {
  return `${c.engine}/${c.id}`
}

function hash(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 16777619)
  }
  return h >>> 0
}

/** Each container's slot, 0 to PALETTE_SIZE - 1, by key. */
export function containerSlots(containers: readonly LogContainer[]): Map<string, number> {
  const slots = new Map<string, number>()
  const taken = new Set<number>()
  const byName = [...containers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : containerKey(a) < containerKey(b) ? -1 : 1))
  for (const c of byName) {
    let slot = hash(c.name) % PALETTE_SIZE
    // Once every slot is taken, names share them.
    if (taken.size < PALETTE_SIZE) {
      while (taken.has(slot)) slot = (slot + 1) % PALETTE_SIZE
      taken.add(slot)
    }
    slots.set(containerKey(c), slot)
  }
  return slots
}
