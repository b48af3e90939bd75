// Lines as text for the clipboard and for a downloaded .log file.

import { styled } from './ansi'
import type { LogLine } from './types'

export interface TextOptions {
  /** The container's name by line, for a project's lines. */
  nameOf?: (line: LogLine) => string
}

function cutNote(line: LogLine): string {
  return line.cut ? ` … ${line.cut} bytes cut` : ''
}

/** What a person copies: the text as shown (escapes removed), with the time when shown. */
export function linesForCopy(lines: readonly LogLine[], { nameOf, timestamps }: TextOptions & { timestamps: boolean }): string {
  return lines
    .map((l) => `${timestamps ? `${l.time} ` : ''}${nameOf ? `${nameOf(l)} | ` : ''}${styled(l).plain}${cutNote(l)}`)
    .join('\n')
}

/** A .log file: every line with its time and stream, the text as the container wrote it. */
export function linesForFile(lines: readonly LogLine[], { nameOf }: TextOptions = {}): string {
  if (lines.length === 0) return ''
  return lines.map((l) => `${l.time} ${l.stream} ${nameOf ? `${nameOf(l)} ` : ''}${l.text}${cutNote(l)}`).join('\n') + '\n'
}

/** Saves text as a file through a Blob and an object URL. */
export function downloadText(fileName: string, text: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
  const a = doc.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  doc.body.append(a)
  try {
    a.click()
  } finally {
    a.remove()
    // Not at once: some browsers start the download after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}
