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

test('256 colours: the 16 named ones by class, the rest as values; true colour as a value', () => {
  expect(parse('\x1b[38;5;9ma\x1b[48;5;21mb\x1b[0m\x1b[38;2;1;2;3mc').runs).toEqual([
    { text: 'a', start: 0, className: 'ansi-bright-red-fg' },
    { text: 'b', start: 1, className: 'ansi-bright-red-fg', style: { backgroundColor: 'rgb(0, 0, 255)' } },
    { text: 'c', start: 2, style: { color: 'rgb(1, 2, 3)' } },
  ])
  expect(xterm256(16)).toBe('rgb(0, 0, 0)')
  expect(xterm256(196)).toBe('rgb(255, 0, 0)')
  expect(xterm256(232)).toBe('rgb(8, 8, 8)')
  expect(xterm256(255)).toBe('rgb(238, 238, 238)')
})

test('other escapes and control characters go; tabs stay', () => {
  expect(parse('\x1b[2K\x1b[1Aa\tb\x07\x1b]0;title\x07c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\').plain).toBe('a\tbclink')
})
