// A compose project's header row in the grouped table: collapse and expand
// it, see its counts and state summary (also while collapsed), and start,
// stop or restart the whole project. A project action runs the ordinary
// action runner once per container, each with its own engine, on exactly the
// containers it applies to (stop: those running, paused or restarting;
// start: those not running; restart: all but dead or removing ones), and
// the header shows its progress and each container that failed, with the
// engine's reason.

import { useCallback, useMemo, useState } from 'react'
import {
  ACTION_LABELS,
  availableActions,
  containerName,
  keyOf,
  useContainers,
  useLiveStore,
  useRunAction,
  type Container,
  type ContainerAction,
  type LiveStore,
} from '../live'
import { Icon, type IconName } from './Icon'
import { useOpenLogs } from './logs/openLogs'
import { COMPOSE_PROJECT, groupSummary, type GroupItem } from './tableModel'
import './GroupHeader.css'

export type ProjectAction = Extract<ContainerAction, 'start' | 'stop' | 'restart'>

const PROJECT_ACTIONS: readonly { action: ProjectAction; icon: IconName; applies: string }[] = [
  { action: 'start', icon: 'play', applies: 'not running' },
  { action: 'stop', icon: 'stop', applies: 'running' },
  { action: 'restart', icon: 'restart', applies: '' },
]

/** The containers of a project an action applies to. */
export function projectTargets(containers: readonly Container[], project: string, action: ProjectAction): Container[] {
  return containers.filter((c) => c.labels[COMPOSE_PROJECT] === project && availableActions(c)[action])
}

/** One project action under way or finished with failures. */
export interface ProjectRun {
  action: ProjectAction
  total: number
  done: number
  failed: readonly { name: string; error: string }[]
}

/** The engine's reason for a failed action, once the store has committed it. */
function failureOf(store: LiveStore, key: string): Promise<string> {
  return new Promise((resolve) => {
    const read = () => {
      const status = store.getState().actions.get(key)
      if (status?.phase === 'pending') return false
      resolve(status?.error ?? 'failed')
      return true
    }
    if (read()) return
    const off = store.subscribe(() => {
      if (read()) off()
    })
  })
}

/** Project runs by project name; a run that ends with no failure is dropped. */
export function useProjectRuns() {
  const run = useRunAction()
  const store = useLiveStore()
  const [runs, setRuns] = useState<ReadonlyMap<string, ProjectRun>>(() => new Map())

  const update = useCallback((project: string, f: (r: ProjectRun | undefined) => ProjectRun | undefined) => {
    setRuns((prev) => {
      const next = new Map(prev)
      const r = f(prev.get(project))
      if (r) next.set(project, r)
      else next.delete(project)
      return next
    })
  }, [])

  const start = useCallback(
    async (project: string, action: ProjectAction, targets: readonly Container[]) => {
      update(project, () => ({ action, total: targets.length, done: 0, failed: [] }))
      await Promise.all(
        targets.map(async (c) => {
          const name = containerName(c)
          const ok = await run({ engine: c.engine, id: c.id, name }, action)
          const error = ok ? '' : await failureOf(store, keyOf(c))
          update(project, (r) => r && { ...r, done: r.done + 1, failed: ok ? r.failed : [...r.failed, { name, error }] })
        }),
      )
      update(project, (r) => (r && r.failed.length > 0 ? r : undefined))
    },
    [run, store, update],
  )
  const dismiss = useCallback((project: string) => update(project, () => undefined), [update])
  return { runs, start, dismiss }
}

export type ProjectRuns = ReturnType<typeof useProjectRuns>

export function GroupHeader({
  item,
  onToggle,
  runs,
}: {
  item: GroupItem
  onToggle: (project: string) => void
  runs: ProjectRuns
}) {
  const containers = useContainers()
  const project = item.project
  const title = project || 'No compose project'
  const current = runs.runs.get(project)
  const busy = current !== undefined && current.done < current.total
  const targets = useMemo(
    () => new Map(PROJECT_ACTIONS.map(({ action }) => [action, project ? projectTargets(containers, project, action) : []])),
    [containers, project],
  )
  const summary = groupSummary(item)
  const openLogs = useOpenLogs()
  return (
    <div role="gridcell" className="group-cell">
      <button
        type="button"
        className="group-toggle"
        aria-expanded={!item.collapsed}
        title={item.collapsed ? `Show the containers of ${title}` : `Hide the containers of ${title}`}
        onClick={() => onToggle(project)}
      >
        <span className="chevron" aria-hidden="true">
          ▸
        </span>
        <strong>{title}</strong>
      </button>
      <span className="muted group-summary">{summary}</span>
      {project && (
        <span className="group-actions" role="group" aria-label={`Actions on project ${project}`}>
          {PROJECT_ACTIONS.map(({ action, icon, applies }) => {
            const these = targets.get(action) ?? []
            const verb = ACTION_LABELS[action].verb
            const which = applies ? `${these.length} ${applies}` : `${these.length}`
            const list = these.map(containerName).join(', ')
            return (
              <button
                key={action}
                type="button"
                className="action group-action"
                data-action={action}
                disabled={busy || these.length === 0}
                aria-label={`${verb} project ${project} (${which})`}
                title={these.length === 0 ? `No container of ${project} to ${verb.toLowerCase()}` : `${verb} ${list}`}
                onClick={() => void runs.start(project, action, these)}
              >
                <Icon name={icon} />
                <span>
                  {verb} {which}
                </span>
              </button>
            )
          })}
          {openLogs && (
            <button
              type="button"
              className="action group-action"
              aria-label={`Logs of project ${project}`}
              title={`The logs of every container of ${project}, merged`}
              onClick={() => openLogs({ kind: 'project', project })}
            >
              <span>Logs</span>
            </button>
          )}
        </span>
      )}
      {current && <RunStatus project={project} run={current} onDismiss={() => runs.dismiss(project)} />}
    </div>
  )
}

function RunStatus({ project, run, onDismiss }: { project: string; run: ProjectRun; onDismiss: () => void }) {
  const labels = ACTION_LABELS[run.action]
  if (run.done < run.total) {
    return (
      <span className="group-run pending" role="status">
        <span className="spinner" aria-hidden="true" />
        {labels.doing} {project}: {run.done} of {run.total} done
      </span>
    )
  }
  const detail = run.failed.map((f) => `${f.name}: ${f.error}`).join('\n')
  return (
    <span className="group-run failed" role="alert" title={detail}>
      {labels.verb} {project}: {run.failed.length} of {run.total} failed ({run.failed.map((f) => f.name).join(', ')})
      <button type="button" className="group-dismiss" aria-label={`Dismiss the ${labels.verb.toLowerCase()} failure of ${project}`} onClick={onDismiss}>
        <Icon name="close" />
      </button>
    </span>
  )
}
