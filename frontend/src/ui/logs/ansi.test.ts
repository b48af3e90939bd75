import { expect, test } from 'vitest'
import { parse, xterm256 } from './ansi'

test('a line without escapes is one run', () => {
  expect(parse('plain <b>text</b>')).toEqual({ plain: 'plain <b>text</b>', runs: [{ text: 'plain <b>text</b>', start: 0 }] })
})

test('SGR runs, with their offsets in the plain text', () => {
  expect(parse('\x1b[1;31mERR\x1b[0m ok \x1b[42;4mbg\x1b[0m')).toEqual({
    plain: 'ERR ok bg',
    runs: [
      { text: 'ERR', start: 0, className: 'ansi-red-fg ansi-bold' },
      { text: ' ok ', start: 3 },
      { text: 'bg', start: 7, className: 'ansi-green-bg ansi-underline' },
    ],
  })
})

test('256 colours: the 16 named ones by class, the rest as values; true colour as a value, readable on each theme', () => {
  const runs = parse('\x1b[38;5;9ma\x1b[48;5;21mb\x1b[0m\x1b[38;2;1;2;3mc\x1b[38;5;226md').runs
  expect(runs.slice(0, 2)).toEqual([
    { text: 'a', start: 0, className: 'ansi-bright-red-fg' },
    { text: 'b', start: 1, className: 'ansi-bright-red-fg', style: { backgroundColor: 'rgb(0, 0, 255)' } },
  ])
  const style = (i: number) => runs[i]!.style as Record<string, string>
  expect(runs[2]).toMatchObject({ text: 'c', start: 2, className: 'ansi-rgb-fg' })
  // Near black: as given on the light theme, lightened toward the text on the dark one.
  expect(style(2)['--ansi-fg-light']).toBe('rgb(1, 2, 3)')
  expect(style(2)['--ansi-fg-dark']).not.toBe('rgb(1, 2, 3)')
  // Yellow: darkened on the light theme, as given on the dark one.
  expect(runs[3]).toMatchObject({ text: 'd', start: 3, className: 'ansi-rgb-fg' })
  expect(style(3)['--ansi-fg-light']).not.toBe('rgb(255, 255, 0)')
  expect(style(3)['--ansi-fg-dark']).toBe('rgb(255, 255, 0)')
  expect(xterm256(16)).toEqual([0, 0, 0])
  expect(xterm256(196)).toEqual([255, 0, 0])
  expect(xterm256(232)).toEqual([8, 8, 8])
  expect(xterm256(255)).toEqual([238, 238, 238])
})

test('other escapes and control characters go; tabs stay', () => {
  expect(parse('\x1b[2K\x1b[1Aa\tb\x07\x1b]0;title\x07c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\').plain).toBe('a\tbclink')
})
