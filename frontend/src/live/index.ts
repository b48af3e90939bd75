// The live layer's public surface: import from 'src/live', not from its files.

export * from './types'
export {
  checkSequence,
  keyOf,
  MAX_VIEW_CONTAINERS,
  parseMessage,
  ProtocolError,
  viewMessage,
  type Gap,
} from './protocol'
export { ViewRegistry } from './view'
export { MINIMISED_POLL_MS, wailsMinimised, watchVisibility, type VisibilityOptions } from './visibility'
export {
  ACTION_LABELS,
  CONFIRMED_BY,
  actionsAfterMessage,
  availableActions,
  createActionRunner,
  withoutTransportFailures,
  reduceAction,
  type ActionStatus,
  type ActionTarget,
  type PerformAction,
  type RunAction,
  type UiAction,
} from './actions'
export {
  GROUP_WINDOW_MS,
  MAX_ALERTS,
  MAX_HISTORY,
  addAlerts,
  alertEngine,
  alertSubject,
  alertsAfterMessage,
  type Alert,
  type AlertDraft,
} from './alerts'
export {
  BROWSER_SETTING_KEY,
  OS_ALERT_KINDS,
  browserNotifier,
  createOsAlertSink,
  desktopNotifier,
  detectNotifier,
  type NotificationApi,
  type OsAlertSink,
  type OsNotifier,
  type WailsNotifications,
} from './osNotify'
export { eventSubject, eventsCompleteSince, healthOf, knownContainerName, newEventsOf } from './events'
export { HIDDEN_VALUE, formatRaw, normalizeInspect, redactEnv } from './inspect'
export { useInspect, type FetchInspect, type InspectResult, type InspectState } from './useInspect'
export { HISTORY_SECONDS, StatsHistory, type Series } from './history'
export {
  MAX_EVENTS,
  applyMessage,
  applySnapshot,
  computeRates,
  emptyLiveData,
  isSampled,
  type ApplyResult,
  type LiveData,
} from './reducer'
export {
  createLiveStore,
  type DispatchResult,
  type FrameScheduler,
  type LiveStore,
  type StoreAction,
  type StoreState,
} from './store'
export { compareContainers, containerName, selectEngines, selectSortedContainers } from './selectors'
export { backoffDelay, type BackoffOptions } from './backoff'
export type { LiveSource, SourceSink } from './source'
export { WebSocketSource, type SocketStatus } from './websocketSource'
export { PollingSource, type PollStatus } from './pollingSource'
export { LiveConnection, createLiveConnection, type PushSource } from './connection'
export {
  BackendError,
  detectBackend,
  httpBackend,
  wailsApp,
  wailsBackend,
  type Backend,
  type WailsApp,
} from './backend'
export {
  LiveProvider,
  useConnection,
  useContainerFigures,
  useContainerList,
  useContainerRows,
  useRowsWithFigures,
  useContainers,
  useEngines,
  useEventsData,
  useLiveData,
  useLiveSelector,
  useLiveStore,
  useActionStatus,
  useActionStatuses,
  useAlertControls,
  useAlertHistory,
  useAlerts,
  useDismissAlert,
  useMuted,
  useRates,
  useReportView,
  useRunAction,
  useStats,
  useStatsHistory,
  useSynced,
  type ContainerRow,
  type FetchHistory,
} from './hooks'
export { LOG_BUFFER_LINES, LogBuffer } from './logs/buffer'
export { LogsClient, logFileName, type LogNotice, type LogTarget, type LogsBackend, type LogsClientOptions, type LogsView } from './logs/client'
export type { LogStatus } from './logs/status'
export { LogsProvider, LogsRequests, useLogs, useLogsRequests, type LogsClientFactory } from './logs/useLogs'
