// A figure with a thin bar under it (CPU, memory), and how CPU is read.

import { formatPercent } from '../format'

/** A value with a thin bar under it; fraction is 0..1. */
export function Meter({ text, fraction, title }: { text: string; fraction: number | null; title?: string }) {
  const f = fraction === null || !Number.isFinite(fraction) ? 0 : Math.min(1, Math.max(0, fraction))
  const tone = f >= 0.9 ? 'bad' : f >= 0.7 ? 'warn' : 'ok'
  return (
    <span className="meter" title={title}>
      <span className="meter-text">{text}</span>
      <span className="meter-track" aria-hidden="true">
        <span className="meter-fill" data-tone={fraction === null ? 'idle' : tone} style={{ transform: `scaleX(${f})` }} />
      </span>
    </span>
  )
}

export function cpuFraction(cpuPercent: number, onlineCpus: number): number {
  return cpuPercent / (100 * Math.max(1, onlineCpus))
}

/** The scale said in words: 100 % is one core busy; the bar's full width is every CPU. */
export function cpuTitle(cpuPercent: number, onlineCpus: number): string {
  const cpus = Math.max(1, onlineCpus)
  return `${formatPercent(cpuPercent)} of one core (100% = one core busy); the bar is out of all ${cpus} CPU${cpus === 1 ? '' : 's'} (${cpus * 100}%)`
}
