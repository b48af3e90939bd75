// ANSI styling of a line, as data: anser parses the SGR escapes (colours,
// bold, underline…) into runs of text and their style, and drops the other
// control sequences. Nothing here makes HTML: the runs become React text.

import Anser from 'anser'
import type { CSSProperties } from 'react'
import { themed } from './contrast'
import type { LogLine } from './types'

/** A run of text with one style, at `start` in the line's plain text. */
export interface Run {
  text: string
  start: number
  /** Class names: the 16 named colours follow the theme (LogView.css). */
  className?: string
  /** 256-colour and true-colour values: a background as given, a text colour per theme. */
  style?: CSSProperties
}

export interface Styled {
  /** The text without escapes: what search matches and copy takes. */
  plain: string
  runs: readonly Run[]
}

const ESC = '\x1b'
// Operating-system commands (titles, hyperlinks) that anser passes through.
// eslint-disable-next-line no-control-regex
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g
// Any escape or control character anser leaves (a lone ESC, BEL, backspace…); tabs stay.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g

const cache = new WeakMap<LogLine, Styled>()

/** The line's runs, parsed once per line. */
export function styled(line: LogLine): Styled {
  let s = cache.get(line)
  if (!s) {
    s = parse(line.text)
    cache.set(line, s)
  }
  return s
}

export function parse(text: string): Styled {
  if (!text.includes(ESC)) {
    const plain = text.replace(CONTROL, '')
    return { plain, runs: plain ? [{ text: plain, start: 0 }] : [] }
  }
  const entries = Anser.ansiToJson(text.replace(OSC, ''), { json: true, use_classes: true, remove_empty: true })
  const runs: Run[] = []
  let plain = ''
  for (const e of entries) {
    const content = e.content.replace(CONTROL, '')
    if (!content) continue
    const classes: string[] = []
    const style: CSSProperties = {}
    colour(e.fg, e.fg_truecolor, 'fg', classes, style)
    colour(e.bg, e.bg_truecolor, 'bg', classes, style)
    for (const d of e.decorations) classes.push(`ansi-${d}`)
    const run: Run = { text: content, start: plain.length }
    if (classes.length > 0) run.className = classes.join(' ')
    if (Object.keys(style).length > 0) run.style = style
    runs.push(run)
    plain += content
  }
  return { plain, runs }
}

function colour(value: string | null, truecolor: string | null, which: 'fg' | 'bg', classes: string[], style: CSSProperties) {
  if (!value) return
  let rgb: readonly [number, number, number] | null = null
  if (value === 'ansi-truecolor') {
    const parts = truecolor?.split(',').map((p) => Number(p.trim()))
    if (parts?.length === 3 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)) rgb = parts as [number, number, number]
  } else {
    const palette = /^ansi-palette-(\d+)$/.exec(value)
    if (!palette) {
      classes.push(`${value}-${which}`)
      return
    }
    const n = Number(palette[1])
    if (n < 16) {
      classes.push(`${NAMED[n]}-${which}`)
      return
    }
    rgb = xterm256(n)
  }
  if (!rgb) return
  if (which === 'bg') {
    style.backgroundColor = `rgb(${rgb.join(', ')})`
    return
  }
  // A program's own colour, made readable on each theme (LogView.css picks one).
  const t = themed(rgb)
  classes.push('ansi-rgb-fg')
  ;(style as Record<string, string>)['--ansi-fg-light'] = t.light
  ;(style as Record<string, string>)['--ansi-fg-dark'] = t.dark
}

const NAMED = [
  'ansi-black',
  'ansi-red',
  'ansi-green',
  'ansi-yellow',
  'ansi-blue',
  'ansi-magenta',
  'ansi-cyan',
  'ansi-white',
  'ansi-bright-black',
  'ansi-bright-red',
  'ansi-bright-green',
  'ansi-bright-yellow',
  'ansi-bright-blue',
  'ansi-bright-magenta',
  'ansi-bright-cyan',
  'ansi-bright-white',
] as const

/** Colours 16 to 255 of the xterm palette: a 6×6×6 cube, then 24 greys. */
export function xterm256(n: number): [number, number, number] {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10
    return [v, v, v]
  }
  const i = n - 16
  const level = (x: number) => (x === 0 ? 0 : 55 + x * 40)
  return [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)]
}
