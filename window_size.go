package main

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
	"go.uber.org/zap"
)

// The window's preferred and smallest sizes, in the screen's logical pixels.
const (
	windowWidth     = 1200
	windowHeight    = 780
	windowMinWidth  = 720
	windowMinHeight = 480
)

// screenMargin leaves room for what the window manager and the desktop put
// around a window: its title bar and borders, a panel or dock. (Wails reports
// a monitor's whole area, not its work area.)
const (
	screenMarginX = 16
	screenMarginY = 72
)

// windowSize is a window's width and height.
type windowSize struct{ W, H int }

// fitWindow returns the size and the smallest size to give a window that
// would like to be want (at least min) on a screen of the given size: no
// larger than the screen less its margins, and a smallest size that is no
// larger either, so a small screen can hold the whole window. A screen of
// unknown size (0) leaves want and min as they are.
func fitWindow(want, min, screen windowSize) (size, minSize windowSize) {
	fit := func(w, m, s, margin int) (int, int) {
		if s <= 0 {
			return w, m
		}
		limit := s - margin
		if limit < s/2 {
			limit = s // a tiny screen: use all of it
		}
		w, m = minInt(w, limit), minInt(m, limit)
		return w, m
	}
	size.W, minSize.W = fit(want.W, min.W, screen.W, screenMarginX)
	size.H, minSize.H = fit(want.H, min.H, screen.H, screenMarginY)
	return size, minSize
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// currentScreen is the screen the window is on, or else the primary one.
func currentScreen(screens []runtime.Screen) (windowSize, bool) {
	var primary *runtime.Screen
	for i := range screens {
		s := &screens[i]
		if s.IsCurrent {
			return windowSize{s.Size.Width, s.Size.Height}, true
		}
		if s.IsPrimary && primary == nil {
			primary = s
		}
	}
	if primary != nil {
		return windowSize{primary.Size.Width, primary.Size.Height}, true
	}
	return windowSize{}, false
}

// domReady shrinks the window to the screen it opened on when the screen is
// smaller than the window would like to be, and centres it there. It runs
// once the page has loaded: only then does the window exist on a screen
// that can be asked for (OnStartup runs while the window is still being
// made).
func (a *App) domReady(ctx context.Context) {
	screens, err := runtime.ScreenGetAll(ctx)
	if err != nil {
		a.log.Warn("screen size unknown: window left at its preferred size", zap.Error(err))
		return
	}
	screen, ok := currentScreen(screens)
	if !ok {
		a.log.Warn("no screen reported: window left at its preferred size")
		return
	}
	want := windowSize{windowWidth, windowHeight}
	size, minSize := fitWindow(want, windowSize{windowMinWidth, windowMinHeight}, screen)
	a.log.Debug("window fitted to the screen",
		zap.Int("screenWidth", screen.W), zap.Int("screenHeight", screen.H),
		zap.Int("width", size.W), zap.Int("height", size.H))
	if size == want {
		return
	}
	runtime.WindowSetMinSize(ctx, minSize.W, minSize.H)
	runtime.WindowSetSize(ctx, size.W, size.H)
	runtime.WindowCenter(ctx)
}
