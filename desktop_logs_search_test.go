package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/notify/notifytest"
)

// openDesktopLogs starts the desktop build against the test engine with a
// talker container (talkerScript) and opens its full-height logs view with
// the keyboard, as TestDesktopLogsScrollLive does; the focus is then in the
// view's search box. It returns the app, the window, the display and the
// container.
func openDesktopLogs(t *testing.T, name string) (*desktopApp, string, string, *enginetest.Engine, string) {
	t.Helper()
	bin := desktopBin(t)
	requireXclip(t)
	e := enginetest.Require(t)
	talker := e.RunContainer(t, name, "sh", "-c", talkerScript)
	display := startXvfb(t)
	startWindowManager(t, display)
	app := startDesktop(t, []string{bin}, display, e.Host, notifytest.Start(t).Address)
	app.log.waitFor(t, "the webview's socket never connected", 90*time.Second, func(line string) bool {
		return strings.Contains(line, "client connected")
	})
	app.log.waitForView(t, "the page never reported a container as on screen", true)
	win := oneVisibleWindow(t, display)
	x(t, display, "xdotool", "windowactivate", "--sync", win)
	// "/" focuses the search box; ArrowDown there selects the first row
	// the search leaves (only this container) and l opens its logs.
	x(t, display, "xdotool", "key", "--clearmodifiers", "slash")
	x(t, display, "xdotool", "type", "--delay", "20", name)
	time.Sleep(500 * time.Millisecond) // the table filters as one types
	x(t, display, "xdotool", "key", "--clearmodifiers", "Down", "l")
	app.log.waitFor(t, "pressing l never opened a logs socket", 15*time.Second, isLogsSocketOpen)
	return app, win, display, e, talker
}

func isLogsSocketOpen(line string) bool { return strings.Contains(line, "logs socket open") }

// isLogsSocketGone: the server's debug line for a logs socket whose client closed it.
func isLogsSocketGone(line string) bool {
	return strings.Contains(line, "client left") && strings.Contains(line, `"socket": "logs"`)
}

// pageText is the text of the window's page: a click on the middle of the
// window (the lines) first, so that Ctrl+A selects the page rather than the
// search box.
func pageText(t *testing.T, display, win string) string {
	t.Helper()
	clickLines(t, display, win)
	return windowText(t, display)
}

// waitForText waits until the page's text matches re, failing with why.
func waitForText(t *testing.T, display, win string, re *regexp.Regexp, why string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		text := pageText(t, display, win)
		if re.MatchString(text) {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the window's text never matched %s; its text:\n%s", why, re, text)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestDesktopLogsPauseWhileMinimised: with a logs view open, minimising the
// desktop window (which WebKitGTK's page may not see: the Wails runtime is
// asked, visibility.ts) closes the logs socket, as the backend's log says;
// restored, the view opens a new one, and the ticks the container wrote
// meanwhile are in the window once each, in order.
func TestDesktopLogsPauseWhileMinimised(t *testing.T) {
	app, win, display, _, _ := openDesktopLogs(t, "dp-desktop-logs-min")
	defer app.stop(t)
	before := lastTick(waitForText(t, display, win, regexp.MustCompile(`tick \d+`), "no tick before minimising"))

	x(t, display, "xdotool", "windowminimize", win)
	app.log.waitFor(t, "the minimised window kept its logs socket open", 15*time.Second, isLogsSocketGone)
	time.Sleep(3 * time.Second) // six ticks, written while nothing follows them
	for _, line := range strings.Split(app.log.text(), "\n")[app.log.seen:] {
		if isLogsSocketOpen(line) {
			t.Fatalf("a logs socket opened while the window was minimised: %s", line)
		}
	}
	x(t, display, "xdotool", "windowactivate", "--sync", win)
	app.log.waitFor(t, "the restored window opened no logs socket", 15*time.Second, isLogsSocketOpen)
	// A tick written after the window came back (it was minimised for more
	// than six), then every tick in the window's text must follow the one
	// before it.
	text := waitForText(t, display, win, regexp.MustCompile(fmt.Sprintf(`tick %d\n`, before+10)), "the restored view stopped")
	var ticks []int
	for _, line := range strings.Split(text, "\n") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(line), "tick %d", &n); err == nil {
			ticks = append(ticks, n)
		}
	}
	for i := 1; i < len(ticks); i++ {
		if ticks[i] != ticks[i-1]+1 {
			t.Fatalf("tick %d follows tick %d in the window (a gap or a repeat): %v", ticks[i], ticks[i-1], ticks)
		}
	}
	if len(ticks) < 10 {
		t.Fatalf("only %d ticks in the window: %v", len(ticks), ticks)
	}
}

// TestDesktopLogsRegexSearch: the logs search's worker runs in the desktop
// webview (WebKitGTK, the wails:// page; no Content-Security-Policy there
// stops it): a regular expression finds the ticks, and one that backtracks
// for hours over a line the container wrote is stopped and said to be too
// slow, while the window goes on answering.
func TestDesktopLogsRegexSearch(t *testing.T) {
	app, win, display, e, talker := openDesktopLogs(t, "dp-desktop-logs-regex")
	defer app.stop(t)
	// From the search box: Tab to the "Regular expression" toggle, Space
	// turns it on.
	x(t, display, "xdotool", "key", "--clearmodifiers", "Tab", "space")
	text := searchFor(t, display, win, `^tick [0-9]+$`, regexp.MustCompile(`\n\d+ matches\n`))
	if strings.Contains(text, "Cannot search") {
		t.Fatalf("the search failed in the webview:\n%s", text)
	}

	say(t, e, talker, strings.Repeat("a", 40)+"!")
	waitForText(t, display, win, regexp.MustCompile(`said a{40}!`), "the catastrophic line never showed")
	// (a+)+$ would do, but xdotool here types no ")" into the webview; nine
	// a* in a row split the forty a's as many ways before the "!" fails
	// (over thirty, the webview's engine finished within 2 s on a quiet
	// machine).
	searchFor(t, display, win, strings.Repeat("a*", 9)+"$", regexp.MustCompile(`Expression too slow: it ran over 2 s on [\d,]+ lines and was stopped\.`))
}

// searchFor types expr into the logs view's search box ("/" goes there and
// selects what it holds) until the page's text matches want: under Xvfb on
// a busy machine a typed key now and then goes missing, and the expression
// is typed again.
func searchFor(t *testing.T, display, win, expr string, want *regexp.Regexp) string {
	t.Helper()
	var text string
	for try := 0; try < 4; try++ {
		x(t, display, "xdotool", "key", "--clearmodifiers", "slash")
		x(t, display, "xdotool", "type", "--delay", "100", expr)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			if text = pageText(t, display, win); want.MatchString(text) {
				return text
			}
		}
	}
	t.Fatalf("searching for %s: the window's text never matched %s; its text:\n%s", expr, want, text)
	return ""
}
