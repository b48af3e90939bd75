// Starts the frame probe (frames.ts) in a benchmark build and sends each
// window's figures to the desktop backend, which writes them to its log as
// "frame probe" (frameprobe.go, built with the Go tag frameprobe): the
// benchmark reads them there, as the desktop test reads the page's view.

import { FRAME_PROBE_MARKER, FrameProbe, type FrameSummary } from './frames'

/** What the frameprobe build of the Go App adds to the bound methods. */
export interface FrameProbeApp {
  /** The window length in ms (DOCKPULSE_FRAME_PROBE_WINDOW in the backend). */
  FrameProbeWindow(): Promise<number>
  ReportFrames(report: FrameSummary & { seq: number }): Promise<void>
}

interface ProbeWindow {
  go?: { main?: { App?: Partial<FrameProbeApp> } }
}

/** Without a backend that takes reports (a browser, a desktop build without the tag), the console gets them. */
const CONSOLE_WINDOW_MS = 30_000

export async function installFrameProbe(win: unknown = globalThis.window): Promise<FrameProbe> {
  const app = (win as ProbeWindow | undefined)?.go?.main?.App
  if (typeof app?.ReportFrames !== 'function' || typeof app.FrameProbeWindow !== 'function') {
    console.warn(`${FRAME_PROBE_MARKER}: the backend takes no frame reports (not a frameprobe build of the desktop app); reporting to the console every ${CONSOLE_WINDOW_MS} ms`)
    const probe = new FrameProbe(CONSOLE_WINDOW_MS, (s, seq) => console.info(FRAME_PROBE_MARKER, JSON.stringify({ ...s, seq })))
    probe.start()
    return probe
  }
  const report = app.ReportFrames.bind(app)
  const windowMs = await app.FrameProbeWindow()
  const probe = new FrameProbe(windowMs, (s, seq) => {
    report({ ...s, seq }).catch((e: unknown) => console.error(`${FRAME_PROBE_MARKER}: report window ${seq}:`, e))
  })
  probe.start()
  return probe
}
