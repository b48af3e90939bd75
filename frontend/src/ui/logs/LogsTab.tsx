// The detail panel's Logs tab: the selected container's logs, followed only
// while the tab is shown (mounted), with a way to the full-height view.

import { useMemo } from 'react'
import { useLogs, type Container } from '../../live'
import { LogView } from './LogView'
import { useOpenLogs } from './openLogs'
import { containerTarget } from './targets'

export function LogsTab({ container }: { container: Container }) {
  const { engine, id, name } = container
  const target = useMemo(() => containerTarget({ engine, id, name }), [engine, id, name])
  const view = useLogs(target)
  const openLogs = useOpenLogs()
  return <LogView {...view} variant="panel" onOpenFull={openLogs ? () => openLogs({ kind: 'container', key: `${engine}/${id}`, name }) : undefined} />
}
