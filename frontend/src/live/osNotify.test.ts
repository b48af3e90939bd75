import { describe, expect, it, vi } from 'vitest'
import type { Alert } from './alerts'
import {
  BROWSER_SETTING_KEY,
  MAX_DESKTOP_CLICKS,
  NOTIFICATION_OPEN_EVENT,
  browserNotifier,
  createOsAlertSink,
  desktopNotifier,
  detectNotifier,
  type NotificationApi,
  type OsNotifier,
  type WailsEvents,
} from './osNotify'

const died: Alert = { id: 1, kind: 'died', tone: 'bad', title: 'web-1 died unexpectedly (exit 3)', at: 1, key: 'local/a', name: 'web-1', count: 1, firstAt: 1 }
const failed: Alert = { id: 2, kind: 'action-failed', tone: 'bad', title: 'Stop failed', at: 1, key: 'local/a', count: 1, firstAt: 1 }
const flush = () => new Promise((r) => setTimeout(r, 0))

function fakeNotifier(on: boolean | Error = true) {
  const sent: string[] = []
  const setEnabled = vi.fn((_: boolean) => Promise.resolve())
  const n: OsNotifier = {
    kind: 'desktop',
    enabled: () => (on instanceof Error ? Promise.reject(on) : Promise.resolve(on)),
    setEnabled,
    send: (title) => {
      sent.push(title)
      return Promise.resolve()
    },
  }
  return { n, sent, setEnabled }
}

describe('the OS alert sink', () => {
  it('sends a container alert only while the window is hidden', async () => {
    const { n, sent } = fakeNotifier()
    let hidden = false
    const sink = createOsAlertSink({ notifier: n, isHidden: () => hidden })
    await sink.enabled()
    sink.onAlerts([died])
    expect(sent).toEqual([]) // the toast is seen
    hidden = true
    sink.onAlerts([died, failed])
    expect(sent).toEqual(['web-1 died unexpectedly (exit 3)']) // a failed action was the user's own doing
  })

  it('sends nothing while turned off, and follows the setting', async () => {
    const { n, sent, setEnabled } = fakeNotifier(false)
    const sink = createOsAlertSink({ notifier: n, isHidden: () => true })
    sink.onAlerts([died])
    await flush()
    expect(sent).toEqual([])
    await sink.setEnabled(true)
    expect(setEnabled).toHaveBeenCalledWith(true)
    sink.onAlerts([died])
    expect(sent).toHaveLength(1)
    expect(await sink.enabled()).toBe(true)
  })

  it('an alert raised before the setting is read waits for it', async () => {
    const { n, sent } = fakeNotifier(true)
    const sink = createOsAlertSink({ notifier: n, isHidden: () => true })
    sink.onAlerts([died])
    await flush()
    expect(sent).toEqual(['web-1 died unexpectedly (exit 3)'])
  })

  it('an unreadable setting counts as off and says why', async () => {
    const warn = vi.fn()
    const { n, sent } = fakeNotifier(new Error('permission denied'))
    const sink = createOsAlertSink({ notifier: n, isHidden: () => true, warn })
    sink.onAlerts([died])
    await flush()
    expect(sent).toEqual([])
    expect(warn).toHaveBeenCalledWith('notification setting: permission denied')
  })
})

function fakeApi(permission: NotificationPermission, answer: NotificationPermission = permission) {
  const shown: { title: string; body?: string }[] = []
  const instances: { onclick?: (() => void) | null }[] = []
  const Api = class {
    onclick: (() => void) | null = null
    static permission = permission
    static requestPermission = vi.fn(() => {
      Api.permission = answer
      return Promise.resolve(answer)
    })
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body })
      instances.push(this)
    }
  }
  return { api: Api as unknown as NotificationApi, requested: Api.requestPermission, shown, instances }
}

describe('the browser notifier', () => {
  it('is off until the user turns it on and the browser allows it', async () => {
    const storage = new Map<string, string>()
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) }
    const { api, requested, shown } = fakeApi('default', 'granted')
    const n = browserNotifier(api, store)
    expect(await n.enabled()).toBe(false)
    await n.setEnabled(true)
    expect(requested).toHaveBeenCalled()
    expect(storage.get(BROWSER_SETTING_KEY)).toBe('on')
    expect(await n.enabled()).toBe(true)
    await n.send('web-1 is unhealthy', '')
    expect(shown).toEqual([{ title: 'web-1 is unhealthy', body: '' }])
  })

  it('opens the container’s logs when the user clicks a notification about it', async () => {
    const { api, instances } = fakeApi('granted')
    const storage = { getItem: () => 'on', setItem: () => {} }
    const opened: Alert[] = []
    const sink = createOsAlertSink({ notifier: browserNotifier(api, storage), isHidden: () => true, onOpen: (a) => opened.push(a) })
    await sink.enabled()
    sink.onAlerts([died])
    await flush()
    expect(instances).toHaveLength(1)
    instances[0]!.onclick?.()
    expect(opened).toEqual([died])
  })

  it('says so when the browser refuses', async () => {
    const { api } = fakeApi('default', 'denied')
    const n = browserNotifier(api, null)
    await expect(n.setEnabled(true)).rejects.toThrow(/does not allow this page to show notifications/)
    expect(await n.enabled()).toBe(false)
  })
})

/** The bound App's notification methods and the Wails runtime's events, as the desktop app has them. */
function fakeDesktop() {
  const listeners = new Map<string, ((...data: unknown[]) => void)[]>()
  const events: WailsEvents = {
    EventsOn: (name, cb) => {
      listeners.set(name, [...(listeners.get(name) ?? []), cb])
      return () => listeners.set(name, (listeners.get(name) ?? []).filter((l) => l !== cb))
    },
  }
  const app = {
    Notify: vi.fn((_title: string, _body: string, _target: { key: string; name?: string }) => Promise.resolve(true)),
    NotificationsEnabled: vi.fn(() => Promise.resolve(true)),
    SetNotificationsEnabled: vi.fn(() => Promise.resolve()),
  }
  /** What the Go side does on a click: emit the event with the notification's target. */
  const click = (target: unknown) => (listeners.get(NOTIFICATION_OPEN_EVENT) ?? []).forEach((l) => l(target))
  return { app, events, click, listeners }
}

describe('the desktop notifier', () => {
  it('tells the Go side which container a notification is about, and opens its logs on a click', async () => {
    const { app, events, click } = fakeDesktop()
    const opened: Alert[] = []
    const sink = createOsAlertSink({ notifier: desktopNotifier(app, events), isHidden: () => true, onOpen: (a) => opened.push(a) })
    await sink.enabled()
    const other: Alert = { ...died, id: 3, key: 'other/b', name: 'db', title: 'db died unexpectedly (exit 1)' }
    sink.onAlerts([died, other])
    await flush()
    expect(app.Notify.mock.calls).toEqual([
      ['web-1 died unexpectedly (exit 3)', '', { key: 'local/a', name: 'web-1' }],
      ['db died unexpectedly (exit 1)', '', { key: 'other/b', name: 'db' }],
    ])
    click({ key: 'other/b', name: 'db' })
    click({ key: 'local/a', name: 'web-1' })
    expect(opened).toEqual([other, died])
  })

  it('sends a notification about nothing with an empty key, and ignores clicks it never asked for', async () => {
    const { app, events, click } = fakeDesktop()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const n = desktopNotifier(app, events)
    await n.send('plain', 'body')
    expect(app.Notify).toHaveBeenCalledWith('plain', 'body', { key: '' })
    click({ key: 'local/never' })
    click(null)
    expect(warn).toHaveBeenCalledTimes(2)
    warn.mockRestore()
  })

  it('remembers the clicks of the newest containers only, the latest notification about each', async () => {
    const { app, events, click } = fakeDesktop()
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const n = desktopNotifier(app, events)
    const ran: string[] = []
    for (let i = 0; i <= MAX_DESKTOP_CLICKS; i++) {
      await n.send(`c${i}`, '', { key: `local/${i}`, run: () => ran.push(`c${i}`) })
    }
    await n.send('c1 again', '', { key: 'local/1', run: () => ran.push('c1 again') }) // now the newest
    await n.send('one more', '', { key: 'local/more', run: () => ran.push('one more') })
    click({ key: 'local/0' }) // the oldest: forgotten
    click({ key: 'local/2' }) // the oldest but one after c1 moved up: forgotten too
    click({ key: 'local/1' })
    click({ key: `local/${MAX_DESKTOP_CLICKS}` })
    expect(ran).toEqual(['c1 again', `c${MAX_DESKTOP_CLICKS}`])
    vi.restoreAllMocks()
  })
})

describe('detectNotifier', () => {
  it('listens for the desktop app’s click events through the Wails runtime', async () => {
    const { app, events, click } = fakeDesktop()
    const n = detectNotifier({ go: { main: { App: app } }, runtime: events })
    const ran = vi.fn()
    await n?.send('web-1 died', '', { key: 'local/a', run: ran })
    click({ key: 'local/a' })
    expect(ran).toHaveBeenCalledOnce()
  })

  it('prefers the desktop app, then the browser, else none', () => {
    const app = { Notify: vi.fn(), NotificationsEnabled: vi.fn(), SetNotificationsEnabled: vi.fn() }
    expect(detectNotifier({ go: { main: { App: app } } })?.kind).toBe('desktop')
    expect(detectNotifier({ Notification: fakeApi('default').api })?.kind).toBe('browser')
    expect(detectNotifier({})).toBeUndefined()
  })
})
