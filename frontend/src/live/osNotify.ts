// OS notifications: the alert policy's second sink (alerts.ts decides what
// deserves an alert; the store shows it as a toast). While the window is
// hidden or minimised (visibility.ts) a toast goes unseen, so an alert about
// a container (it died unexpectedly, was OOM-killed, turned unhealthy) also
// goes to the OS: through the desktop app's bound Notify, or in a browser
// through the Notification API once the user allowed it. The user can turn
// them off; the choice is remembered (by the Go side in the desktop app, in
// the browser's storage otherwise). A click on a browser notification
// brings the page forward and opens the container's logs (onOpen); the
// desktop app's notifications cannot report a click.

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
  /** Shows one; onClick runs when the user clicks it, where the notifier can tell. */
  send(title: string, body: string, onClick?: () => void): Promise<void>
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
    notifier.send(a.title, a.detail ?? '', a.key && onOpen ? () => onOpen(a) : undefined).then(
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

/** The bound methods of the Go App (app_desktop.go) this module calls. */
export interface WailsNotifications {
  Notify(title: string, body: string): Promise<boolean>
  NotificationsEnabled(): Promise<boolean>
  SetNotificationsEnabled(on: boolean): Promise<void>
}

/** OS notifications through the desktop app: the Go side remembers the setting and sends. */
export function desktopNotifier(app: WailsNotifications): OsNotifier {
  return {
    kind: 'desktop',
    enabled: () => app.NotificationsEnabled(),
    setEnabled: (on) => app.SetNotificationsEnabled(on),
    async send(title, body) {
      await app.Notify(title, body)
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
    send(title, body, onClick) {
      if (api.permission !== 'granted') return Promise.reject(new Error('the browser withdrew the permission to notify'))
      const shown = new api(title, { body, tag: title }) as { onclick?: (() => void) | null }
      if (onClick) {
        shown.onclick = () => {
          globalThis.focus?.()
          onClick()
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
  Notification?: NotificationApi
  localStorage?: Storage
}

/** The notifier for this page: the desktop app's, the browser's, or none (no Notification API). */
export function detectNotifier(win: unknown = globalThis.window): OsNotifier | undefined {
  const w = win as NotifyWindow | undefined
  const app = w?.go?.main?.App
  if (app && typeof app.Notify === 'function') return desktopNotifier(app as WailsNotifications)
  if (!w?.Notification) return undefined
  let storage: Storage | null
  try {
    storage = w.localStorage ?? null
  } catch {
    storage = null // storage may be disabled: the choice lasts for this page's life
  }
  return browserNotifier(w.Notification, storage)
}
