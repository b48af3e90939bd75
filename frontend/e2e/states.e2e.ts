// End to end: what the dashboard says when it does not know (the engine
// stopped when Dockpulse started, the engine gone under running containers,
// a first visit without access), a pause as it happens, and accessibility
// (axe-core, light and dark). Needs a private engine it may stop: the
// harness's own, or $DOCKER_HOST with $DOCKPULSE_TEST_ENGINE_DIR.

import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ENGINE,
  connectionStatus,
  crashEngine,
  createContainer,
  dockpulseBinary,
  launchBrowser,
  newPage,
  removeBuiltBinary,
  removeLabelled,
  restartEngine,
  row,
  startEngine,
  startServe,
  stopEngine,
  until,
  type Engine,
  type Serve,
} from './harness'

let engine: Engine
let bin: string
let serve: Serve
let browser: Browser
let page: Page

const shots = process.env.DOCKPULSE_E2E_SHOTS ?? join(tmpdir(), 'dockpulse-e2e-shots')
const engineStatus = () => page.locator('.engines .indicator').first().getAttribute('data-status', { timeout: 500 }).catch(() => null)
const summary = () => page.getByLabel('System summary').innerText()
const chartName = (title: string) => page.locator(`.chart-plot[aria-label^="${title}"]`).getAttribute('aria-label')

beforeAll(async () => {
  engine = await startEngine()
  if (!engine.dir) throw new Error('these tests stop the engine: set DOCKPULSE_TEST_ENGINE_DIR to a private engine')
  bin = await dockpulseBinary()
  await removeLabelled(engine)
  mkdirSync(shots, { recursive: true })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (engine) {
    if (!engineUp()) await restartEngine(engine).catch((e) => console.error('restart:', e))
    await removeLabelled(engine).catch((e) => console.error('cleanup:', e))
    await stopEngine(engine)
  }
  removeBuiltBinary()
})

function engineUp(): boolean {
  try {
    const pid = Number(readFileSync(join(engine.dir!, 'docker.pid'), 'utf8').trim())
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('unknown is shown as unknown', () => {
  it('says the engine was never reached when it is stopped at start, and shows no invented figures', async () => {
    const before = await createContainer(engine, 'e2e-before-start')
    await crashEngine(engine)
    serve = await startServe(bin, engine)
    page = await newPage(browser)
    await page.goto(serve.url)
    await until('connected', () => connectionStatus(page), (s) => s === 'connected', 15_000)
    await page.getByText('No containers shown: Dockpulse has not reached the engine yet (see above).').waitFor({ timeout: 10_000 })
    await page.getByRole('alert').filter({ hasText: 'Dockpulse has not reached the Docker engine yet' }).waitFor({ timeout: 5000 })
    const text = await summary()
    console.log(`e2e: header with the engine never reached: ${text.replace(/\s+/g, ' ')}`)
    expect(text).not.toMatch(/0\.0\s*%|\b0 B\b|of 1 CPU/)
    expect(text).toMatch(/not reached yet/)
    expect(await page.getByText(/No containers on this engine yet/).count()).toBe(0)
    await page.screenshot({ path: join(shots, 'engine-never-reached.png') })

    await restartEngine(engine)
    await until('engine up', engineStatus, (s) => s === 'up', 30_000)
    await row(page, before).waitFor({ timeout: 10_000 })
    expect(await summary()).toMatch(/API 1\.\d+/)
  })

  it('keeps running containers as last known, not stopped, while the engine is down', async () => {
    const id = await createContainer(engine, 'e2e-engine-goes')
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 5000 })
    await row(page, id).click()
    await until('a live CPU figure', () => chartName('CPU'), (n) => /: \d+\.\d%$/.test(n ?? ''), 10_000)

    await crashEngine(engine)
    await until('engine down', engineStatus, (s) => s === 'down', 10_000)
    for (const title of ['CPU', 'Memory', 'Network', 'Block I/O']) {
      await until(`${title} chart says not live`, () => chartName(title), (n) => (n ?? '').endsWith(': not live: engine down'), 5000)
    }
    const text = await summary()
    console.log(`e2e: header with the engine down: ${text.replace(/\s+/g, ' ')}`)
    expect(text).toMatch(/running.*last known/s)
    expect(text).not.toMatch(/0\.0\s*%/)
    await page.screenshot({ path: join(shots, 'engine-down.png') })

    await restartEngine(engine)
    await until('engine up', engineStatus, (s) => s === 'up', 30_000)
  })

  it('says a first visit without a code has no access, without claiming a last known state', async () => {
    const fresh = await newPage(browser)
    await fresh.goto(serve.origin + '/')
    const notice = fresh.getByRole('status', { name: 'Connection notice' })
    // The live socket fails first ("no live connection yet"), then the poll is refused.
    const text = await until(
      'the missing code is refused',
      () => notice.textContent({ timeout: 500 }).catch(() => ''),
      (t) => (t ?? '').includes('This page has no access'),
      10_000,
    ) ?? ''
    console.log(`e2e: first visit without a code: ${text}`)
    expect(text).toContain('This page has no access to Dockpulse yet')
    expect(text).toContain('dockpulse serve')
    expect(text).not.toMatch(/restarted|last known/)

    await fresh.goto(serve.origin + '/?token=not-the-token')
    await until(
      'the wrong token is refused',
      () => notice.textContent({ timeout: 500 }).catch(() => ''),
      (t) => (t ?? '').includes('does not know the token this page has'),
      10_000,
    )
    expect(await notice.textContent()).not.toMatch(/restarted|last known/)
    await fresh.close()
  })
})

describe('pause', () => {
  it('turns the badge paused at once, and keeps the memory figure, counted in the header', async () => {
    const id = await createContainer(engine, 'e2e-pause', { cmd: ['sh', '-c', 'yes > /dev/null'] })
    const r = row(page, id)
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 5000 })
    await until('its memory figure', () => r.locator('.cell.num').nth(1).textContent(), (t) => /\d (KiB|MiB)/.test(t ?? ''), 10_000)
    // Every text the state cell shows from the click on, in order.
    await r.locator('.cell-state').evaluate((cell) => {
      const w = window as unknown as { __badges: string[] }
      w.__badges = []
      new MutationObserver(() => {
        const t = cell.textContent ?? ''
        if (t !== w.__badges.at(-1)) w.__badges.push(t)
      }).observe(cell, { subtree: true, childList: true, characterData: true })
    })
    await r.hover()
    await page.getByRole('button', { name: 'Pause e2e-pause' }).click()
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="paused"]`).waitFor({ timeout: 5000 })
    await page.waitForTimeout(300)
    const badges = await page.evaluate(() => (window as unknown as { __badges: string[] }).__badges)
    console.log(`e2e: the state cell after Pause: ${JSON.stringify(badges)}`)
    expect(badges.at(-1)).toBe('Paused')
    // From "Pausing…" on, never a plain Running again.
    expect(badges.filter((b) => b === 'Running')).toEqual([])

    await r.click()
    await until('the CPU chart says paused', () => chartName('CPU'), (n) => (n ?? '').endsWith(': paused'), 5000)
    await until('the memory chart keeps the figure', () => chartName('Memory'), (n) => /: \d+(\.\d+)? (KiB|MiB)( \/ [\d.]+ [KMG]iB)?, paused$/.test(n ?? ''), 5000)
    const memory = (await r.locator('.cell.num').nth(1).textContent()) ?? ''
    expect(memory).toMatch(/\d (KiB|MiB)/)
    expect(await summary()).toMatch(/memory\s+\d+(\.\d+)? (KiB|MiB)/i)
    await page.screenshot({ path: join(shots, 'paused.png') })
    await page.getByRole('button', { name: 'Resume e2e-pause' }).first().click()
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 5000 })
  })
})

// axe-core, run in the page: it checks what a browser renders (contrast,
// roles, names), which jsdom cannot.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[]; failureSummary?: string }[]
}

async function axe(p: Page): Promise<AxeViolation[]> {
  // Evaluated through the debugging protocol: the page's CSP (script-src
  // 'self') rightly refuses an inline script tag.
  await p.evaluate(axeSource)
  const result = await p.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }
    return w.axe.run(document, { resultTypes: ['violations'] })
  })
  return result.violations
}

function serious(violations: AxeViolation[]): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n  ')}`)
}

describe('accessibility', () => {
  it('has no serious or critical axe violations: dashboard, detail panel, dialog; light and dark', async () => {
    await createContainer(engine, 'e2e-a11y-stopped', { start: false })
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.keyboard.press('Escape')
      await page.mouse.move(5, 5)
      await page.waitForTimeout(300)
      const found: string[] = []
      found.push(...serious(await axe(page)).map((v) => `dashboard, ${scheme}: ${v}`))
      const first = page.locator('.grid-canvas [role="row"][data-key]').first()
      await first.click()
      await page.getByRole('region', { name: /^Details of / }).waitFor({ timeout: 3000 })
      await page.waitForTimeout(1500)
      found.push(...serious(await axe(page)).map((v) => `detail panel, ${scheme}: ${v}`))
      await page.screenshot({ path: join(shots, `a11y-detail-${scheme}.png`) })
      await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
      await page.getByRole('dialog').waitFor({ timeout: 3000 })
      found.push(...serious(await axe(page)).map((v) => `dialog, ${scheme}: ${v}`))
      await page.screenshot({ path: join(shots, `a11y-dialog-${scheme}.png`) })
      await page.keyboard.press('Escape')
      expect(found).toEqual([])
    }
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('writes no text smaller than 11 px', async () => {
    const small = await page.evaluate(() => {
      const out: string[] = []
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement
        if (!el || !(n.textContent ?? '').trim()) continue
        const size = parseFloat(getComputedStyle(el).fontSize)
        const box = el.getBoundingClientRect()
        if (size < 11 && box.width > 0 && box.height > 0) out.push(`${el.tagName.toLowerCase()}.${el.className} "${n.textContent!.trim().slice(0, 20)}" ${size}px`)
      }
      return [...new Set(out)]
    })
    expect(small).toEqual([])
  })

  it('makes the state filter one radio group: one Tab stop, arrows move the choice', async () => {
    const group = page.getByRole('radiogroup', { name: 'Filter by state' })
    const radios = group.getByRole('radio')
    const tabbable = await radios.evaluateAll((rs) => rs.filter((r) => (r as HTMLElement).tabIndex >= 0).length)
    expect(tabbable).toBe(1)
    await group.getByRole('radio', { checked: true }).focus()
    const before = await group.getByRole('radio', { checked: true }).textContent()
    await page.keyboard.press('ArrowRight')
    const after = group.getByRole('radio', { checked: true })
    expect(await after.textContent()).not.toBe(before)
    expect(await after.evaluate((el) => el === document.activeElement)).toBe(true)
    // Its focus ring is drawn inside the button, so the group's rounded box does not clip it.
    const ring = await after.evaluate((el) => {
      const s = getComputedStyle(el)
      return { style: s.outlineStyle, offset: parseFloat(s.outlineOffset), width: parseFloat(s.outlineWidth) }
    })
    expect(ring.style).toBe('solid')
    expect(ring.offset + ring.width).toBeLessThanOrEqual(0)
    await page.screenshot({ path: join(shots, 'filter-focus.png'), clip: { x: 0, y: 40, width: 1280, height: 80 } })
    await page.keyboard.press('Home')
  })

  it('shows enabled row actions at 3:1 contrast or more, and disabled ones marked and fainter', async () => {
    const id = await createContainer(engine, 'e2e-a11y-running')
    await page.locator(`[data-key="${ENGINE}/${id}"][data-state="running"]`).waitFor({ timeout: 5000 })
    const rows = page.locator('.grid-canvas [role="row"]:is([data-state="running"], [data-state="created"]):not([data-pending])')
    await page.mouse.move(5, 5)
    const looks = await rows.locator('.actions-compact .action').evaluateAll((buttons) =>
      buttons.map((b) => {
        const s = getComputedStyle(b)
        // The icon's colour against the first opaque background behind it.
        let bg = 'rgb(255, 255, 255)'
        for (let el: Element | null = b; el; el = el.parentElement) {
          const c = getComputedStyle(el).backgroundColor
          if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') {
            bg = c
            break
          }
        }
        const lum = (rgb: string) => {
          const [r, g, b2] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => {
            const c = v / 255
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
          }) as [number, number, number]
          return 0.2126 * r + 0.7152 * g + 0.0722 * b2
        }
        const [hi, lo] = [lum(s.color), lum(bg)].sort((x, y) => y - x) as [number, number]
        return {
          disabled: (b as HTMLButtonElement).disabled,
          opacity: Number(s.opacity),
          contrast: Math.round(((hi + 0.05) / (lo + 0.05)) * 10) / 10,
          label: b.getAttribute('aria-label'),
        }
      }),
    )
    console.log(`e2e: row actions: ${JSON.stringify(looks)}`)
    const enabled = looks.filter((l) => !l.disabled)
    const disabled = looks.filter((l) => l.disabled)
    expect(enabled.length).toBeGreaterThan(0)
    expect(disabled.length).toBeGreaterThan(0)
    for (const l of enabled) {
      expect(l.opacity).toBe(1)
      expect(l.contrast).toBeGreaterThanOrEqual(3)
    }
    for (const l of disabled) expect(l.opacity).toBeLessThan(0.5)
  })
})
