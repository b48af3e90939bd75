package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// EnvLogsScreenshot is where TestDesktopLogsScrollLive saves its
// screenshot (docs/screenshots/desktop-logs.png keeps one).
const EnvLogsScreenshot = "DOCKPULSE_LOGS_SCREENSHOT"

// talkerScript counts a line every half second and, when /tmp/say holds a
// word (an exec puts it there), writes "said WORD" once.
const talkerScript = `i=0; while true; do i=$((i+1)); echo "tick $i"; ` +
	`if [ -f /tmp/say ]; then echo "said $(cat /tmp/say)"; rm /tmp/say; fi; sleep 0.5; done`

// TestDesktopLogsScrollLive opens the real desktop build against the test
// engine, finds a container that writes a line every half second with the
// search box, selects it with the keyboard and presses l: the full-height
// logs view opens its logs socket (the backend's log says so). A word made
// up only then is written by the container, and must show in the window:
// the test selects the window's text and copies it (Ctrl+A, Ctrl+C, read
// back from the X clipboard), which holds what the webview renders.
func TestDesktopLogsScrollLive(t *testing.T) {
	// Under Xvfb, WebKitGTK's accelerated compositing leaves the X window
	// showing a frame from before the modal logs view opened (the page
	// itself has the lines): the screenshot needs the webview to paint
	// without it.
	t.Setenv("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
	app, win, display, e, talker := openDesktopLogs(t, "dp-desktop-logs")
	defer app.stop(t)

	word := randomWord(t)
	say(t, e, talker, word)
	// The focus is in the view's search box: a click on its lines (the
	// middle of the window) moves it there, so that Ctrl+A selects the
	// page's text rather than the box's.
	clickLines(t, display, win)
	want := "said " + word
	var text string
	deadline := time.Now().Add(15 * time.Second)
	for {
		text = windowText(t, display)
		if strings.Contains(text, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window never showed %q, written after the logs view opened; its text:\n%s\napp log:\n%s", want, text, app.log.text())
		}
		time.Sleep(500 * time.Millisecond)
	}
	// The lines keep coming while the view is open: a later tick than any
	// the window held when the word showed arrives too.
	last := lastTick(text)
	if last == 0 {
		t.Fatalf("no tick line in the window's text:\n%s", text)
	}
	next := fmt.Sprintf("tick %d\n", last+2)
	for deadline = time.Now().Add(15 * time.Second); !strings.Contains(windowText(t, display)+"\n", next); {
		if time.Now().After(deadline) {
			t.Fatalf("the window stopped at tick %d: %q never came", last, strings.TrimSpace(next))
		}
		time.Sleep(500 * time.Millisecond)
	}
	shootLines(t, display, win, EnvLogsScreenshot, "desktop-logs.png")
}

// clickLines clicks the middle of the window, where the logs view's lines
// are.
func clickLines(t *testing.T, display, win string) {
	t.Helper()
	g := geometry(t, display, win)
	x(t, display, "xdotool", "mousemove", "--window", win, fmt.Sprint(g["WIDTH"]/2), fmt.Sprint(g["HEIGHT"]/2), "click", "1")
}

// shootLines takes a screenshot of the screen into the file the
// environment variable env names (else name in a temporary folder), once a
// click on the lines ended the selection windowText made and the pointer
// left the window, so that it shows the lines as a person sees them.
func shootLines(t *testing.T, display, win, env, name string) {
	t.Helper()
	clickLines(t, display, win)
	x(t, display, "xdotool", "mousemove", "0", "0")
	time.Sleep(time.Second)
	shot := os.Getenv(env)
	if shot == "" {
		shot = filepath.Join(t.TempDir(), name)
	}
	x(t, display, "import", "-window", "root", shot)
	checkNotBlank(t, shot)
	t.Logf("screenshot: %s", shot)
}

// requireXclip checks that xclip, which windowText reads the clipboard
// with, is installed.
func requireXclip(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("xclip"); err != nil {
		t.Fatalf("xclip: %v (scripts/install-deps.sh installs it)", err)
	}
}

// windowText selects all the text of the focused webview and copies it
// (the webview's own Ctrl+A and Ctrl+C), then reads the X clipboard.
func windowText(t *testing.T, display string) string {
	t.Helper()
	x(t, display, "xdotool", "key", "--clearmodifiers", "ctrl+a", "ctrl+c")
	time.Sleep(200 * time.Millisecond)
	cmd := exec.Command("xclip", "-o", "-selection", "clipboard")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		return "" // nothing copied yet: the clipboard has no owner
	}
	return string(out)
}

// lastTick is the highest N of the "tick N" lines in text, 0 if none.
func lastTick(text string) int {
	last := 0
	for _, line := range strings.Split(text, "\n") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(line), "tick %d", &n); err == nil && n > last {
			last = n
		}
	}
	return last
}

// randomWord is a word no container wrote before.
func randomWord(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "w" + hex.EncodeToString(b)
}

// say makes the talker container write "said WORD" (talkerScript).
func say(t *testing.T, e *enginetest.Engine, id, word string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c := e.Client(t)
	ex, err := c.ContainerExecCreate(ctx, id, container.ExecOptions{Cmd: []string{"sh", "-c", "echo " + word + " > /tmp/say"}})
	if err != nil {
		t.Fatalf("exec in %s: %v", id, err)
	}
	if err := c.ContainerExecStart(ctx, ex.ID, container.ExecStartOptions{}); err != nil {
		t.Fatalf("start exec in %s: %v", id, err)
	}
	for {
		in, err := c.ContainerExecInspect(ctx, ex.ID)
		if err != nil {
			t.Fatalf("inspect exec in %s: %v", id, err)
		}
		if !in.Running {
			if in.ExitCode != 0 {
				t.Fatalf("exec in %s exited %d", id, in.ExitCode)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
