import { describe, expect, it } from 'vitest'
import { guardLocale, usableLocale } from './localeGuard'

function fakeNavigator(language: string, languages: string[]): Navigator {
  return { language, languages } as unknown as Navigator
}

describe('guardLocale', () => {
  it('rejects the POSIX locale that WebKitGTK reports without LANG', () => {
    expect(usableLocale('C')).toBe(false)
    expect(usableLocale('en-GB')).toBe(true)
  })

  it('replaces an unusable navigator.language so Intl (and uPlot) can start', () => {
    const nav = fakeNavigator('C', ['C'])
    const fixed = guardLocale(nav)
    expect(fixed).toBeTruthy()
    expect(nav.language).toBe(fixed)
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow()
    expect(nav.languages).toEqual([fixed])
  })

  it('leaves a usable language alone', () => {
    const nav = fakeNavigator('de-DE', ['de-DE', 'en'])
    expect(guardLocale(nav)).toBeUndefined()
    expect(nav.language).toBe('de-DE')
  })
})
