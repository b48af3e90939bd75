// The live layer's public surface: import from 'src/live', not from its files.

export * from './types'
export { keyOf, parseMessage, ProtocolError } from './protocol'
export {
  MAX_EVENTS,
  applyMessage,
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
  useStats,
  useSynced,
  type ContainerRow,
} from './hooks'
