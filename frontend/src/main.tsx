// First: later modules format numbers with navigator.language when they load.
import './localeGuard'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import {
  LiveProvider,
  LogsProvider,
  LogsRequests,
  createLiveConnection,
  createLiveStore,
  createOsAlertSink,
  detectBackend,
  detectNotifier,
  wailsMinimised,
  watchVisibility,
  type LiveStore,
  type LogsClientOptions,
} from './live'
import { OsNotificationsProvider } from './ui/AppSettings'
import { EngineSwitcherProvider } from './ui/EnginesDialog'

// Alerts raised while the window is hidden also go to the OS (osNotify.ts);
// a click on one opens the container's logs.
const logsRequests = new LogsRequests()
const notifier = detectNotifier()
const osAlerts =
  notifier &&
  createOsAlertSink({ notifier, isHidden: () => store.view.isHidden(), onOpen: (a) => a.key && logsRequests.open(a.key, a.name) })
const store = createLiveStore({ onAlerts: (alerts) => osAlerts?.onAlerts(alerts) })
const backend = detectBackend()
// The desktop window may stay "visible" to the page when minimised; ask Wails.
const isMinimised = wailsMinimised()
// A logs view follows nothing while the window is hidden or minimised.
const logsOptions: Omit<LogsClientOptions, 'backend'> = { watchHidden: (onChange) => watchVisibility(onChange, { isMinimised }) }

// Module-level so its identity is stable: LiveProvider starts it in an effect
// and stops it in the cleanup (StrictMode mounts twice in development).
function connect(s: LiveStore): () => void {
  const connection = createLiveConnection(s, backend)
  connection.start()
  return () => connection.stop()
}

// Benchmark builds only (vite build --mode frameprobe): times every frame
// and reports to the desktop backend's log. The constant is false in every
// other build, so the bundler drops this branch and the probe's chunk.
if (__FRAME_PROBE__) {
  void import('./probe/install').then((m) => m.installFrameProbe()).catch((e: unknown) => console.error('frame probe:', e))
}

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')

createRoot(root).render(
  <StrictMode>
    <LiveProvider store={store} connect={connect} perform={backend.containerAction} fetchHistory={backend.history} inspect={backend.inspect} isMinimised={isMinimised}>
      <OsNotificationsProvider sink={osAlerts}>
        <EngineSwitcherProvider switcher={backend}>
          <LogsProvider backend={backend} options={logsOptions} requests={logsRequests}>
            <App />
          </LogsProvider>
        </EngineSwitcherProvider>
      </OsNotificationsProvider>
    </LiveProvider>
  </StrictMode>,
)
