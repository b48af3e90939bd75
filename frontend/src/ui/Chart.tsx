// A small live time-series chart over uPlot: one instance per chart, created
// once and fed with setData, so a new point every second costs a redraw of a
// canvas and no React work beyond this component, and nothing while the
// chart is not on screen.

import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { HISTORY_SECONDS } from '../live'
import { formatClock, timeTicks } from '../format'

export interface ChartLine {
  label: string
  /** A CSS custom property name holding the colour, e.g. --chart-1. */
  colorVar: string
  values: ArrayLike<number>
}

export interface ChartProps {
  /** Accessible name; the figure's text alternative is `summary`. */
  title: string
  summary: string
  /** Unix seconds, oldest first. */
  time: ArrayLike<number>
  lines: ChartLine[]
  /** Formats a y value for the axis, knowing all the axis's ticks. */
  format: (value: number, ticks: readonly number[]) => string
  /** The y-axis ticks for an axis topping at max; uPlot's own when absent (fine for %). */
  ticks?: (max: number) => number[]
  /** Smallest top of the y axis (e.g. 100 for CPU %). */
  minTop?: number
  height?: number
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback
}

function toData(time: ArrayLike<number>, lines: ChartLine[]): uPlot.AlignedData {
  const t = Array.from(time)
  // NaN marks "no value" (a rate needs two samples): uPlot wants null for a gap.
  return [t, ...lines.map((l) => Array.from(l.values, (v) => (Number.isFinite(v) ? v : null)))]
}

/** Room one clock label needs on the time axis, in CSS pixels. */
const TIME_LABEL_PX = 56

export function Chart({ title, summary, time, lines, format, ticks, minTop = 0, height = 110 }: ChartProps) {
  const host = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const latest = useRef({ time, lines, format, ticks, minTop })
  latest.current = { time, lines, format, ticks, minTop }
  const shape = lines.map((l) => `${l.label}|${l.colorVar}`).join(',')
  // Drawn only while on screen: off screen (scrolled away, a hidden pane or
  // window) a new sample only marks the chart behind, and it catches up
  // once it shows again.
  const shown = useRef(true)
  const behind = useRef(false)

  // Create on mount and when the theme or the set of lines changes.
  useEffect(() => {
    const el = host.current
    if (!el || typeof ResizeObserver === 'undefined') return
    let u: uPlot | null = null
    const build = () => {
      u?.destroy()
      const axis = cssVar(el, '--muted', '#888')
      const grid = cssVar(el, '--grid', 'rgba(128,128,128,0.15)')
      const { lines: ls } = latest.current
      const opts: uPlot.Options = {
        width: Math.max(120, el.clientWidth),
        height,
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false }, points: { size: 5 } },
        scales: {
          x: { time: true, range: (_u, _min, max) => [max - HISTORY_SECONDS, max] },
          y: {
            range: (_u, _min, max) => [0, Math.max(latest.current.minTop, Number.isFinite(max) ? max * 1.15 : 1, 1e-9)],
          },
        },
        axes: [
          {
            stroke: axis,
            grid: { stroke: grid, width: 1 },
            ticks: { show: false },
            size: 22,
            font: '11px system-ui, sans-serif',
            // A tick every whole minute (or half, or two) as room allows.
            splits: (u, _axis, min, max) => timeTicks(min, max, Math.floor(u.width / TIME_LABEL_PX)).ticks,
            values: (_u, splits) => {
              const step = splits.length > 1 ? splits[1]! - splits[0]! : 60
              return splits.map((s) => formatClock(s * 1000, { seconds: step < 60 }))
            },
          },
          {
            stroke: axis,
            grid: { stroke: grid, width: 1 },
            ticks: { show: false },
            size: 64,
            font: '11px system-ui, sans-serif',
            ...(latest.current.ticks && {
              splits: (_u: uPlot, _axis: number, _min: number, max: number) => latest.current.ticks?.(max) ?? [],
            }),
            values: (_u, splits) => splits.map((v) => latest.current.format(v, splits)),
            space: 28,
          },
        ],
        series: [
          {},
          ...ls.map((l) => {
            const color = cssVar(el, l.colorVar, '#3b82f6')
            return { label: l.label, stroke: color, width: 1.5, fill: `${color}22`, points: { show: false } }
          }),
        ],
      }
      u = new uPlot(opts, toData(latest.current.time, ls), el)
      plot.current = u
    }
    build()
    const ro = new ResizeObserver(() => {
      if (u && el.clientWidth > 0) u.setSize({ width: el.clientWidth, height })
    })
    ro.observe(el)
    const media = window.matchMedia?.('(prefers-color-scheme: dark)')
    media?.addEventListener('change', build)
    const catchUp = () => {
      if (!shown.current || document.hidden || !behind.current) return
      behind.current = false
      u?.setData(toData(latest.current.time, latest.current.lines))
    }
    const io =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver((entries) => {
            shown.current = entries.at(-1)?.isIntersecting ?? shown.current
            catchUp()
          })
    io?.observe(el)
    document.addEventListener('visibilitychange', catchUp)
    return () => {
      ro.disconnect()
      io?.disconnect()
      document.removeEventListener('visibilitychange', catchUp)
      media?.removeEventListener('change', build)
      u?.destroy()
      plot.current = null
    }
  }, [shape, height])

  // New data: one setData per committed sample, while the chart is seen.
  useEffect(() => {
    if (!shown.current || document.hidden) {
      behind.current = true
      return
    }
    plot.current?.setData(toData(time, lines))
  }, [time, lines])

  return (
    <figure className="chart" aria-label={title}>
      <figcaption className="chart-caption">
        <span className="chart-title">{title}</span>
        {/* One line needs no key: the title names it. */}
        {lines.length > 1 && (
          <span className="chart-legend">
            {lines.map((l) => (
              <span key={l.label} className="chart-key" style={{ ['--key' as string]: `var(${l.colorVar})` }}>
                {l.label}
              </span>
            ))}
          </span>
        )}
        <span className="chart-now">{summary}</span>
      </figcaption>
      <div ref={host} className="chart-plot" style={{ height }} role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  )
}
