// Asking the app to show logs in its full-height view: a container's (from
// a notification, the detail panel's tab) or a compose project's (from its
// group header).

import { createContext, useContext } from 'react'

export type LogsRequest =
  /** key: `engine/id`; name: what to call it if the container is gone. */
  | { kind: 'container'; key: string; name?: string }
  | { kind: 'project'; project: string }

export type OpenLogs = (request: LogsRequest) => void

export const OpenLogsContext = createContext<OpenLogs | null>(null)

/** Opens the full-height logs view; null where the app has none (a test that renders a part alone). */
export function useOpenLogs(): OpenLogs | null {
  return useContext(OpenLogsContext)
}
