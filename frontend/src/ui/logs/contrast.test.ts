import { expect, test } from 'vitest'
import { contrast, readable } from './contrast'

const WHITE = [255, 255, 255] as const
const DARK = [22, 27, 34] as const

test.each([
  [[255, 135, 0]],
  [[255, 255, 0]],
  [[0, 0, 0]],
  [[120, 200, 255]],
  [[30, 30, 30]],
] as const)('%j reads on both themes, and is kept when it already does', (rgb) => {
  const light = readable(rgb, 'light')
  const dark = readable(rgb, 'dark')
  expect(contrast(light, WHITE)).toBeGreaterThanOrEqual(4.5)
  expect(contrast(dark, DARK)).toBeGreaterThanOrEqual(4.5)
  if (contrast(rgb, WHITE) >= 4.5) expect(light).toEqual(rgb)
  if (contrast(rgb, DARK) >= 4.5) expect(dark).toEqual(rgb)
})

test('contrast is the WCAG ratio', () => {
  expect(contrast([0, 0, 0], WHITE)).toBeCloseTo(21, 5)
  expect(contrast(WHITE, WHITE)).toBe(1)
})
