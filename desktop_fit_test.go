package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/notify/notifytest"
)

// TestDesktopWindowFitsSmallScreen opens the real desktop build on an
// 800x600 screen (smaller than the window's preferred 1200x780) under a
// window manager, and checks that the whole window, placed by the window
// manager, lies on the screen.
func TestDesktopWindowFitsSmallScreen(t *testing.T) {
	bin := desktopBin(t)
	e := enginetest.Require(t)
	const screenW, screenH = 800, 600
	display := startXvfbScreen(t, "800x600x24")
	startWindowManager(t, display)
	app := startDesktop(t, []string{bin}, display, e.Host, notifytest.Start(t).Address)
	defer app.stop(t)
	app.log.waitFor(t, "the webview's socket never connected", 90*time.Second, func(line string) bool {
		return strings.Contains(line, "client connected")
	})

	win := oneVisibleWindow(t, display)
	// The window manager applies the new size asynchronously: give it a moment.
	var g map[string]int
	deadline := time.Now().Add(10 * time.Second)
	for {
		g = geometry(t, display, win)
		inside := g["X"] >= 0 && g["Y"] >= 0 && g["X"]+g["WIDTH"] <= screenW && g["Y"]+g["HEIGHT"] <= screenH
		if inside {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("window at %d,%d sized %dx%d does not fit the %dx%d screen", g["X"], g["Y"], g["WIDTH"], g["HEIGHT"], screenW, screenH)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("window at %d,%d sized %dx%d on a %dx%d screen", g["X"], g["Y"], g["WIDTH"], g["HEIGHT"], screenW, screenH)
}

// geometry is xdotool's idea of a window's place and size: X, Y, WIDTH, HEIGHT.
func geometry(t *testing.T, display, win string) map[string]int {
	t.Helper()
	g := map[string]int{}
	for _, line := range strings.Split(x(t, display, "xdotool", "getwindowgeometry", "--shell", win), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(v); err == nil {
			g[k] = n
		}
	}
	return g
}
