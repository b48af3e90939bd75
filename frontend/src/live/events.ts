// What an engine event says: which container it is about and its name, a
// health event's status, and which events of a message are news.

import { keyOf } from './protocol'
import { MAX_EVENTS, type LiveData } from './reducer'
import type { DockerEvent, ServerMessage } from './types'

/**
 * The events a message brings that were not known before: the event of an
 * event delta, or, for a snapshot (a poll, a resync), those newer than the
 * newest event known before. The first snapshot brings history, not news.
 */
export function newEventsOf(msg: ServerMessage, before: LiveData): readonly DockerEvent[] {
  if (msg.type === 'event') return [msg.data]
  if (msg.type !== 'snapshot' || before.events.length === 0) return []
  const newest = before.events[0]!.timeNano
  return msg.data.events.filter((e) => e.timeNano > newest).sort((a, b) => a.timeNano - b.timeNano)
}

/** The `engine/id` key of the container an event is about. */
export function eventContainerKey(e: DockerEvent): string {
  return keyOf({ engine: e.engine, id: e.actorId })
}

/** Display name of the container an event is about. */
export function eventSubject(e: DockerEvent, data?: LiveData): string {
  const c = data?.containers.get(eventContainerKey(e))
  const name = c?.name || e.name || e.attributes?.name || ''
  if (name) return bare(name)
  return knownContainerName(e.engine, e.actorId, data)
}

/**
 * A container's name as last known: the current one, else the name an event
 * of it carried (it may have been removed since), else its short ID.
 */
export function knownContainerName(engine: string, id: string, data?: LiveData): string {
  const c = data?.containers.get(keyOf({ engine, id }))
  if (c?.name) return bare(c.name)
  const named = data?.events.find((o) => o.type === 'container' && o.engine === engine && o.actorId === id && (o.name || o.attributes?.name))
  const name = named?.name || named?.attributes?.name
  return name ? bare(name) : id.slice(0, 12)
}

function bare(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name
}

/** The health status of a health event, whichever way the engine spelled it. */
export function healthOf(e: DockerEvent): string | null {
  if (e.action === 'health_status') return e.attributes?.healthStatus ?? null
  if (e.action.startsWith('health_status:')) return e.action.slice('health_status:'.length).trim()
  return null
}

/**
 * Since when (Unix ms) the events list holds every event of the engine, or
 * of every engine without one: how far back the engine's history went when
 * Dockpulse first read it (EngineInfo.eventsSince), later once the list is
 * full and has let older events go. Null while unknown (the history was not
 * read yet).
 */
export function eventsCompleteSince(data: LiveData, engine?: string): number | null {
  const engines = engine === undefined ? [...data.engines.values()] : [data.engines.get(engine)]
  let since = 0
  for (const e of engines) {
    if (!e?.eventsSince) return null
    since = Math.max(since, e.eventsSince)
  }
  if (engines.length === 0) return null
  if (data.events.length >= MAX_EVENTS) since = Math.max(since, data.events[data.events.length - 1]!.timeNano / 1e6)
  return since
}
