// How an alert reads: its own title, or for repeats grouped by the store
// (live/alerts.ts) "web died unexpectedly 5 times in 2 min".

import { alertSubject, type Alert, type AlertDraft } from '../live'
import { formatDuration } from '../format'

const VERBS: Record<AlertDraft['kind'], string> = {
  died: 'died unexpectedly',
  oom: 'was killed for want of memory',
  unhealthy: 'turned unhealthy',
  'action-failed': 'refused an action',
}

export function alertTitle(a: Alert): string {
  if (a.count <= 1) return a.title
  return `${alertSubject(a.name ?? 'A container', a.engine)} ${VERBS[a.kind]} ${a.count} times in ${formatDuration(Math.max(1000, a.at - a.firstAt))}`
}
