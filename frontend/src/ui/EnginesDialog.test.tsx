import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { EngineContext } from '../live/types'
import { EngineSwitcherProvider, EnginesButton, type EngineSwitcher } from './EnginesDialog'

/** A switcher over a list of contexts that switches them as asked, refusing the names in refuse. */
function fakeSwitcher(initial: EngineContext[], refuse: Record<string, string> = {}) {
  let list = initial.map((c) => ({ ...c }))
  const calls: string[] = []
  const switcher: EngineSwitcher = {
    contexts: () => Promise.resolve(list.map((c) => ({ ...c }))),
    setWatched: (name, on) => {
      calls.push(`${name}=${on}`)
      if (refuse[name]) return Promise.reject(new Error(refuse[name]))
      list = list.map((c) =>
        c.name === name ? { ...c, watched: on, status: on ? 'connecting' : undefined, reason: undefined } : c,
      )
      return Promise.resolve()
    },
  }
  return { switcher, calls }
}

const contexts: EngineContext[] = [
  { name: 'default', endpoint: 'unix:///var/run/docker.sock', current: true, watched: true, status: 'up', since: 1 },
  { name: 'colima', endpoint: 'unix:///home/ana/.colima/default/docker.sock', current: false, watched: false },
  {
    name: 'far',
    endpoint: 'ssh://ana@far.example',
    current: false,
    watched: true,
    status: 'down',
    reason: 'ssh: connect to host far.example port 22: Connection refused',
    since: 2,
  },
]

async function openDialog(switcher: EngineSwitcher) {
  const user = userEvent.setup()
  render(
    <EngineSwitcherProvider switcher={switcher}>
      <EnginesButton />
    </EngineSwitcherProvider>,
  )
  await user.click(screen.getByRole('button', { name: 'Engines' }))
  const dialog = screen.getByRole('dialog', { name: 'Engines' })
  await within(dialog).findByRole('list', { name: 'Docker contexts' })
  return { user, dialog }
}

const item = (dialog: HTMLElement, name: string) =>
  within(dialog)
    .getAllByRole('listitem')
    .find((li) => within(li).queryByRole('switch', { name: `Watch ${name}` }))!

describe('EnginesDialog', () => {
  it('lists every context with its endpoint, whether current, its status and a switch', async () => {
    const { dialog } = await openDialog(fakeSwitcher(contexts).switcher)
    expect(within(dialog).getAllByRole('listitem')).toHaveLength(3)
    const def = item(dialog, 'default')
    expect(within(def).getByText('unix:///var/run/docker.sock')).toBeInTheDocument()
    expect(within(def).getByText('current')).toBeInTheDocument()
    expect(within(def).getByText('Up')).toBeInTheDocument()
    expect(within(def).getByRole('switch', { name: 'Watch default' })).toHaveAttribute('aria-checked', 'true')
    const colima = item(dialog, 'colima')
    expect(within(colima).getByText('Not watched')).toBeInTheDocument()
    expect(within(colima).getByRole('switch', { name: 'Watch colima' })).toHaveAttribute('aria-checked', 'false')
    expect(within(colima).queryByText('current')).toBeNull()
    expect(within(item(dialog, 'far')).getByText('Down: ssh: connect to host far.example port 22: Connection refused')).toBeInTheDocument()
  })

  it('switches an engine on and off at once and shows the new state', async () => {
    const { switcher, calls } = fakeSwitcher(contexts)
    const { user, dialog } = await openDialog(switcher)
    await user.click(within(dialog).getByRole('switch', { name: 'Watch colima' }))
    expect(await within(dialog).findByRole('switch', { name: 'Watch colima', checked: true })).toBeInTheDocument()
    expect(within(item(dialog, 'colima')).getByText('Connecting…')).toBeInTheDocument()
    await user.click(within(dialog).getByRole('switch', { name: 'Watch default' }))
    expect(await within(dialog).findByRole('switch', { name: 'Watch default', checked: false })).toBeInTheDocument()
    expect(calls).toEqual(['colima=true', 'default=false'])
  })

  it('says so when the last engine is switched off', async () => {
    const { switcher } = fakeSwitcher([contexts[0]!])
    const { user, dialog } = await openDialog(switcher)
    expect(within(dialog).queryByText(/No engine is watched/)).toBeNull()
    await user.click(within(dialog).getByRole('switch', { name: 'Watch default' }))
    expect(await within(dialog).findByText('No engine is watched: the table stays empty until you switch one on.')).toBeInTheDocument()
  })

  it('shows a refused switch in words and leaves the switch as it was', async () => {
    const { switcher } = fakeSwitcher(contexts, { colima: 'docker context "colima" not found; known contexts: default, far' })
    const { user, dialog } = await openDialog(switcher)
    await user.click(within(dialog).getByRole('switch', { name: 'Watch colima' }))
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'colima could not be switched on: docker context "colima" not found; known contexts: default, far',
    )
    expect(within(dialog).getByRole('switch', { name: 'Watch colima' })).toHaveAttribute('aria-checked', 'false')
  })

  it('says why when the contexts cannot be listed', async () => {
    const user = userEvent.setup()
    const switcher: EngineSwitcher = {
      contexts: () => Promise.reject(new Error('docker context store: permission denied')),
      setWatched: () => Promise.resolve(),
    }
    render(
      <EngineSwitcherProvider switcher={switcher}>
        <EnginesButton />
      </EngineSwitcherProvider>,
    )
    await user.click(screen.getByRole('button', { name: 'Engines' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The engines cannot be listed: docker context store: permission denied')
  })

  it('closes with its Close button and gives the focus back', async () => {
    const { user, dialog } = await openDialog(fakeSwitcher(contexts).switcher)
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(screen.getByRole('button', { name: 'Engines' })).toHaveFocus()
  })

  it('offers no button where the backend cannot switch engines', () => {
    render(<EnginesButton />)
    expect(screen.queryByRole('button', { name: 'Engines' })).toBeNull()
  })
})
