import { describe, expect, it, vi } from 'vitest'
import type { Alert } from './alerts'
import { BROWSER_SETTING_KEY, browserNotifier, createOsAlertSink, detectNotifier, type NotificationApi, type OsNotifier } from './osNotify'

const died: Alert = { id: 1, kind: 'died', tone: 'bad', title: 'web-1 died unexpectedly (exit 3)', at: 1, key: 'local/a', count: 1, firstAt: 1 }
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

describe('detectNotifier', () => {
  it('prefers the desktop app, then the browser, else none', () => {
    const app = { Notify: vi.fn(), NotificationsEnabled: vi.fn(), SetNotificationsEnabled: vi.fn() }
    expect(detectNotifier({ go: { main: { App: app } } })?.kind).toBe('desktop')
    expect(detectNotifier({ Notification: fakeApi('default').api })?.kind).toBe('browser')
    expect(detectNotifier({})).toBeUndefined()
  })
})
