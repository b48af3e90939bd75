package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/notify/notifytest"
)

// EnvNotifyScreenshot is where TestDesktopNotificationOpensLastWords saves
// its screenshot (docs/screenshots/desktop-notification-logs.png keeps one).
const EnvNotifyScreenshot = "DOCKPULSE_NOTIFY_SCREENSHOT"

// TestDesktopNotificationOpensLastWords minimises the real desktop window
// and runs a --rm container that says a word made up only then and exits
// 1: the notification about it must reach the session bus with a click
// action, and the engine removes the container. A click on the notification
// (the service's ActionInvoked) must bring the window back with the logs
// view open on what Dockpulse kept of the container, the word among it: the
// test copies the window's text as TestDesktopLogsScrollLive does.
func TestDesktopNotificationOpensLastWords(t *testing.T) {
	bin := desktopBin(t)
	requireXclip(t)
	e := enginetest.Require(t)
	e.RunContainer(t, "dp-desktop-notify-idle") // something on screen, so the page reports the view

	t.Setenv("WEBKIT_DISABLE_COMPOSITING_MODE", "1") // see TestDesktopLogsScrollLive
	display := startXvfb(t)
	startWindowManager(t, display)
	bus := notifytest.Start(t)
	app := startDesktop(t, []string{bin}, display, e.Host, bus.Address)
	defer app.stop(t)
	app.log.waitForView(t, "the page never reported a container as on screen", true)
	win := oneVisibleWindow(t, display)
	minimise(t, display, win, app.log)

	const name = "dp-desktop-notify-crash"
	word := randomWord(t)
	id := runRemovedOnExit(t, e, name, fmt.Sprintf("sleep 1; echo 'worker starting'; echo 'connecting to queue:5672'; "+
		"echo 'error: connection refused' >&2; echo 'last word %s' >&2; sleep 1; exit 1", word))
	summary := name + " died unexpectedly (exit 1)"
	note := bus.WaitFor(t, "no OS notification for the --rm container that crashed", 30*time.Second,
		func(n notifytest.Notification) bool { return n.Summary == summary })
	if keys := note.ActionKeys(); len(keys) == 0 || keys[0] != "default" {
		t.Fatalf("the notification offers actions %q, want the default (a click) first", keys)
	}
	waitRemoved(t, e, id)
	// A person clicks a moment after the notification shows. (The removal
	// of a --rm container keeps the backend's follow of it interrupted for
	// a while; its last words must not wait for the follow to end.)
	time.Sleep(2 * time.Second)

	bus.Invoke(t, note.ID, "default")
	app.log.waitFor(t, "the app never heard of the click", 10*time.Second, func(line string) bool {
		return strings.Contains(line, "notification clicked")
	})
	var visible []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		visible = strings.Fields(x(t, display, "xdotool", "search", "--onlyvisible", "--name", "^Dockpulse$"))
		if len(visible) == 1 || time.Now().After(deadline) {
			break
		}
	}
	if len(visible) != 1 || visible[0] != win {
		t.Fatalf("visible Dockpulse windows after the click %q, want the first, %s", visible, win)
	}
	x(t, display, "xdotool", "windowactivate", "--sync", win)
	// A click on the view's lines moves the focus there (see
	// TestDesktopLogsScrollLive), so that Ctrl+A selects the page's text.
	clickLines(t, display, win)
	want := "last word " + word
	var text string
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(text, want); time.Sleep(500 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the window never showed %q, the gone container's last words; its text:\n%s\napp log:\n%s", want, text, app.log.text())
		}
		text = windowText(t, display)
		if text == "" {
			clickLines(t, display, win) // nothing copied: the focus is not in the page yet
		}
	}
	if !strings.Contains(text, name) {
		t.Errorf("the window's text does not name the container %q:\n%s", name, text)
	}
	shootLines(t, display, win, EnvNotifyScreenshot, "desktop-notification-logs.png")
}

// runRemovedOnExit runs script in a TestImage container that the engine
// removes when it exits (docker run --rm) and returns its ID.
func runRemovedOnExit(t *testing.T, e *enginetest.Engine, name, script string) string {
	t.Helper()
	c := e.Client(t)
	resp, err := c.ContainerCreate(t.Context(),
		&container.Config{Image: enginetest.TestImage, Cmd: []string{"sh", "-c", script}, Labels: map[string]string{enginetest.TestLabel: "1"}},
		&container.HostConfig{NetworkMode: "none", AutoRemove: true}, nil, nil, name)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := c.ContainerRemove(ctx, resp.ID, container.RemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove %s: %v", name, err)
		}
	})
	if err := c.ContainerStart(t.Context(), resp.ID, container.StartOptions{}); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	return resp.ID
}

// waitRemoved waits up to 30 s for the engine to have removed the container.
func waitRemoved(t *testing.T, e *enginetest.Engine, id string) {
	t.Helper()
	c := e.Client(t)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		_, err := c.ContainerInspect(t.Context(), id)
		if cerrdefs.IsNotFound(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s still there 30 s after it exited: %v", id, err)
		}
	}
}
