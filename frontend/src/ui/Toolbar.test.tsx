import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { LiveProvider, createLiveStore } from '../live'
import { ManualScheduler } from '../livetest'
import type { StateFilter } from './tableModel'
import { Toolbar } from './Toolbar'

function Harness() {
  const [filter, setFilter] = useState<StateFilter>('all')
  return (
    <Toolbar
      search=""
      onSearch={() => {}}
      searchRef={{ current: null }}
      filter={filter}
      onFilter={setFilter}
      counts={{ all: 3, running: 1, paused: 1, stopped: 1, problems: 0 }}
      grouped={false}
      onGrouped={() => {}}
      hold={null}
      onHelp={() => {}}
      onNotifications={() => {}}
    />
  )
}

describe('the state filter', () => {
  it('is one radio group: one Tab stop, arrows, Home and End move the choice and the focus', async () => {
    render(
      <LiveProvider store={createLiveStore({ scheduler: new ManualScheduler() })}>
        <input aria-label="before" />
        <Harness />
      </LiveProvider>,
    )
    const user = userEvent.setup()
    const group = screen.getByRole('radiogroup', { name: 'Filter by state' })
    const checked = () => screen.getAllByRole('radio').find((r) => r.getAttribute('aria-checked') === 'true')
    screen.getByRole('textbox', { name: 'before' }).focus()
    await user.tab() // the search box
    await user.tab()
    expect(document.activeElement).toBe(checked())
    expect(checked()).toHaveTextContent('All')
    await user.keyboard('{ArrowRight}')
    expect(checked()).toHaveTextContent('Running')
    expect(document.activeElement).toBe(checked())
    await user.keyboard('{ArrowLeft}{ArrowLeft}')
    expect(checked()).toHaveTextContent('Problems')
    await user.keyboard('{Home}')
    expect(checked()).toHaveTextContent('All')
    await user.keyboard('{End}')
    expect(checked()).toHaveTextContent('Problems')
    // One Tab leaves the group.
    await user.tab()
    expect(group).not.toContainElement(document.activeElement as HTMLElement)
  })
})
