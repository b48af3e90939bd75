package main

import (
	"bufio"
	"bytes"
	"context"
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

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/notify"
	"github.com/dockpulse/dockpulse/backend/notify/notifytest"
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
// the container again once restored. A container that dies unexpectedly
// while the window is minimised must reach the notification service on the
// session bus; one that died while the window was on screen must not.
func TestDesktopWindowConnects(t *testing.T) {
	desktopWindowConnects(t, desktopBin(t))
}

// desktopWindowConnects is TestDesktopWindowConnects for the command argv
// (the build's binary, or an installed menu entry's Exec line).
func desktopWindowConnects(t *testing.T, argv ...string) {
	requireXTools(t)
	bin := argv[0]
	e := enginetest.Require(t)
	e.RunContainer(t, "dp-desktop-running")
	e.CreateContainer(t, "dp-desktop-created")

	display := startXvfb(t)
	startWindowManager(t, display)
	bus := notifytest.Start(t)
	app := startDesktop(t, argv, display, e.Host, bus.Address)
	log := app.log
	// The webview composites through OpenGL only with a GPU (webview_gpu.go).
	wantGPU := map[bool]string{true: "always", false: "never"}[haveRenderNode()]
	log.waitFor(t, "the app never logged its webview's hardware acceleration", 90*time.Second, func(line string) bool {
		i := strings.Index(line, "webview hardware acceleration\t{")
		if i < 0 {
			return false
		}
		var f struct{ Policy string }
		if err := json.Unmarshal([]byte(line[i+len("webview hardware acceleration\t"):]), &f); err != nil || f.Policy != wantGPU {
			t.Errorf("log line %q: policy %q (%v), want %q", line, f.Policy, err, wantGPU)
		}
		return true
	})
	if want := os.Getenv(EnvDesktopVersion); want != "" {
		out, err := exec.Command(bin, "--version").Output()
		if err != nil || string(out) != "dockpulse "+want+"\n" {
			t.Errorf("%s --version: %q, %v; want %q and exit 0", bin, out, err, "dockpulse "+want+"\n")
		}
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

	win := oneVisibleWindow(t, display)
	// A container that dies while the window is on screen: the toast says
	// so, the OS is not asked.
	seen := e.RunContainer(t, "dp-desktop-dies-seen", "sh", "-c", "sleep 1; exit 4")
	waitExited(t, e, seen)
	time.Sleep(time.Second) // the page hears of it over the socket within a moment

	minimise(t, display, win, log)
	e.RunContainer(t, "dp-desktop-dies", "sh", "-c", "sleep 1; exit 3")
	got := bus.WaitFor(t, "no OS notification for a container that died while the window was minimised", 30*time.Second,
		func(n notifytest.Notification) bool { return strings.Contains(n.Summary, "dp-desktop-dies ") })
	if got.AppName != notify.AppName || got.Summary != "dp-desktop-dies died unexpectedly (exit 3)" {
		t.Errorf("notification %+v, want app %q and summary %q", got, notify.AppName, "dp-desktop-dies died unexpectedly (exit 3)")
	}
	for _, n := range bus.All() {
		if strings.Contains(n.Summary, "dp-desktop-dies-seen") {
			t.Errorf("OS notification %+v for a death the window showed", n)
		}
	}
	x(t, display, "xdotool", "windowactivate", win)
	log.waitForView(t, "the restored window did not report the running container again", true)

	app.stop(t)
}

// TestDesktopSecondLaunchRaisesTheFirst minimises the desktop window and
// launches the binary again: the second launch must exit at once, and the
// first window come back on screen (its page reports containers on screen
// again), the only Dockpulse window there is.
func TestDesktopSecondLaunchRaisesTheFirst(t *testing.T) {
	bin := desktopBin(t)
	e := enginetest.Require(t)
	e.RunContainer(t, "dp-desktop-single")
	display := startXvfb(t)
	startWindowManager(t, display)
	bus := notifytest.Start(t)
	first := startDesktop(t, []string{bin}, display, e.Host, bus.Address)
	first.log.waitForView(t, "the page never reported the running container as on screen", true)
	win := oneVisibleWindow(t, display)
	minimise(t, display, win, first.log)

	second := startDesktop(t, []string{bin}, display, e.Host, bus.Address)
	select {
	case err := <-second.exited:
		second.stopped = true
		t.Logf("second launch exited: %v", err)
		if strings.Contains(second.log.text(), "backend start") || strings.Contains(second.log.text(), "listening") {
			t.Errorf("the second launch started a backend of its own before it exited; its log:\n%s", second.log.text())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the second launch was still running after 20 s; its log:\n%s", second.log.text())
	}
	first.log.waitFor(t, "the first instance never heard of the second launch", 10*time.Second, func(line string) bool {
		return strings.Contains(line, "second launch")
	})
	first.log.waitForView(t, "the first window did not come back on screen", true)
	visible := strings.Fields(x(t, display, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^Dockpulse$"))
	if len(visible) != 1 || visible[0] != win {
		t.Errorf("visible Dockpulse windows %q, want only the first, %s", visible, win)
	}
	first.stop(t)
}

// oneVisibleWindow waits for the Dockpulse window to show and returns its
// X id, failing unless there is exactly one.
func oneVisibleWindow(t *testing.T, display string) string {
	t.Helper()
	win := strings.Fields(x(t, display, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^Dockpulse$"))
	if len(win) != 1 {
		t.Fatalf("want one visible Dockpulse window, found %q", win)
	}
	return win[0]
}

// minimise minimises the window and waits until its page, whose log is
// log, reports nothing on screen.
func minimise(t *testing.T, display, win string, log *appLog) {
	t.Helper()
	x(t, display, "xdotool", "windowminimize", win)
	log.waitForView(t, "the minimised window still reported containers on screen", false)
}

// desktopBin is the desktop binary to test (EnvDesktopBin), after checking
// that the X tools the tests drive it with are installed.
func desktopBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(EnvDesktopBin)
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must test the desktop build (make test sets it)", EnvDesktopBin)
		}
		t.Skipf("set %s to a binary from make build to test the desktop window", EnvDesktopBin)
	}
	requireXTools(t)
	return bin
}

// requireXTools checks that the X tools the tests drive the app with are
// installed.
func requireXTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"Xvfb", "openbox", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s: %v (scripts/install-deps.sh installs it)", tool, err)
		}
	}
}

// desktopApp is a desktop binary running under test, with its log.
type desktopApp struct {
	cmd     *exec.Cmd
	log     *appLog
	exited  chan error
	stopped bool
}

// startDesktop starts the desktop binary on display against the engine at
// host, with the session bus at busAddr and a home of its own; the test's
// end kills it if stop was not called.
func startDesktop(t *testing.T, argv []string, display, host, busAddr string) *desktopApp {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "DOCKER_HOST="+host, "DOCKPULSE_LOG_LEVEL=debug",
		"DBUS_SESSION_BUS_ADDRESS="+busAddr, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %q: %v", argv, err)
	}
	a := &desktopApp{cmd: cmd, log: &appLog{}, exited: make(chan error, 1)}
	t.Cleanup(func() {
		if !a.stopped {
			_ = cmd.Process.Kill() // the test failed; just end it
			<-a.exited
		}
	})
	go func() {
		defer func() { a.exited <- cmd.Wait() }()
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			a.log.add(sc.Text())
		}
	}()
	return a
}

// stop ends the app with SIGTERM, as a session's end does, and fails if it
// does not exit cleanly within 15 s.
func (a *desktopApp) stop(t *testing.T) {
	t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	a.stopped = true
	select {
	case err := <-a.exited:
		if err != nil && !strings.Contains(err.Error(), "signal: terminated") {
			t.Errorf("desktop app exit: %v", err)
		}
	case <-time.After(15 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.exited
		t.Error("the desktop app ignored SIGTERM for 15 s")
	}
}

// waitExited waits up to 30 s for the container to exit.
func waitExited(t *testing.T, e *enginetest.Engine, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done, errs := e.Client(t).ContainerWait(ctx, id, container.WaitConditionNotRunning)
	select {
	case <-done:
	case err := <-errs:
		t.Fatalf("wait for container %s to exit: %v", id, err)
	}
}

// appLog collects the desktop app's log lines as they come, for waiting on.
type appLog struct {
	mu    sync.Mutex
	lines []string
	seen  int // lines already matched by a wait: each wait looks further on
}

func (l *appLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
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
	return startXvfbScreen(t, "1280x860x24")
}

// startXvfbScreen runs a virtual display with one screen of the given
// geometry (WIDTHxHEIGHTxDEPTH) and returns it.
func startXvfbScreen(t *testing.T, screen string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp")
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
