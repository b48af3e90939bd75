// The live layer's public surface: import from 'src/live', not from its files.

export * from './types'
export { keyOf, MAX_VIEW_CONTAINERS, parseMessage, ProtocolError, viewMessage } from './protocol'
export { ViewRegistry } from './view'
export { MINIMISED_POLL_MS, wailsMinimised, watchVisibility, type VisibilityOptions } from './visibility'
export {
  ACTION_LABELS,
  CONFIRMED_BY,
  MAX_ALERTS,
  actionsAfterMessage,
  alertsAfterMessage,
  availableActions,
  createActionRunner,
  eventSubject,
  healthOf,
  newEventsOf,
  reduceAction,
  type ActionStatus,
  type ActionTarget,
  type Alert,
  type AlertDraft,
  type PerformAction,
  type RunAction,
  type UiAction,
} from './actions'
export { HISTORY_SECONDS, StatsHistory, type Series } from './history'
export {
  MAX_EVENTS,
  applyMessage,
  computeRates,
  applySnapshot,
  checkSequence,
  compareContainers,
  containerName,
  createLiveStore,
  emptyLiveData,
  selectEngines,
  selectSortedContainers,
  type ApplyResult,
  type DispatchResult,
  type FrameScheduler,
  type Gap,
  type LiveData,
  type LiveStore,
  type StoreAction,
  type StoreState,
} from './store'
export {
  PollingSource,
  WebSocketSource,
  backoffDelay,
  type BackoffOptions,
  type LiveSource,
  type PollStatus,
  type SocketStatus,
  type SourceSink,
} from './source'
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
  useContainerRows,
  useContainers,
  useEngines,
  useEvents,
  useLiveData,
  useLiveSelector,
  useLiveStore,
  useActionStatus,
  useActionStatuses,
  useAlerts,
  useDismissAlert,
  useRates,
  useReportView,
  useRunAction,
  useStats,
  useStatsHistory,
  useSynced,
  type ContainerRow,
} from './hooks'
