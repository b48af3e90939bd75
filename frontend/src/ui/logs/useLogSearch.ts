// A logs view's search as React state: plain text matched on the main
// thread (search.ts; cheap, and deferred so typing stays responsive), a
// regular expression in a worker (regexSearch.ts), which the page provides
// (RegexWorkerContext; tests give one that runs in the page).

import { createContext, useContext, useDeferredValue, useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { browserSearchWorker, RegexSearch, type RegexSearchState, type SearchWorkerFactory } from './regexSearch'
import { collectMatches, compileSearch, NO_MATCHES, searchExpression, type Collected, type Matcher, type Matches, type SearchOptions } from './search'
import type { LogLine } from './types'

export const RegexWorkerContext = createContext<SearchWorkerFactory>(browserSearchWorker)

export interface LogSearchResult {
  /** The query the matches are of (typing runs ahead of it). */
  searched: string
  matcher: Matcher | null
  matches: Matches
  error: string | undefined
  /** The count is not final yet: the query ran ahead, or the worker is still searching. */
  pending: boolean
  /** The matches of query now: searched at once for plain text, none yet for an expression still being searched. */
  matchesOf(query: string): Matches
}

const noSubscribe = () => () => {}
const IDLE: RegexSearchState = { matcher: null, pending: false }
const idle = () => IDLE

export function useLogSearch(list: readonly LogLine[], query: string, options: SearchOptions): LogSearchResult {
  const worker = useContext(RegexWorkerContext)
  const searched = useDeferredValue(query)
  const { regex, matchCase } = options
  const expr = useMemo(() => searchExpression(searched, { regex, matchCase }), [searched, regex, matchCase])
  const plain = useMemo(() => (!regex && expr ? compileSearch(searched, { regex, matchCase }) : null), [expr, regex, searched, matchCase])
  // Made in render but inert until setLines, in an effect: StrictMode's second one makes no worker.
  const search = useMemo(() => (regex && expr?.source !== undefined ? new RegexSearch(expr.source, expr.flags, { worker }) : null), [regex, expr, worker])
  useEffect(() => search?.setLines(list), [search, list])
  useEffect(() => () => search?.stop(), [search])
  const off = useSyncExternalStore(search?.subscribe ?? noSubscribe, search?.getState ?? idle)

  const matcher = regex ? off.matcher : (plain?.matcher ?? null)
  const collected = useRef<Collected | null>(null)
  const matches = useMemo(() => (matcher ? collectMatches(list, matcher, collected.current) : NO_MATCHES), [list, matcher])
  useEffect(() => {
    collected.current = matcher ? { list, matcher, matches } : null
  })
  const error = expr?.error ?? (search ? off.error : undefined)
  const matchesOf = (q: string): Matches => {
    if (q === searched) return matches
    if (regex) return NO_MATCHES
    const now = compileSearch(q, { regex, matchCase })?.matcher
    return now ? collectMatches(list, now) : NO_MATCHES
  }
  return { searched, matcher, matches, error, pending: searched !== query || (search !== null && off.pending), matchesOf }
}
