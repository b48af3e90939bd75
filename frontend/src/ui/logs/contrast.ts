// Colours a program chose (256-colour and true-colour escapes) readable on
// both themes: a colour too close to the page's background is moved toward
// the text colour until it reads (WCAG's 4.5:1), keeping its hue.

type RGB = readonly [number, number, number]

const THEMES = {
  light: { background: [255, 255, 255], text: [27, 31, 36] },
  dark: { background: [22, 27, 34], text: [230, 237, 243] },
} as const satisfies Record<string, { background: RGB; text: RGB }>

const MIN_RATIO = 4.5

function luminance([r, g, b]: RGB): number {
  const lin = (v: number) => {
    const c = v / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

export function contrast(a: RGB, b: RGB): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number]
  return (x + 0.05) / (y + 0.05)
}

/** The colour, or the nearest mix of it with the theme's text colour that reads on its background. */
export function readable(colour: RGB, theme: keyof typeof THEMES): RGB {
  const { background, text } = THEMES[theme]
  for (let t = 0; t <= 1; t += 0.05) {
    const mixed = colour.map((c, i) => Math.round(c + (text[i]! - c) * t)) as unknown as RGB
    if (contrast(mixed, background) >= MIN_RATIO) return mixed
  }
  return text
}

const cache = new Map<string, { light: string; dark: string }>()

/** For an "r, g, b" colour: the value to use on each theme, as CSS. */
export function themed(rgb: RGB): { light: string; dark: string } {
  const key = rgb.join(',')
  let v = cache.get(key)
  if (!v) {
    const css = (c: RGB) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`
    v = { light: css(readable(rgb, 'light')), dark: css(readable(rgb, 'dark')) }
    cache.set(key, v)
  }
  return v
}
