// The keyboard: move through the rows, act on the selected container, and
// the few toggles. One listener on the window; keys typed into a field are
// the field's, except Escape and ArrowDown in the search box, and while a
// modal dialog is open every key is the dialog's.

import { useEffect, useRef, type RefObject } from 'react'
import { availableActions, containerName, useLiveStore, useRunAction, type Container, type ContainerAction } from '../live'
import { modalOpen } from './Modal'

/**
 * What the help dialog lists: the keys handled here. Each entry's keys are
 * alternatives; each alternative is keys pressed one after another.
 */
export const SHORTCUTS: readonly { keys: readonly (readonly string[])[]; what: string }[] = [
  { keys: [['/']], what: 'Search' },
  { keys: [['↑', '↓'], ['k', 'j']], what: 'Move between containers' },
  { keys: [['Home', 'End']], what: 'First, last container' },
  { keys: [['Esc']], what: 'Close details, clear search' },
  { keys: [['s']], what: 'Start or stop' },
  { keys: [['p']], what: 'Pause or resume' },
  { keys: [['r']], what: 'Restart' },
  { keys: [['Shift+K']], what: 'Kill (asks first)' },
  { keys: [['Delete']], what: 'Remove (asks first)' },
  { keys: [['l']], what: 'Logs, full height' },
  { keys: [['g']], what: 'Group by compose project' },
  { keys: [['?']], what: 'This help' },
]

export interface ShortcutTargets {
  /** Row keys in display order, and the selected one. */
  order: readonly string[]
  selected: string | null
  select: (key: string | null) => void
  /** A key moved or acted: hold the row order briefly. */
  nudge: () => void
  /** Removing asks first. */
  askRemove: (c: Container) => void
  /** So does killing: one keystroke must not end a container. */
  askKill: (c: Container) => void
  search: string
  setSearch: (search: string) => void
  searchRef: RefObject<HTMLInputElement | null>
  gridRef: RefObject<HTMLDivElement | null>
  toggleGrouped: () => void
  openHelp: () => void
  /** The selected container's logs in the full-height view. */
  openLogs: (key: string) => void
}

type ShortcutAction = ContainerAction | 'toggle-run' | 'toggle-pause'

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el) return false
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable
}

export function useShortcuts(targets: ShortcutTargets): void {
  const store = useLiveStore()
  const run = useRunAction()
  // One listener for the page's life, reading the latest targets.
  const latest = useRef(targets)
  useEffect(() => {
    latest.current = targets
  })

  useEffect(() => {
    const act = (action: ShortcutAction) => {
      const t = latest.current
      if (!t.selected) return
      const c = store.getState().data.containers.get(t.selected)
      if (!c) return
      const can = availableActions(c)
      let a: ContainerAction
      if (action === 'toggle-run') a = can.stop ? 'stop' : 'start'
      else if (action === 'toggle-pause') a = can.unpause ? 'unpause' : 'pause'
      else a = action
      if (!can[a]) return
      t.nudge()
      if (a === 'remove') t.askRemove(c)
      else if (a === 'kill') t.askKill(c)
      else void run({ engine: c.engine, id: c.id, name: containerName(c) }, a)
    }

    const onKey = (e: KeyboardEvent) => {
      const t = latest.current
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || modalOpen()) return
      const searchBox = t.searchRef.current
      if (isTyping(e.target)) {
        if (e.key === 'Escape' && e.target === searchBox) {
          if (t.search) t.setSearch('')
          else searchBox?.blur()
        } else if (e.key === 'ArrowDown' && e.target === searchBox) {
          e.preventDefault()
          t.gridRef.current?.focus()
          t.select(t.order[0] ?? null)
        }
        return
      }
      const order = t.order
      const index = t.selected ? order.indexOf(t.selected) : -1
      const move = (to: number) => {
        e.preventDefault()
        t.nudge()
        const key = order[Math.max(0, Math.min(order.length - 1, to))]
        if (key) t.select(key)
      }
      switch (e.key) {
        case '/':
          e.preventDefault()
          searchBox?.focus()
          searchBox?.select()
          return
        case 'ArrowDown':
        case 'j':
          return move(index + 1)
        case 'ArrowUp':
        case 'k':
          return move(index < 0 ? 0 : index - 1)
        case 'Home':
          return move(0)
        case 'End':
          return move(order.length - 1)
        case 'Escape':
          return t.select(null)
        case 's':
          return act('toggle-run')
        case 'p':
          return act('toggle-pause')
        case 'r':
          return act('restart')
        case 'K':
          return act('kill')
        case 'Delete':
        case 'Backspace':
          return act('remove')
        case 'l':
          if (t.selected) {
            e.preventDefault()
            t.openLogs(t.selected)
          }
          return
        case 'g':
          return t.toggleGrouped()
        case '?':
          return t.openHelp()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [store, run])
}
