package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// EnvDesktopBin names a built desktop binary (make build) for
// TestDesktopWindowConnects; EnvDesktopVersion, the version it was built
// with (make's VERSION); EnvScreenshot, where to save its screenshot.
const (
	EnvDesktopBin     = "DOCKPULSE_DESKTOP_BIN"
	EnvDesktopVersion = "DOCKPULSE_DESKTOP_VERSION"
	EnvScreenshot     = "DOCKPULSE_SCREENSHOT"
)

// TestDesktopWindowConnects starts the real desktop build in a virtual X
// display with a window manager against the test engine, checks from the
// backend's log that its server reports the version the binary was built
// with, that the webview's WebSocket connected and that the page
// reports the running container as on screen, saves a screenshot of the
// window, then minimises and restores it: the page must report nothing on
// screen while minimised (so the engine samples it only now and then) and
// the container again once restored.
func TestDesktopWindowConnects(t *testing.T) {
	bin := requireEnv(t, EnvDesktopBin, "the desktop build", "a binary from make build to test the desktop window")
	desktopWindowConnects(t, bin)
}

// desktopWindowConnects is TestDesktopWindowConnects for the command argv.
func desktopWindowConnects(t *testing.T, argv ...string) {
	for _, tool := range []string{"Xvfb", "openbox", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s: %v (scripts/install-deps.sh installs it)", tool, err)
		}
	}
	e := enginetest.Require(t)
	e.RunContainer(t, "dp-desktop-running")
	e.CreateContainer(t, "dp-desktop-created")

	display := startXvfb(t)
	startWindowManager(t, display)
	home := t.TempDir()
	app := exec.Command(argv[0], argv[1:]...)
	app.Env = append(os.Environ(), "DISPLAY="+display, "DOCKER_HOST="+e.Host, "DOCKPULSE_LOG_LEVEL=debug",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	logs, err := app.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(); err != nil {
		t.Fatalf("start %q: %v", argv, err)
	}
	exited := make(chan error, 1)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = app.Process.Kill() // the test failed; just end it
			<-exited
		}
	})
	log := &appLog{}
	go func() {
		defer func() { exited <- app.Wait() }()
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			log.add(sc.Text())
		}
	}()
	if want := os.Getenv(EnvDesktopVersion); want != "" {
		log.waitFor(t, "the server never logged that it listens", 90*time.Second, func(line string) bool {
			i := strings.Index(line, "listening\t{")
			if i < 0 {
				return false
			}
			var f struct{ Version string }
			if err := json.Unmarshal([]byte(line[i+len("listening\t"):]), &f); err != nil {
				t.Errorf("log line %q: %v", line, err)
			}
			if f.Version != want {
				t.Errorf("the desktop build reports version %q, want %q (it was built with -X main.version=%s)", f.Version, want, want)
			}
			return true
		})
	} else if os.Getenv("CI") != "" {
		t.Errorf("%s is not set: CI must check the desktop build's version (make test sets it)", EnvDesktopVersion)
	}
	log.waitFor(t, "the webview's socket never connected", 90*time.Second, func(line string) bool {
		return strings.Contains(line, "client connected")
	})
	log.waitForView(t, "the page never reported the running container as on screen", true)
	time.Sleep(2 * time.Second) // let the first frames paint

	shot := os.Getenv(EnvScreenshot)
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "desktop.png")
	}
	x(t, display, "import", "-window", "root", shot)
	checkNotBlank(t, shot)
	t.Logf("desktop screenshot: %s", shot)

	win := strings.Fields(x(t, display, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^Dockpulse$"))
	if len(win) != 1 {
		t.Fatalf("want one visible Dockpulse window, found %q", win)
	}
	x(t, display, "xdotool", "windowminimize", win[0])
	log.waitForView(t, "the minimised window still reported containers on screen", false)
	x(t, display, "xdotool", "windowactivate", win[0])
	log.waitForView(t, "the restored window did not report the running container again", true)

	if err := app.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped = true
	select {
	case err := <-exited:
		if err != nil && !strings.Contains(err.Error(), "signal: terminated") {
			t.Errorf("desktop app exit: %v", err)
		}
	case <-time.After(15 * time.Second):
		_ = app.Process.Kill()
		<-exited
		t.Error("the desktop app ignored SIGTERM for 15 s")
	}
}

// appLog collects the desktop app's log lines as they come, for waiting on.
type appLog struct {
	mu    sync.Mutex
	lines []string
	seen  int // lines already matched by a wait: each wait looks further on
}

func (l *appLog) add(line string) {
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
}

// waitFor waits for a line after the last one a wait matched, failing with
// why and the whole log when none comes within timeout.
func (l *appLog) waitFor(t *testing.T, why string, timeout time.Duration, match func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		l.mu.Lock()
		for i := l.seen; i < len(l.lines); i++ {
			if match(l.lines[i]) {
				l.seen = i + 1
				l.mu.Unlock()
				return
			}
		}
		if time.Now().After(deadline) {
			defer l.mu.Unlock()
			t.Fatalf("%s within %s; log:\n%s", why, timeout, strings.Join(l.lines, "\n"))
		}
		l.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForView waits for the server's debug line for a client view that
// names some container (other tests' containers may be running too) or, with
// onScreen false, none.
func (l *appLog) waitForView(t *testing.T, why string, onScreen bool) {
	t.Helper()
	l.waitFor(t, why, 15*time.Second, func(line string) bool {
		i := strings.Index(line, "client view\t{")
		if i < 0 {
			return false
		}
		var f struct{ Containers *int }
		if err := json.Unmarshal([]byte(line[i+len("client view\t"):]), &f); err != nil {
			t.Errorf("log line %q: %v", line, err)
			return false
		}
		return f.Containers != nil && (*f.Containers > 0) == onScreen
	})
}

// x runs an X client on display and returns its output.
func x(t *testing.T, display, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// startWindowManager runs openbox on display: without a window manager an X
// window cannot be minimised.
func startWindowManager(t *testing.T, display string) {
	t.Helper()
	wm := exec.Command("openbox", "--sm-disable")
	wm.Env = append(os.Environ(), "DISPLAY="+display)
	if err := wm.Start(); err != nil {
		t.Fatalf("start openbox: %v", err)
	}
	t.Cleanup(func() {
		_ = wm.Process.Kill() // disposable, like the display
		_ = wm.Wait()
	})
}

// startXvfb runs a virtual display on a free number and returns it, e.g. ":7".
// It is tall enough for the window (780 px) and openbox's title bar.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x860x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = x.Process.Kill() // the display is disposable
		_ = x.Wait()
	})
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb display number: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// checkNotBlank fails when the screenshot is one flat colour: the window
// did not paint.
func checkNotBlank(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	colours := map[string]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[fmt.Sprint(r>>8, g>>8, bl>>8)] = true
		}
	}
	if len(colours) < 10 {
		t.Fatalf("screenshot %s has %d colours: the window did not paint", path, len(colours))
	}
}
