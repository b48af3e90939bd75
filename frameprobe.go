//go:build frameprobe

package main

import (
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"
)

// The desktop benchmark's build (go build -tags frameprobe, with the UI from
// vite build --mode frameprobe; make bench-desktop) binds two more methods:
// the page's frame probe (frontend/src/probe) asks how long a window is and
// reports each window's frame gaps, which go to the log as "frame probe" for
// cmd/dockpulse-bench to read. No other build has them.

// EnvFrameProbeWindow sets the probe's window (a Go duration); default 30s.
const EnvFrameProbeWindow = "DOCKPULSE_FRAME_PROBE_WINDOW"

// FrameReport is one window of the page's frames (frames.ts FrameSummary).
// WorstMs and P99Ms are nil when the window had fewer than two frames.
type FrameReport struct {
	Seq      int      `json:"seq"`
	Frames   int      `json:"frames"`
	WindowMs float64  `json:"windowMs"`
	Over50   int      `json:"over50"`
	WorstMs  *float64 `json:"worstMs"`
	P99Ms    *float64 `json:"p99Ms"`
}

// FrameProbeWindow is the probe's window in milliseconds.
func (a *App) FrameProbeWindow() (int, error) {
	v := os.Getenv(EnvFrameProbeWindow)
	if v == "" {
		return 30_000, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 30s", EnvFrameProbeWindow, v)
	}
	return int(d.Milliseconds()), nil
}

// ReportFrames writes one window's figures to the log.
func (a *App) ReportFrames(r FrameReport) {
	a.log.Info("frame probe", zap.Int("seq", r.Seq), zap.Int("frames", r.Frames), zap.Float64("windowMs", r.WindowMs),
		zap.Int("over50ms", r.Over50), zap.Float64p("worstMs", r.WorstMs), zap.Float64p("p99Ms", r.P99Ms))
}
