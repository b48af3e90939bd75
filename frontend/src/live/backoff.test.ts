import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff'

describe('backoffDelay', () => {
  it('doubles from 250 ms and caps at 5 s without jitter', () => {
    const noJitter = () => 0
    const delays = [1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n, {}, noJitter))
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000])
  })

  it('jitter only shortens the delay, by at most half', () => {
    expect(backoffDelay(3, {}, () => 1)).toBe(500)
    expect(backoffDelay(3, {}, () => 0.5)).toBe(750)
    expect(backoffDelay(30, {}, () => 0.999999)).toBe(2500)
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(1 + (i % 12), {}, Math.random)
      const exp = Math.min(5000, 250 * 2 ** (i % 12))
      expect(d).toBeGreaterThanOrEqual(exp / 2)
      expect(d).toBeLessThanOrEqual(exp)
      expect(d).toBeLessThanOrEqual(5000)
    }
  })

  it('honours custom options and clamps a bad random()', () => {
    expect(backoffDelay(4, { baseMs: 100, maxMs: 600, jitter: 0 }, () => 0.7)).toBe(600)
    expect(backoffDelay(1, { jitter: 0.5 }, () => 7)).toBe(125)
  })
})
