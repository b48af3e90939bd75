// WebKitGTK reports the POSIX locale as navigator.language ("C") when the
// desktop app starts with LANG unset or set to C, as services and minimal
// sessions often do. Intl rejects that tag, and uPlot formats numbers with
// `new Intl.NumberFormat(navigator.language)` when its module loads, so the
// whole UI failed to start. Import this module first: it replaces an
// unusable language with the engine's own default locale.

/** Whether Intl accepts a language tag. */
export function usableLocale(tag: string | undefined): boolean {
  if (!tag) return false
  try {
    new Intl.NumberFormat(tag)
    return true
  } catch {
    return false
  }
}

/** Makes nav.language (and nav.languages) usable by Intl; returns the fix, if any. */
export function guardLocale(nav: Navigator | undefined = globalThis.navigator): string | undefined {
  if (!nav || usableLocale(nav.language)) return undefined
  const fallback = new Intl.NumberFormat().resolvedOptions().locale || 'en-US'
  const languages = (nav.languages ?? []).filter(usableLocale)
  Object.defineProperty(nav, 'language', { configurable: true, get: () => fallback })
  Object.defineProperty(nav, 'languages', {
    configurable: true,
    get: () => (languages.length > 0 ? languages : [fallback]),
  })
  return fallback
}

guardLocale()
