package main

import (
	"bufio"
	"bytes"
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
// TestDesktopWindowConnects; EnvScreenshot, where to save its screenshot.
const (
	EnvDesktopBin = "DOCKPULSE_DESKTOP_BIN"
	EnvScreenshot = "DOCKPULSE_SCREENSHOT"
)

// TestDesktopWindowConnects starts the real desktop build in a virtual X
// display against the test engine, checks from the backend's log that the
// webview's WebSocket connected, and saves a screenshot of the window.
func TestDesktopWindowConnects(t *testing.T) {
	bin := os.Getenv(EnvDesktopBin)
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must test the desktop build (make test sets it)", EnvDesktopBin)
		}
		t.Skipf("set %s to a binary from make build to test the desktop window", EnvDesktopBin)
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatalf("Xvfb: %v (apt-get install xvfb)", err)
	}
	e := enginetest.Require(t)
	e.RunContainer(t, "dp-desktop-running")
	e.CreateContainer(t, "dp-desktop-created")

	display := startXvfb(t)
	home := t.TempDir()
	app := exec.Command(bin)
	app.Env = append(os.Environ(), "DISPLAY="+display, "DOCKER_HOST="+e.Host, "DOCKPULSE_LOG_LEVEL=debug",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	logs, err := app.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = app.Process.Kill() // the test failed; just end it
			<-exited
		}
	})
	connected := make(chan struct{})
	var logMu sync.Mutex
	var logText strings.Builder
	go func() {
		defer func() { exited <- app.Wait() }()
		sc := bufio.NewScanner(logs)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			logText.WriteString(line + "\n")
			logMu.Unlock()
			if strings.Contains(line, "client connected") {
				once.Do(func() { close(connected) })
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(90 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("the webview's socket never connected; log:\n%s", logText.String())
	}
	time.Sleep(2 * time.Second) // let the first frames paint

	shot := os.Getenv(EnvScreenshot)
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "desktop.png")
	}
	cmd := exec.Command("import", "-window", "root", shot)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v: %s", err, out)
	}
	checkNotBlank(t, shot)
	t.Logf("desktop screenshot: %s", shot)

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

// startXvfb runs a virtual display on a free number and returns it, e.g. ":7".
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
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
