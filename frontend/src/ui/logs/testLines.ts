// Lines and props for the viewer's tests.

import type { LogLine, LogViewProps } from './types'

/** Lines i = from … from+n-1: "line i", a nanosecond apart. */
export function makeLines(n: number, from = 0, over: Partial<LogLine> = {}): LogLine[] {
  const out: LogLine[] = []
  for (let i = from; i < from + n; i++) {
    out.push({ engine: 'default', id: 'c1', time: `2026-12-02T06:00:00.${String(i).padStart(9, '0')}Z`, stream: 'stdout', text: `line ${i}`, ...over })
  }
  return out
}

export function viewProps(over: Partial<LogViewProps> = {}): LogViewProps {
  return {
    lines: [],
    containers: [{ engine: 'default', id: 'c1', name: 'web-1' }],
    status: { text: 'Live', tone: 'live' },
    notices: [],
    canLoadEarlier: false,
    atStart: false,
    loadingEarlier: false,
    onLoadEarlier: () => {},
    fileName: 'web-1.log',
    variant: 'panel',
    ...over,
  }
}
