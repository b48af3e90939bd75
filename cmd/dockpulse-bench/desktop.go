package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// desktop measures the dashboard in the real desktop webview (WebKitGTK),
// the same page and load that frontend/e2e/bench.e2e.ts measures in headless
// Chromium: desktopTotal containers in 25 compose projects, desktopRunning
// of them forking every second, the backend with --stats all, and for one
// window a pause/unpause cycle every half second while xdotool scrolls the
// table and re-sorts it every 2.5 s. WebKitGTK has no long-task API, so the
// figures are frame gaps, from the frame probe compiled into a frameprobe
// build of the app (-frameprobe-bin; make bench-desktop builds it), which
// the app writes to its log. Beside them: the CPU time of the app's
// processes (the app itself: Go backend and GTK; WebKitWebProcess, which
// runs the page; WebKitNetworkProcess) and the load average. It prints
// figures and never fails on them.
func (b *bench) desktop(ctx context.Context) error {
	if b.frameProbeBin == "" {
		b.progress("desktop: skipped (no -frameprobe-bin; make bench-desktop builds one)")
		return nil
	}
	for _, tool := range []string{"Xvfb", "xdotool", "dbus-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s: %w (scripts/install-deps.sh installs it)", tool, err)
		}
	}
	sz := b.sz
	if err := b.eng.removeAll(ctx); err != nil {
		return err
	}
	defer func() {
		if err := b.eng.removeAll(context.WithoutCancel(ctx)); err != nil {
			b.progress("desktop: remove containers: %v", err)
		}
	}()
	t0 := time.Now()
	running, err := b.eng.dashboardContainers(ctx, sz.desktopTotal, sz.desktopRunning)
	if err != nil {
		return err
	}
	b.progress("desktop: %d containers, %d running, in %s", sz.desktopTotal, len(running), time.Since(t0).Round(time.Second))

	tmp, err := os.MkdirTemp("", "dpdesk.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}()
	display, stop, err := startXvfb()
	if err != nil {
		return err
	}
	stops = append(stops, stop)
	if _, err := exec.LookPath("openbox"); err == nil { // as the desktop test runs it; optional here
		wm := exec.Command("openbox", "--sm-disable")
		wm.Env = append(os.Environ(), "DISPLAY="+display)
		if err := wm.Start(); err == nil {
			stops = append(stops, func() { _ = wm.Process.Kill(); _ = wm.Wait() })
		}
	}
	bus, stop, err := startSessionBus(tmp)
	if err != nil {
		return err
	}
	stops = append(stops, stop)

	app := exec.Command(b.frameProbeBin, "--stats", b.desktopStats)
	home := filepath.Join(tmp, "home")
	app.Env = append(os.Environ(), "DISPLAY="+display, "DOCKER_HOST="+b.eng.host, "DOCKPULSE_LOG_LEVEL=debug",
		"DBUS_SESSION_BUS_ADDRESS="+bus, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"DOCKPULSE_FRAME_PROBE_WINDOW="+sz.desktopWindow.String())
	stderr, err := app.StderrPipe()
	if err != nil {
		return err
	}
	app.Stdout = b.log
	if err := app.Start(); err != nil {
		return fmt.Errorf("start %s: %w", b.frameProbeBin, err)
	}
	lines := newLineLog(stderr, b.log)
	stops = append(stops, func() {
		_ = app.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = app.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = app.Process.Kill()
			<-done
		}
	})
	// The page has every container once its socket is connected and the
	// engine's listing held them all, in either order: a page that connects
	// first gets them as deltas (with --stats all the server ignores the
	// page's view).
	var connected, listed bool
	if _, err := lines.waitFor(ctx, 2*time.Minute, func(l string) bool {
		var v struct{ Containers *int }
		switch {
		case logFields(l, "client connected", &v):
			connected = true
		case logFields(l, "engine connected", &v):
			listed = listed || v.Containers != nil && *v.Containers >= sz.desktopTotal
		}
		return connected && listed
	}); err != nil {
		return fmt.Errorf("the page's socket never connected with all %d containers listed (connected %v, listed %v): %w", sz.desktopTotal, connected, listed, err)
	}
	sleepCtx(ctx, 2*time.Second) // the first stats batches, as bench.e2e.ts waits
	lines.skip()                 // the window starts with the next report
	load, err := lines.nextFrames(ctx, sz.desktopWindow+time.Minute)
	if err != nil {
		return fmt.Errorf("no frame probe report (is %s a frameprobe build?): %w", b.frameProbeBin, err)
	}
	win, err := appWindow(display)
	if err != nil {
		return err
	}
	b.progress("desktop: the app's window %s on display %s; frame probe window %d while loading: %d frames", win, display, load.Seq, load.Frames)

	// The idle window (seq+1): stats stream, nobody touches the table. It
	// starts as the probe's window does and ends with that window's report.
	idleWeb := startCPU(appProcs(app.Process.Pid, "WebKitWebProcess"))
	idleLoad := loadAverage()
	idle, err := lines.nextFrames(ctx, sz.desktopWindow+time.Minute)
	if err != nil {
		return fmt.Errorf("no frame probe report for the idle window: %w", err)
	}
	idleWebPct, idleSecs := idleWeb.percent(), time.Since(idleWeb.t0).Seconds()

	// The window (seq+2), the same way, with live updates.
	cpu := startCPU(appProcs(app.Process.Pid))
	parts := map[string]*cpuWindow{}
	for _, name := range []string{"dockpulse", "WebKitWebProcess", "WebKitNetworkProcess"} {
		parts[name] = startCPU(appProcs(app.Process.Pid, name))
	}
	loadBefore := loadAverage()
	wctx, cancel := context.WithTimeout(ctx, sz.desktopWindow)
	var churns, refused atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; wctx.Err() == nil && len(running) > 0; i++ {
			id := running[i%len(running)]
			if err := b.eng.cli.ContainerPause(ctx, id); err != nil {
				refused.Add(1)
			}
			sleepCtx(wctx, 250*time.Millisecond)
			if err := b.eng.cli.ContainerUnpause(ctx, id); err != nil {
				refused.Add(1)
			}
			sleepCtx(wctx, 250*time.Millisecond)
			churns.Add(1)
		}
	}()
	var xerr error
	go func() {
		defer wg.Done()
		xerr = driveTable(wctx, display, win)
	}()
	got, err := lines.nextFrames(ctx, sz.desktopWindow+time.Minute)
	cancel()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("no frame probe report for the measured window: %w", err)
	}
	if idle.Seq != load.Seq+1 || got.Seq != load.Seq+2 {
		return fmt.Errorf("frame probe windows %d and %d after %d: the reports skipped one", idle.Seq, got.Seq, load.Seq)
	}
	secs := time.Since(cpu.t0).Seconds()
	loadAfter := loadAverage()

	t := b.table
	t.section(fmt.Sprintf("11. The dashboard in the desktop webview (WebKitGTK under Xvfb): %d containers, %d running, `--stats %s`, %s of live updates (%d pause/unpause cycles, %d refused; scroll and re-sort with xdotool)",
		sz.desktopTotal, len(running), b.desktopStats, sz.desktopWindow, churns.Load(), refused.Load()))
	t.add("frames (requestAnimationFrame callbacks) in the window", fmt.Sprintf("%d in %.1f s (%.0f/s)", got.Frames, got.WindowMs/1000, float64(got.Frames)/(got.WindowMs/1000)), "", "", "")
	t.add("frame gaps over 50 ms", strconv.Itoa(got.Over50), "", "", "")
	t.add("worst frame gap / p99", fmt.Sprintf("%s / %s", optMs(got.WorstMs), optMs(got.P99Ms)), "", "", "")
	t.add("idle window before it (stats stream, no pause/unpause, no scroll)", fmt.Sprintf("%d frames in %.1f s (%.0f/s), %d gaps over 50 ms, worst %s; WebKitWebProcess %.1f s (%s); load average %s",
		idle.Frames, idle.WindowMs/1000, float64(idle.Frames)/(idle.WindowMs/1000), idle.Over50, optMs(idle.WorstMs), idleWebPct*idleSecs/100, pct(idleWebPct), idleLoad), "", "", "")
	t.add("while loading (the probe's first window: the page's load and first batches)", fmt.Sprintf("%d frames in %.1f s, %d gaps over 50 ms, worst %s", load.Frames, load.WindowMs/1000, load.Over50, optMs(load.WorstMs)), "", "", "")
	t.add("CPU of the app's processes over the window (all)", fmt.Sprintf("%.1f s (%s of one core)", cpu.percent()*secs/100, pct(cpu.percent())), "", "", "")
	for _, name := range []string{"WebKitWebProcess", "dockpulse", "WebKitNetworkProcess"} {
		p := parts[name].percent()
		what := map[string]string{"dockpulse": "the app process (Go backend, GTK)", "WebKitWebProcess": "WebKitWebProcess (the page)", "WebKitNetworkProcess": "WebKitNetworkProcess"}[name]
		t.add("CPU: "+what, fmt.Sprintf("%.1f s (%s)", p*secs/100, pct(p)), "", "", "")
	}
	t.add("load average before / after the window", loadBefore+" / "+loadAfter, "", "", "")
	if xerr != nil {
		b.progress("desktop: xdotool: %v", xerr)
		t.add("xdotool", "failed: "+xerr.Error(), "", "", "")
	}
	return nil
}

// dashboardContainers makes total containers as bench.e2e.ts does: names
// bench-NNNN, 25 compose projects, the first running ones forking every
// second so their figures keep changing. It returns the running ones.
func (e *engine) dashboardContainers(ctx context.Context, total, running int) ([]string, error) {
	ids := make([]string, total)
	err := parallel(total, createWorkers, func(i int) error {
		cmd := []string{"true"}
		if i < running {
			cmd = []string{"sh", "-c", "while true; do sleep 1; done"}
		}
		stop := 1
		resp, err := e.cli.ContainerCreate(ctx, &container.Config{
			Image: enginetest.TestImage,
			Cmd:   cmd,
			Labels: map[string]string{enginetest.TestLabel: "1", benchLabel: "1",
				"com.docker.compose.project": fmt.Sprintf("proj-%d", i%25), "com.docker.compose.service": fmt.Sprintf("svc-%d", i)},
			StopTimeout: &stop,
		}, &container.HostConfig{NetworkMode: "none"}, nil, nil, fmt.Sprintf("bench-%04d", i))
		if err != nil {
			return fmt.Errorf("create container bench-%04d: %w", i, err)
		}
		ids[i] = resp.ID
		e.mu.Lock()
		e.created = append(e.created, resp.ID)
		e.mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	live := ids[:min(running, total)]
	err = parallel(len(live), createWorkers, func(i int) error {
		if err := e.cli.ContainerStart(ctx, live[i], container.StartOptions{}); err != nil {
			return fmt.Errorf("start container: %w", err)
		}
		e.mu.Lock()
		e.running[live[i]] = true
		e.mu.Unlock()
		return nil
	})
	return live, err
}

// driveTable scrolls the table and changes its sort every 2.5 s until ctx
// ends, as bench.e2e.ts does with the mouse. The points are in the window's
// coordinates at its default size (1200×780): the table's middle and the
// CPU and Name column headers.
func driveTable(ctx context.Context, display, win string) error {
	xdo := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.CombinedOutput(); err != nil && ctx.Err() == nil {
			return fmt.Errorf("xdotool %s: %w: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	for s := 0; ctx.Err() == nil; s++ {
		if err := xdo("mousemove", "--window", win, strconv.Itoa(tableMiddle[0]), strconv.Itoa(tableMiddle[1]), "click", "--repeat", "15", "--delay", "10", "5"); err != nil {
			return err
		}
		sleepCtx(ctx, 2500*time.Millisecond)
		at := sortName
		if s%2 == 0 {
			at = sortCPU
		}
		if err := xdo("mousemove", "--window", win, strconv.Itoa(at[0]), strconv.Itoa(at[1]), "click", "1"); err != nil {
			return err
		}
		sleepCtx(ctx, 2500*time.Millisecond)
	}
	return nil
}

// Where driveTable points, in window coordinates (docs/performance.md says
// how they were found: a screenshot of the window at its default size).
var (
	tableMiddle = [2]int{560, 320}
	sortName    = [2]int{40, 108}
	sortCPU     = [2]int{672, 108}
)

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func optMs(v *float64) string {
	if v == nil {
		return "unknown"
	}
	return fmt.Sprintf("%.0f ms", *v)
}

// appProcs is the app's process and its descendants (the WebKit processes),
// or with names, only those whose command name (/proc/PID/comm, cut to 15
// bytes by the kernel) starts one of them.
func appProcs(root int, names ...string) procGroup {
	return procGroup{pids: func() []int {
		parent := map[int]int{}
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if f, err := statFields(pid); err == nil {
				ppid, _ := strconv.Atoi(f[1])
				parent[pid] = ppid
			}
		}
		ours := func(pid int) bool {
			for p := pid; p > 1; p = parent[p] {
				if p == root {
					return true
				}
			}
			return false
		}
		var out []int
		for pid := range parent {
			if !ours(pid) {
				continue
			}
			if len(names) > 0 {
				comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
				c := strings.TrimSpace(string(comm))
				match := false
				for _, n := range names {
					// comm is cut to 15 bytes: "WebKitWebProces", "dockpulse-frame".
					match = match || (c != "" && (strings.HasPrefix(n, c) || strings.HasPrefix(c, n)))
				}
				if !match {
					continue
				}
			}
			out = append(out, pid)
		}
		return out
	}}
}

// startXvfb runs a virtual display tall enough for the window and openbox's
// title bar, as desktop_test.go does, and returns it (":7").
func startXvfb() (string, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x860x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		return "", nil, fmt.Errorf("start Xvfb: %w", err)
	}
	w.Close()
	stop := func() { _ = x.Process.Kill(); _ = x.Wait() }
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("Xvfb display number: %w", err)
	}
	return ":" + strings.TrimSpace(line), stop, nil
}

// startSessionBus runs a private D-Bus session bus (the app's single-instance
// lock lives on it) and returns its address.
func startSessionBus(dir string) (string, func(), error) {
	d := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address", "--address=unix:path="+filepath.Join(dir, "bus"))
	out, err := d.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := d.Start(); err != nil {
		return "", nil, fmt.Errorf("start dbus-daemon: %w", err)
	}
	stop := func() { _ = d.Process.Kill(); _ = d.Wait() }
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("dbus-daemon address: %w", err)
	}
	return strings.TrimSpace(addr), stop, nil
}

// appWindow finds the app's visible window on display.
func appWindow(display string) (string, error) {
	cmd := exec.Command("xdotool", "search", "--sync", "--onlyvisible", "--name", "^Dockpulse$")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("xdotool search for the Dockpulse window: %w", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 1 {
		return "", fmt.Errorf("want one visible Dockpulse window, found %q", f)
	}
	return f[0], nil
}

// lineLog collects the app's log lines (zap's console format) as they come;
// each wait looks past the lines earlier waits matched.
type lineLog struct {
	mu    sync.Mutex
	lines []string
	seen  int
	done  bool
}

func newLineLog(r io.Reader, copyTo io.Writer) *lineLog {
	l := &lineLog{}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Fprintln(copyTo, sc.Text())
			l.mu.Lock()
			l.lines = append(l.lines, sc.Text())
			l.mu.Unlock()
		}
		l.mu.Lock()
		l.done = true
		l.mu.Unlock()
	}()
	return l
}

func (l *lineLog) waitFor(ctx context.Context, timeout time.Duration, match func(string) bool) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		l.mu.Lock()
		for i := l.seen; i < len(l.lines); i++ {
			if match(l.lines[i]) {
				l.seen = i + 1
				l.mu.Unlock()
				return l.lines[i], nil
			}
		}
		done := l.done
		l.mu.Unlock()
		switch {
		case done:
			return "", errors.New("the app exited")
		case ctx.Err() != nil:
			return "", ctx.Err()
		case time.Now().After(deadline):
			return "", fmt.Errorf("nothing within %s", timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// skip makes later waits look only at lines still to come.
func (l *lineLog) skip() {
	l.mu.Lock()
	l.seen = len(l.lines)
	l.mu.Unlock()
}

// frameReport is the app's "frame probe" log line (frameprobe.go).
type frameReport struct {
	Seq      int
	Frames   int
	WindowMs float64
	Over50   int `json:"over50ms"`
	WorstMs  *float64
	P99Ms    *float64
}

func (l *lineLog) nextFrames(ctx context.Context, timeout time.Duration) (frameReport, error) {
	var r frameReport
	_, err := l.waitFor(ctx, timeout, func(line string) bool { return logFields(line, "frame probe", &r) })
	return r, err
}

// logFields decodes the JSON fields of a zap console line with message msg.
func logFields(line, msg string, v any) bool {
	i := strings.Index(line, msg+"\t{")
	if i < 0 {
		return false
	}
	return json.Unmarshal([]byte(line[i+len(msg)+1:]), v) == nil
}
