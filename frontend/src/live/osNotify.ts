// OS notifications: the alert policy's second sink (alerts.ts decides what
// deserves an alert; the store shows it as a toast). While the window is
// hidden or minimised (visibility.ts) a toast goes unseen, so an alert about
// a container (it died unexpectedly, was OOM-killed, turned unhealthy) also
// goes to the OS: through the desktop app's bound Notify, or in a browser
// through the Notification API once the user allowed it. The user can turn
// them off; the choice is remembered (by the Go side in the desktop app, in
// the browser's storage otherwise). A click on a notification about a
// container opens its logs (onOpen, the one path for both): a browser
// notification reports it to the page itself; in the desktop app the Go side
// hears it from the OS where the OS reports clicks (Linux: the notification
// service on the session bus; Windows: the toast's COM activator; not on
// macOS, see backend/notify), raises the window and emits
// NotificationOpenEvent with the container's key, which desktopNotifier maps
// back to the click.

import type { Alert, AlertKind } from './alerts'

/** The alerts that reach the OS: those about a container, not failed actions (the user was there). */
export const OS_ALERT_KINDS: ReadonlySet<AlertKind> = new Set(['died', 'oom', 'unhealthy'])

/** Where OS notifications go, and the remembered on/off. */
export interface OsNotifier {
  readonly kind: 'desktop' | 'browser'
  /** Whether they are on; rejects with why the setting cannot be read. */
  enabled(): Promise<boolean>
  /** Turns them on or off; rejects with why (the browser refused, say). */
  setEnabled(on: boolean): Promise<void>
  /** Shows one; click.run runs when the user clicks it, where the notifier can tell. */
  send(title: string, body: string, click?: NotificationClick): Promise<void>
}

/** What a notification is about, and what a click on it does. */
export interface NotificationClick extends NotificationTarget {
  run: () => void
}

export interface OsAlertSinkOptions {
  notifier: OsNotifier
  /** Whether the window is hidden or minimised now. */
  isHidden: () => boolean
  /** Where a failure to notify is reported, once per failure streak. */
  warn?: (message: string) => void
  /** A click on the notification of an alert about a container: open its logs. */
  onOpen?: (alert: Alert) => void
}

/**
 * A sink for freshly raised alerts: each one about a container, raised while
 * the window is hidden, goes to the OS if the user has them on. The setting
 * is read once and then follows setEnabled through the returned object.
 */
export function createOsAlertSink(opts: OsAlertSinkOptions) {
  const { notifier, isHidden, warn = (m: string) => console.warn(m), onOpen } = opts
  let on: boolean | null = null // unknown until read
  let failing = false
  const reading = notifier.enabled().then(
    (v) => {
      on ??= v
    },
    (err: unknown) => {
      on ??= false
      warn(`notification setting: ${text(err)}`)
    },
  )
  const send = (a: Alert) => {
    const click = a.key && onOpen ? { key: a.key, name: a.name, run: () => onOpen(a) } : undefined
    notifier.send(a.title, a.detail ?? '', click).then(
      () => {
        failing = false
      },
      (err: unknown) => {
        if (!failing) warn(`cannot show a notification: ${text(err)}`)
        failing = true
      },
    )
  }
  return {
    /** Passes the alerts just raised; call it as they are raised, not at commit (a hidden page paints no frames). */
    onAlerts(alerts: readonly Alert[]): void {
      const due = alerts.filter((a) => OS_ALERT_KINDS.has(a.kind))
      if (due.length === 0 || !isHidden()) return
      if (on === null) {
        void reading.then(() => {
          if (on) due.forEach(send)
        })
        return
      }
      if (on) due.forEach(send)
    },
    /** Resolves with the current setting. */
    async enabled(): Promise<boolean> {
      await reading
      return on === true
    },
    async setEnabled(v: boolean): Promise<void> {
      await notifier.setEnabled(v)
      on = v
    },
    kind: notifier.kind,
  }
}

export type OsAlertSink = ReturnType<typeof createOsAlertSink>

function text(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** What a notification is about (notify.Target on the Go side). */
export interface NotificationTarget {
  /** The container, `engine/id`. */
  key: string
  /** Its name, to call it by once it is gone. */
  name?: string
}

/** The bound methods of the Go App (app_desktop.go) this module calls. */
export interface WailsNotifications {
  /** target.key is empty for a notification about nothing to open. */
  Notify(title: string, body: string, target: NotificationTarget): Promise<boolean>
  NotificationsEnabled(): Promise<boolean>
  SetNotificationsEnabled(on: boolean): Promise<void>
}

/** The part of the Wails runtime's events this module uses: EventsOn returns the unsubscribe. */
export interface WailsEvents {
  EventsOn(name: string, callback: (...data: unknown[]) => void): () => void
}

/** The Wails event of a click on a desktop notification (app_desktop.go's NotificationOpenEvent). */
export const NOTIFICATION_OPEN_EVENT = 'notification:open'

/** The most containers whose last notification's click is remembered; the oldest are forgotten first. */
export const MAX_DESKTOP_CLICKS = 64

/**
 * OS notifications through the desktop app: the Go side remembers the
 * setting and sends. A click comes back as NOTIFICATION_OPEN_EVENT with the
 * container's key (events: the Wails runtime); the last click sent about
 * that container runs.
 */
export function desktopNotifier(app: WailsNotifications, events?: WailsEvents): OsNotifier {
  const clicks = new Map<string, () => void>() // by container key, oldest first
  events?.EventsOn(NOTIFICATION_OPEN_EVENT, (target: unknown) => {
    const key = (target as Partial<NotificationTarget> | null)?.key
    const run = typeof key === 'string' ? clicks.get(key) : undefined
    if (run) run()
    else console.warn(`notification click about ${String(key)}: no notification about it was sent since the page loaded`)
  })
  return {
    kind: 'desktop',
    enabled: () => app.NotificationsEnabled(),
    setEnabled: (on) => app.SetNotificationsEnabled(on),
    async send(title, body, click) {
      if (click) {
        clicks.delete(click.key) // re-inserted as the newest
        clicks.set(click.key, click.run)
        for (const oldest of clicks.keys()) {
          if (clicks.size <= MAX_DESKTOP_CLICKS) break
          clicks.delete(oldest)
        }
      }
      await app.Notify(title, body, click ? { key: click.key, name: click.name } : { key: '' })
    },
  }
}

export const BROWSER_SETTING_KEY = 'dockpulse.osNotifications'

/** The parts of the browser's Notification API used here. */
export interface NotificationApi {
  readonly permission: NotificationPermission
  requestPermission(): Promise<NotificationPermission>
  new (title: string, options?: NotificationOptions): unknown
}

/**
 * OS notifications through the browser's Notification API. Off until the
 * user turns them on, which asks the browser's permission; the choice is
 * kept in the browser's storage.
 */
export function browserNotifier(api: NotificationApi, storage: Pick<Storage, 'getItem' | 'setItem'> | null): OsNotifier {
  return {
    kind: 'browser',
    enabled: () => Promise.resolve(api.permission === 'granted' && read(storage) === 'on'),
    async setEnabled(on) {
      if (on && api.permission !== 'granted' && (await api.requestPermission()) !== 'granted') {
        throw new Error('the browser does not allow this page to show notifications (see the site settings)')
      }
      try {
        storage?.setItem(BROWSER_SETTING_KEY, on ? 'on' : 'off')
      } catch {
        // Storage may be disabled: the choice lasts for this page's life.
      }
    },
    send(title, body, click) {
      if (api.permission !== 'granted') return Promise.reject(new Error('the browser withdrew the permission to notify'))
      const shown = new api(title, { body, tag: title }) as { onclick?: (() => void) | null }
      if (click) {
        shown.onclick = () => {
          globalThis.focus?.()
          click.run()
        }
      }
      return Promise.resolve()
    },
  }
}

function read(storage: Pick<Storage, 'getItem'> | null): string | null {
  try {
    return storage?.getItem(BROWSER_SETTING_KEY) ?? null
  } catch {
    return null
  }
}

interface NotifyWindow {
  go?: { main?: { App?: Partial<WailsNotifications> } }
  runtime?: Partial<WailsEvents>
  Notification?: NotificationApi
  localStorage?: Storage
}

/** The notifier for this page: the desktop app's, the browser's, or none (no Notification API). */
export function detectNotifier(win: unknown = globalThis.window): OsNotifier | undefined {
  const w = win as NotifyWindow | undefined
  const app = w?.go?.main?.App
  if (app && typeof app.Notify === 'function') {
    const rt = w?.runtime
    const on = rt?.EventsOn
    return desktopNotifier(app as WailsNotifications, typeof on === 'function' ? { EventsOn: (name, cb) => on.call(rt, name, cb) } : undefined)
  }
  if (!w?.Notification) return undefined
  let storage: Storage | null
  try {
    storage = w.localStorage ?? null
  } catch {
    storage = null // storage may be disabled: the choice lasts for this page's life
  }
  return browserNotifier(w.Notification, storage)
}
