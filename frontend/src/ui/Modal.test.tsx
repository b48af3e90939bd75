import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { Modal, modalOpen } from './Modal'

function Page({ onClose }: { onClose: () => void }) {
  const [open, setOpen] = useState(false)
  const close = () => {
    onClose()
    setOpen(false)
  }
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open && (
        <Modal labelledBy="t" onClose={close}>
          <h2 id="t">Title</h2>
          <button type="button">First</button>
          <button type="button" onClick={close}>
            Done
          </button>
        </Modal>
      )}
    </>
  )
}

describe('Modal', () => {
  it('opens modal with the focus on its first control, closes on Escape, the backdrop or its owner, and gives the focus back', async () => {
    const onClose = vi.fn()
    const user = userEvent.setup()
    render(<Page onClose={onClose} />)
    const opener = screen.getByRole('button', { name: 'Open' })
    expect(modalOpen()).toBe(false)

    await user.click(opener)
    const dialog = screen.getByRole('dialog', { name: 'Title' })
    expect(dialog).toHaveAttribute('open')
    expect(modalOpen()).toBe(true)
    expect(screen.getByRole('button', { name: 'First' })).toHaveFocus()
    // A click inside is not a click on the backdrop.
    await user.click(screen.getByRole('heading', { name: 'Title' }))
    expect(onClose).not.toHaveBeenCalled()

    await user.keyboard('{Escape}')
    expect(onClose).toHaveBeenCalledTimes(1)
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(modalOpen()).toBe(false)
    expect(opener).toHaveFocus()

    await user.click(opener)
    await user.click(screen.getByRole('dialog')) // the backdrop is the dialog itself
    expect(onClose).toHaveBeenCalledTimes(2)
    expect(opener).toHaveFocus()

    await user.click(opener)
    await user.click(screen.getByRole('button', { name: 'Done' }))
    expect(onClose).toHaveBeenCalledTimes(3)
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(opener).toHaveFocus()
  })
})
