import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { ROW } from './LogList'
import { LogView } from './LogView'
import { SETTINGS_KEY } from './settings'
import { makeLines, viewProps } from './testLines'
import { REGEX_SETTLE_MS } from './regexSearch'
import { inPageWorker, stuckWorker } from './testWorker'
import { RegexWorkerContext } from './useLogSearch'

const props = viewProps

const log = () => screen.getByRole('log', { name: /^Logs/ })
const rows = () => within(log()).queryAllByRole('listitem')
const rowTexts = () => rows().map((r) => r.textContent)
/** jsdom scrolls without a scroll event; a browser sends one. */
function scrolled(top?: number, { byPerson = false } = {}) {
  const el = log()
  act(() => {
    if (byPerson) fireEvent.wheel(el)
    if (top !== undefined) el.scrollTop = top
    fireEvent.scroll(el)
  })
}

function blobText(b: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(r.result as string)
    r.onerror = () => reject(r.error ?? new Error('unreadable'))
    r.readAsText(b)
  })
}

beforeEach(() => localStorage.clear())
const cleanupAll = cleanup

describe('LogView: the list', () => {
  test('is a named log region that renders only a window of 100,000 lines', () => {
    render(<LogView {...props({ lines: makeLines(100_000) })} />)
    scrolled()
    const r = rows()
    expect(r.length).toBeGreaterThan(10)
    expect(r.length).toBeLessThan(100)
    // Following: the window is at the newest line.
    expect(r.at(-1)).toHaveTextContent('line 99999')
    expect(r.at(-1)).toHaveAttribute('aria-posinset', '100000')
    expect(r.at(-1)).toHaveAttribute('aria-setsize', '100000')
    expect(screen.getByText('100,000 lines')).toBeInTheDocument()
  })

  test('says there are no lines yet', () => {
    render(<LogView {...props()} />)
    expect(within(log()).getByText('No lines yet.')).toBeInTheDocument()
  })
})

describe('LogView: follow', () => {
  test('scrolls to the newest line in the next frame, and leaves the view where the person took it before that frame', async () => {
    const nextFrame = () => act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())))
    const first = makeLines(1000)
    const { rerender } = render(<LogView {...props({ lines: first })} />)
    await nextFrame()
    expect(log().scrollTop).toBeGreaterThanOrEqual(1000 * ROW)

    // New lines come; the person scrolls up before the frame that would follow them.
    rerender(<LogView {...props({ lines: first.concat(makeLines(10, 1000)) })} />)
    scrolled(4000, { byPerson: true })
    await nextFrame()
    expect(log().scrollTop).toBe(4000)
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused')
  })

  test('sticks to the newest line, pauses when scrolled up and counts what came, resumes with End and with Follow', async () => {
    const user = userEvent.setup()
    const first = makeLines(1000)
    const { rerender } = render(<LogView {...props({ lines: first })} />)
    scrolled()
    expect(rowTexts().at(-1)).toContain('line 999')
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Following the newest line')

    const more = first.concat(makeLines(10, 1000))
    rerender(<LogView {...props({ lines: more })} />)
    scrolled()
    expect(rowTexts().at(-1)).toContain('line 1009')

    // The person scrolls up: following stops and says so.
    scrolled(4000, { byPerson: true })
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused: 0 new lines')
    const top = log().scrollTop
    const evenMore = more.concat(makeLines(5, 1010))
    rerender(<LogView {...props({ lines: evenMore })} />)
    scrolled()
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused: 5 new lines')
    expect(log().scrollTop).toBe(top)
    expect(rowTexts().some((t) => t?.includes('line 1014'))).toBe(false)

    // End resumes, from the lines' start.
    act(() => {
      log().scrollLeft = 300
      log().focus()
    })
    await user.keyboard('{End}')
    expect(log().scrollLeft).toBe(0)
    scrolled()
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Following the newest line')
    expect(rowTexts().at(-1)).toContain('line 1014')

    // So does the Follow button.
    scrolled(100, { byPerson: true })
    await user.click(screen.getByRole('button', { name: 'Follow' }))
    scrolled()
    expect(rowTexts().at(-1)).toContain('line 1014')
    expect(screen.queryByRole('button', { name: 'Follow' })).not.toBeInTheDocument()
  })

  test('tells the logs client when it pauses and when it follows again', async () => {
    const user = userEvent.setup()
    const onPaused = vi.fn()
    render(<LogView {...props({ lines: makeLines(1000), onPaused })} />)
    scrolled()
    expect(onPaused).toHaveBeenLastCalledWith(false)
    scrolled(4000, { byPerson: true })
    expect(onPaused).toHaveBeenLastCalledWith(true)
    await user.click(screen.getByRole('button', { name: 'Follow' }))
    expect(onPaused).toHaveBeenLastCalledWith(false)
  })

  test('the keys that scroll the lines stay with them, away from the page shortcuts', async () => {
    const user = userEvent.setup()
    const seen: string[] = []
    const onKey = (e: KeyboardEvent) => seen.push(e.key)
    window.addEventListener('keydown', onKey)
    try {
      render(<LogView {...props({ lines: makeLines(100) })} />)
      act(() => log().focus())
      await user.keyboard('{ArrowDown}{ArrowUp}{PageDown}{PageUp}{Home}{End} x')
      expect(seen).toEqual(['x'])
    } finally {
      window.removeEventListener('keydown', onKey)
    }
  })

  test('earlier lines loaded before the top keep the rows being read in place', async () => {
    const user = userEvent.setup()
    const onLoadEarlier = vi.fn()
    const all = makeLines(1500)
    const { rerender } = render(<LogView {...props({ lines: all.slice(500), canLoadEarlier: true, onLoadEarlier })} />)
    scrolled()
    // Home: to the first line, where "load earlier" is.
    act(() => log().focus())
    await user.keyboard('{Home}')
    scrolled()
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused')
    expect(rowTexts()[0]).toContain('line 500')
    await user.click(within(log()).getByRole('button', { name: 'Load earlier lines' }))
    expect(onLoadEarlier).toHaveBeenCalledTimes(1)
    rerender(<LogView {...props({ lines: all, canLoadEarlier: false, onLoadEarlier })} />)
    scrolled()
    // Line 500 stays where it was in the view: 36 px down, below the (now gone) load-earlier bar.
    const row500 = rows().find((r) => r.textContent?.endsWith('line 500'))!
    expect(Number(/translateY\((\d+)px\)/.exec(row500.style.transform)![1]) - log().scrollTop).toBe(36)
    // Nothing new came at the end.
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused: 0 new lines')
  })

  test('scrolling back down to the end follows again', () => {
    render(<LogView {...props({ lines: makeLines(1000) })} />)
    scrolled()
    scrolled(1000, { byPerson: true })
    expect(screen.getByRole('button', { name: 'Follow' })).toBeInTheDocument()
    scrolled(1000 * 20 - 400, { byPerson: true })
    expect(screen.queryByRole('button', { name: 'Follow' })).not.toBeInTheDocument()
  })

  test('keeps the row being read in place when the buffer drops its oldest lines', () => {
    const all = makeLines(1200)
    const { rerender } = render(<LogView {...props({ lines: all.slice(0, 1000) })} />)
    scrolled()
    scrolled(5000, { byPerson: true })
    expect(rowTexts()).toContainEqual(expect.stringContaining('line 250'))
    // 200 new lines, the 200 oldest dropped.
    rerender(<LogView {...props({ lines: all.slice(200, 1200) })} />)
    scrolled()
    expect(log().scrollTop).toBe(5000 - 200 * 20)
    expect(rowTexts()).toContainEqual(expect.stringContaining('line 250'))
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused: 200 new lines')
  })
})

describe('LogView: search', () => {
  const lines = () => [
    ...makeLines(50),
    ...makeLines(1, 50, { text: 'ERROR: disk full' }),
    ...makeLines(40, 51),
    ...makeLines(1, 91, { text: 'error again, Error thrice' }),
    ...makeLines(8, 92),
  ]

  test('plain: highlights every match, counts them, Enter and Shift+Enter go through them and pause following', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: lines() })} />)
    scrolled()
    await user.type(screen.getByRole('searchbox', { name: 'Search the logs' }), 'error')
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('3 matches')
    // The last line with matches is in view: every match in it is marked.
    expect(within(log()).getAllByRole('mark').map((m) => m.textContent)).toEqual(['error', 'Error'])
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Following')

    await user.keyboard('{Enter}')
    scrolled()
    // From the rows in view on: the first match at or after them, wrapping round.
    const status = screen.getByRole('status', { name: 'Search matches' })
    expect(status).toHaveTextContent(/^[1-3] of 3$/)
    const first = Number(status.textContent.split(' ')[0])
    await user.keyboard('{Enter}')
    scrolled()
    expect(status).toHaveTextContent(`${(first % 3) + 1} of 3`)
    await user.keyboard('{Shift>}{Enter}{/Shift}')
    await user.keyboard('{Shift>}{Enter}{/Shift}')
    scrolled()
    expect(status).toHaveTextContent(`${((first + 1) % 3) + 1} of 3`)
    expect(screen.getByRole('status', { name: 'Follow' })).toHaveTextContent('Paused')
  })

  test('a jump scrolls the match into view and marks it as the current one', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: lines() })} />)
    scrolled()
    await user.type(screen.getByRole('searchbox', { name: 'Search the logs' }), 'disk')
    await user.click(screen.getByRole('button', { name: 'Next match' }))
    scrolled()
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('1 of 1')
    const mark = within(log()).getByRole('mark')
    expect(mark).toHaveTextContent('disk')
    expect(mark).toHaveAttribute('data-active')
    expect(mark.closest('[role=listitem]')).toHaveTextContent('ERROR: disk full')
  })

  test('match case', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: lines() })} />)
    await user.click(screen.getByRole('button', { name: 'Match case' }))
    await user.type(screen.getByRole('searchbox', { name: 'Search the logs' }), 'Error')
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('1 match')
  })

  test('regular expression, and an invalid one said inline without a throw', async () => {
    const user = userEvent.setup()
    render(
      <RegexWorkerContext.Provider value={inPageWorker}>
        <LogView {...props({ lines: lines() })} />
      </RegexWorkerContext.Provider>,
    )
    scrolled()
    const box = screen.getByRole('searchbox', { name: 'Search the logs' })
    await user.click(screen.getByRole('button', { name: 'Regular expression' }))
    expect(screen.getByRole('button', { name: 'Regular expression' })).toHaveAttribute('aria-pressed', 'true')
    await user.click(box)
    await user.paste('^line 9[0-9]$')
    // line 90, 92…99 (91 is the error line), once the worker has answered.
    await waitFor(() => expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('9 matches'))
    expect(within(log()).getAllByRole('mark').map((m) => m.textContent)).toContain('line 99')
    await user.clear(box)
    await user.type(box, 'line (')
    expect(screen.getByRole('alert')).toHaveTextContent(/^Not a valid regular expression: .+/)
    expect(box).toHaveAttribute('aria-invalid', 'true')
    expect(box).toHaveAccessibleDescription(/Not a valid regular expression/)
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('')
    expect(within(log()).queryAllByRole('mark')).toEqual([])
    // The same text as plain search is fine.
    await user.click(screen.getByRole('button', { name: 'Regular expression' }))
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('No matches')
  })

  test('an expression too slow for the time limit is stopped and said in the search box', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    const workers: ReturnType<typeof stuckWorker>[] = []
    const make = () => {
      const w = stuckWorker()
      workers.push(w)
      return w
    }
    render(
      <RegexWorkerContext.Provider value={make}>
        <LogView {...props({ lines: makeLines(50, 0, { text: 'a'.repeat(40) + '!' }) })} />
      </RegexWorkerContext.Provider>,
    )
    await user.click(screen.getByRole('button', { name: 'Regular expression' }))
    await user.click(screen.getByRole('searchbox', { name: 'Search the logs' }))
    await user.paste('(a+)+$')
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('Searching…')
    await user.keyboard('{Enter}') // nothing to step to yet, and nothing searched on the page
    act(() => void vi.advanceTimersByTime(REGEX_SETTLE_MS))
    expect(workers).toHaveLength(1)
    act(() => void vi.advanceTimersByTime(2000))
    expect(workers.map((w) => w.terminated)).toEqual([true])
    expect(screen.getByRole('alert')).toHaveTextContent(/^Expression too slow: it ran over 2 s on 50 lines and was stopped\./)
    expect(screen.getByRole('searchbox', { name: 'Search the logs' })).toHaveAccessibleDescription(/Expression too slow/)
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('')
    // Another expression searches afresh.
    await user.paste('x')
    act(() => void vi.advanceTimersByTime(REGEX_SETTLE_MS))
    expect(workers).toHaveLength(2)
    expect(workers[1]!.jobs[0]!.source).toBe('(a+)+$x')
    vi.useRealTimers()
  })

  test('matches text, not the ANSI escapes around it', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: makeLines(1, 0, { text: '\x1b[31mre\x1b[1md\x1b[0m 31m' }) })} />)
    await user.type(screen.getByRole('searchbox', { name: 'Search the logs' }), 'red')
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('1 match')
    // The match spans two styled runs: one mark in each.
    expect(within(log()).getAllByRole('mark').map((m) => m.textContent)).toEqual(['re', 'd'])
    await user.clear(screen.getByRole('searchbox', { name: 'Search the logs' }))
    await user.paste('[31m')
    expect(screen.getByRole('status', { name: 'Search matches' })).toHaveTextContent('No matches')
  })
})

describe('LogView: what is shown', () => {
  const mixed = () => [
    ...makeLines(3, 0),
    ...makeLines(2, 3, { stream: 'stderr' }),
    ...makeLines(1, 5),
  ]

  test('the stream filter', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: mixed() })} />)
    const group = screen.getByRole('radiogroup', { name: 'Stream' })
    expect(within(group).getByRole('radio', { name: 'All' })).toHaveAttribute('aria-checked', 'true')
    expect(rows()).toHaveLength(6)
    await user.click(within(group).getByRole('radio', { name: 'stderr' }))
    expect(rowTexts()).toEqual([expect.stringContaining('line 3'), expect.stringContaining('line 4')])
    expect(rows()[0]).toHaveTextContent('err')
    expect(screen.getByText('2 of 6 lines')).toBeInTheDocument()
    await user.click(within(group).getByRole('radio', { name: 'stdout' }))
    expect(rows()).toHaveLength(4)
    expect(within(log()).queryByTitle('Written to stderr')).not.toBeInTheDocument()
  })

  test('timestamps on and off; the full time in a title', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: makeLines(1, 123456789) })} />)
    const time = within(log()).getByText((_, el) => el?.tagName === 'TIME')
    expect(time).toHaveAttribute('datetime', '2026-12-02T06:00:00.123456789Z')
    const local = new Date(Date.UTC(2026, 11, 2, 6, 0, 0, 123))
    const two = (n: number) => String(n).padStart(2, '0')
    expect(time).toHaveTextContent(`${two(local.getHours())}:${two(local.getMinutes())}:00.123`)
    expect(time).toHaveAttribute('title', expect.stringMatching(/^2026-12-0[12] \d\d:\d\d:00\.123456789 local time \(2026-12-02T06:00:00\.123456789Z\)$/))
    await user.click(screen.getByRole('checkbox', { name: 'Timestamps' }))
    expect(log().querySelector('time')).toBeNull()
    expect(rows()[0]).toHaveTextContent(/^line 123456789$/)
  })

  test('wrap on and off', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: makeLines(3) })} />)
    expect(log()).not.toHaveAttribute('data-wrap')
    await user.click(screen.getByRole('checkbox', { name: 'Wrap' }))
    expect(log()).toHaveAttribute('data-wrap')
    expect(rows()).toHaveLength(3)
  })

  test('with wrap on, rows take the height they wrap to', async () => {
    const user = userEvent.setup()
    // jsdom lays nothing out: a wrapped row's height, as a browser would measure it.
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
      return this.classList.contains('log-row') && this.textContent?.includes('long') ? 60 : 20
    })
    const lines = [...makeLines(1, 0), ...makeLines(1, 1, { text: 'long '.repeat(100) }), ...makeLines(1, 2)]
    render(<LogView {...props({ lines })} />)
    const top = () => rows().map((r) => /translateY\((\d+)px\)/.exec(r.style.transform)![1])
    expect(top()).toEqual(['0', '20', '40'])
    await user.click(screen.getByRole('checkbox', { name: 'Wrap' }))
    expect(top()).toEqual(['0', '20', '80'])
    await user.click(screen.getByRole('checkbox', { name: 'Wrap' }))
    expect(top()).toEqual(['0', '20', '40'])
  })

  test('settings persist under one key, and a bad stored value falls back field by field', async () => {
    const user = userEvent.setup()
    const first = render(<LogView {...props({ lines: mixed() })} />)
    await user.click(screen.getByRole('checkbox', { name: 'Wrap' }))
    await user.click(screen.getByRole('checkbox', { name: 'Timestamps' }))
    await user.click(screen.getByRole('radio', { name: 'stderr' }))
    await user.click(screen.getByRole('button', { name: 'Regular expression' }))
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY)!)).toEqual({ timestamps: false, wrap: true, stream: 'stderr', regex: true, matchCase: false })
    first.unmount()
    render(<LogView {...props({ lines: mixed() })} />)
    expect(screen.getByRole('checkbox', { name: 'Wrap' })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: 'Timestamps' })).not.toBeChecked()
    expect(screen.getByRole('radio', { name: 'stderr' })).toHaveAttribute('aria-checked', 'true')
    cleanupAll()
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ timestamps: 'no', wrap: true, stream: 'both', regex: 1 }))
    render(<LogView {...props({ lines: mixed() })} />)
    expect(screen.getByRole('checkbox', { name: 'Wrap' })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: 'Timestamps' })).toBeChecked()
    expect(screen.getByRole('radio', { name: 'All' })).toHaveAttribute('aria-checked', 'true')
    expect(screen.getByRole('button', { name: 'Regular expression' })).toHaveAttribute('aria-pressed', 'false')
    cleanupAll()
    localStorage.setItem(SETTINGS_KEY, '{not json')
    render(<LogView {...props({ lines: mixed() })} />)
    expect(screen.getByRole('checkbox', { name: 'Timestamps' })).toBeChecked()
  })

  test('ANSI colours and styles become classes on spans of text', () => {
    render(<LogView {...props({ lines: makeLines(1, 0, { text: '\x1b[1;31mERROR\x1b[0m plain \x1b[4;32mlink\x1b[0m \x1b[38;5;208mamber\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[0m\x1b[2K' }) })} />)
    expect(within(log()).getByText('ERROR')).toHaveClass('ansi-red-fg', 'ansi-bold')
    expect(within(log()).getByText('link')).toHaveClass('ansi-green-fg', 'ansi-underline')
    // A program's own colours: a value per theme, kept where it reads.
    expect(within(log()).getByText('amber')).toHaveClass('ansi-rgb-fg')
    expect(within(log()).getByText('amber').style.getPropertyValue('--ansi-fg-dark')).toBe('rgb(255, 135, 0)')
    expect(within(log()).getByText('rgb').style.getPropertyValue('--ansi-fg-light')).toBe('rgb(1, 2, 3)')
    expect(rows()[0]).toHaveTextContent(/ERROR plain link amber rgb$/)
    expect(rows()[0]!.textContent).not.toContain('\x1b')
  })

  test('HTML in a line is text, never markup', () => {
    render(<LogView {...props({ lines: makeLines(1, 0, { text: '<img src=x onerror=alert(1)><b>bold?</b>' }) })} />)
    expect(rows()[0]).toHaveTextContent('<img src=x onerror=alert(1)><b>bold?</b>')
    expect(log().querySelector('img, b')).toBeNull()
  })

  test('a cut line says how much was cut; a partial line has a marker', () => {
    render(
      <LogView
        {...props({ lines: [...makeLines(1, 0, { text: 'long', cut: 1234567 }), ...makeLines(1, 1, { text: 'half', partial: true })] })}
      />,
    )
    expect(rows()[0]).toHaveTextContent('long… 1,234,567 bytes cut')
    expect(within(rows()[1]!).getByTitle(/has not finished this line/)).toBeInTheDocument()
    expect(rows()[1]).toHaveTextContent('(line not finished)')
  })
})

describe('LogView: a project', () => {
  const containers = [
    { engine: 'default', id: 'a', name: 'shop-web-1' },
    { engine: 'default', id: 'b', name: 'shop-db-1' },
  ]
  const lines = () => [
    ...makeLines(1, 0, { id: 'a', text: 'from web' }),
    ...makeLines(1, 1, { id: 'b', text: 'from db' }),
    ...makeLines(1, 2, { id: 'a', text: 'web again' }),
  ]

  test('a label and a colour per container, and a container filter', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ containers, lines: lines() })} />)
    expect(screen.getByRole('log', { name: 'Logs of 2 containers' })).toBeInTheDocument()
    const labels = rows().map((r) => within(r).getByTitle(/^container /))
    expect(labels.map((l) => l.textContent)).toEqual(['shop-web-1:', 'shop-db-1:', 'shop-web-1:'])
    const slots = labels.map((l) => l.getAttribute('data-slot'))
    expect(slots[0]).toMatch(/^[0-7]$/)
    expect(slots[1]).toMatch(/^[0-7]$/)
    expect(slots[0]).not.toBe(slots[1])
    expect(slots[2]).toBe(slots[0])

    await user.selectOptions(screen.getByRole('combobox', { name: 'Container' }), 'shop-db-1')
    expect(rowTexts()).toEqual([expect.stringContaining('from db')])
    await user.selectOptions(screen.getByRole('combobox', { name: 'Container' }), 'All containers')
    expect(rows()).toHaveLength(3)
  })

  test('colours stay with their container when the project changes', () => {
    const { rerender } = render(<LogView {...props({ containers, lines: lines() })} />)
    const slotOf = (name: string) => within(log()).getAllByTitle(`container ${name}`)[0]!.getAttribute('data-slot')
    const web = slotOf('shop-web-1')
    rerender(<LogView {...props({ containers: [...containers].reverse(), lines: lines() })} />)
    expect(slotOf('shop-web-1')).toBe(web)
  })

  test('one container: no labels, no container filter', () => {
    render(<LogView {...props({ lines: lines().slice(0, 1) })} />)
    expect(within(log()).queryByTitle(/^container /)).not.toBeInTheDocument()
    expect(screen.queryByRole('combobox', { name: 'Container' })).not.toBeInTheDocument()
  })
})

describe('LogView: copy and download', () => {
  test('copies the lines shown, or all of them, as text', async () => {
    const user = userEvent.setup()
    const lines = [...makeLines(1, 0, { text: '\x1b[31mred\x1b[0m one' }), ...makeLines(1, 1, { stream: 'stderr', text: 'two' })]
    render(<LogView {...props({ lines })} />)
    await user.click(screen.getByRole('checkbox', { name: 'Timestamps' }))
    await user.click(screen.getByRole('button', { name: 'Copy' }))
    expect(await navigator.clipboard.readText()).toBe('red one\ntwo')
    expect(screen.getByText('Copied 2 lines')).toBeInTheDocument()

    await user.click(screen.getByRole('radio', { name: 'stderr' }))
    await user.click(screen.getByRole('checkbox', { name: 'Timestamps' }))
    await user.click(screen.getByRole('button', { name: 'Copy shown' }))
    expect(await navigator.clipboard.readText()).toBe('2026-12-02T06:00:00.000000001Z two')
    await user.click(screen.getByRole('button', { name: 'Copy all' }))
    expect(await navigator.clipboard.readText()).toBe('2026-12-02T06:00:00.000000000Z red one\n2026-12-02T06:00:00.000000001Z two')
  })

  test('says so when the clipboard refuses', async () => {
    const user = userEvent.setup()
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new DOMException('Write permission denied.', 'NotAllowedError'))
    render(<LogView {...props({ lines: makeLines(2) })} />)
    await user.click(screen.getByRole('button', { name: 'Copy' }))
    expect(await screen.findByText(/^Not copied: .*Write permission denied.*download them\.$/)).toBeInTheDocument()
  })

  test('downloads every line with its time and stream as fileName', async () => {
    const user = userEvent.setup()
    const blobs: Blob[] = []
    const create = vi.fn((b: Blob) => {
      blobs.push(b)
      return 'blob:test/1'
    })
    const revoke = vi.fn()
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke })
    const clicked: HTMLAnchorElement[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this)
    })
    const containers = [
      { engine: 'default', id: 'a', name: 'web-1' },
      { engine: 'default', id: 'b', name: 'db-1' },
    ]
    const lines = [
      ...makeLines(1, 0, { id: 'a', text: '\x1b[32mok\x1b[0m' }),
      ...makeLines(1, 1, { id: 'b', stream: 'stderr', text: 'oops', cut: 10 }),
    ]
    render(<LogView {...props({ containers, lines, fileName: 'shop.log' })} />)
    // Filters do not narrow the file.
    await user.click(screen.getByRole('radio', { name: 'stderr' }))
    await user.click(screen.getByRole('button', { name: 'Download' }))
    expect(clicked).toHaveLength(1)
    expect(clicked[0]!.download).toBe('shop.log')
    expect(clicked[0]!.href).toBe('blob:test/1')
    expect(blobs[0]!.type).toBe('text/plain;charset=utf-8')
    expect(await blobText(blobs[0]!)).toBe(
      '2026-12-02T06:00:00.000000000Z stdout web-1 \x1b[32mok\x1b[0m\n2026-12-02T06:00:00.000000001Z stderr db-1 oops … 10 bytes cut\n',
    )
  })
})

describe('LogView: notices, status, earlier lines, views', () => {
  test('notices show with their action', async () => {
    const user = userEvent.setup()
    const run = vi.fn()
    render(
      <LogView
        {...props({
          notices: [
            { key: 's', text: 'Skipped 12 lines of web-1 while the view could not keep up.', action: { label: 'Fetch them', run } },
            { key: 'r', text: 'web-1 was removed.' },
          ],
        })}
      />,
    )
    const list = screen.getByRole('list', { name: 'Log notices' })
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Skipped 12 lines of web-1 while the view could not keep up.Fetch them',
      'web-1 was removed.',
    ])
    await user.click(within(list).getByRole('button', { name: 'Fetch them' }))
    expect(run).toHaveBeenCalledTimes(1)
  })

  test.each([
    ['live', 'ok'],
    ['polling', 'warn'],
    ['offline', 'bad'],
    ['ended', 'idle'],
  ] as const)('status %s is shown as given, in tone %s', (tone, shown) => {
    render(<LogView {...props({ status: { text: `Stream is ${tone}`, tone } })} />)
    const status = screen.getByRole('status', { name: 'Log stream' })
    expect(status).toHaveTextContent(`Stream is ${tone}`)
    expect(status).toHaveAttribute('data-tone', shown)
  })

  test('load earlier', async () => {
    const user = userEvent.setup()
    const onLoadEarlier = vi.fn()
    const { rerender } = render(<LogView {...props({ lines: makeLines(5), canLoadEarlier: true, onLoadEarlier })} />)
    await user.click(within(log()).getByRole('button', { name: 'Load earlier lines' }))
    expect(onLoadEarlier).toHaveBeenCalledTimes(1)
    rerender(<LogView {...props({ lines: makeLines(5), canLoadEarlier: false, loadingEarlier: true, onLoadEarlier })} />)
    expect(within(log()).getByRole('button', { name: 'Loading earlier lines…' })).toBeDisabled()
    rerender(<LogView {...props({ lines: makeLines(5), onLoadEarlier })} />)
    expect(within(log()).queryByRole('button')).not.toBeInTheDocument()
    expect(within(log()).queryByText('Start of the log')).not.toBeInTheDocument()
    rerender(<LogView {...props({ lines: makeLines(5), atStart: true, onLoadEarlier })} />)
    expect(within(log()).getByText('Start of the log')).toBeInTheDocument()
    expect(within(log()).queryByRole('button')).not.toBeInTheDocument()
  })

  test('the panel opens the full view; the full view closes, with Escape too', async () => {
    const user = userEvent.setup()
    const onOpenFull = vi.fn()
    const onClose = vi.fn()
    const { rerender } = render(<LogView {...props({ onOpenFull })} />)
    await user.click(screen.getByRole('button', { name: 'Full view' }))
    expect(onOpenFull).toHaveBeenCalledTimes(1)
    rerender(<LogView {...props({ variant: 'full', onOpenFull, onClose })} />)
    expect(screen.queryByRole('button', { name: 'Full view' })).not.toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Close the logs' }))
    expect(onClose).toHaveBeenCalledTimes(1)
    act(() => log().focus())
    await user.keyboard('{Escape}')
    expect(onClose).toHaveBeenCalledTimes(2)
  })

  test('/ goes to the log search from inside the view', async () => {
    const user = userEvent.setup()
    render(<LogView {...props({ lines: makeLines(3) })} />)
    act(() => log().focus())
    await user.keyboard('/')
    expect(screen.getByRole('searchbox', { name: 'Search the logs' })).toHaveFocus()
  })
})
