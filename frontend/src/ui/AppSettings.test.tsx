import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { LiveProvider, createLiveStore, createOsAlertSink, type OsNotifier } from '../live'
import { ManualScheduler, msg } from '../livetest'
import { AppSettings, OsNotificationsProvider } from './AppSettings'

function setup(notifier?: OsNotifier) {
  const scheduler = new ManualScheduler()
  const store = createLiveStore({ scheduler })
  const sink = notifier && createOsAlertSink({ notifier, isHidden: () => true })
  render(
    <LiveProvider store={store}>
      <OsNotificationsProvider sink={sink}>
        <AppSettings />
      </OsNotificationsProvider>
    </LiveProvider>,
  )
  return { store, scheduler, user: userEvent.setup() }
}

const checkbox = () => screen.getByRole('checkbox', { name: 'System notifications while the window is hidden' })

describe('AppSettings', () => {
  it('shows the version the server reports in hello', () => {
    const { store, scheduler } = setup()
    expect(screen.getByText('version unknown until connected')).toBeInTheDocument()
    act(() => {
      store.dispatch({ type: 'message', message: msg.hello({ version: 'v1.4.0-3-gabc1234' }) })
      scheduler.frame()
    })
    expect(screen.getByText('v1.4.0-3-gabc1234')).toBeInTheDocument()
    expect(screen.getByText('System notifications are not available in this browser.')).toBeInTheDocument()
  })

  it('turns the notifications off and on through the notifier', async () => {
    const setEnabled = vi.fn((on: boolean) => (on ? Promise.reject(new Error('the browser said no')) : Promise.resolve()))
    const { user } = setup({ kind: 'desktop', enabled: () => Promise.resolve(true), setEnabled, send: () => Promise.resolve() })
    expect(await screen.findByRole('checkbox', { checked: true })).toBe(checkbox())
    await user.click(checkbox())
    expect(setEnabled).toHaveBeenLastCalledWith(false)
    expect(checkbox()).not.toBeChecked()
    await user.click(checkbox())
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not turn notifications on: the browser said no')
    expect(checkbox()).not.toBeChecked()
  })
})
