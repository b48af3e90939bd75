package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/service"
)

// profileLogsFlood is -profile with -profile-logs: the in-process backend
// follows the logs section's flood with one /ws/logs client that counts
// its lines (the child reader of the logs section, logsreader.go, so that
// this process holds the backend and little else) for one window, with
// `docker logs -f >/dev/null` on the same stream when docker is installed.
// Over that window it writes a CPU profile of the process to path.cpu
// (go tool pprof -top BINARY path.cpu) and the allocations: path.start and
// path, two heap profiles to subtract (go tool pprof
// -sample_index=alloc_space -base path.start BINARY path); and it prints
// the process's CPU a line (against docker logs -f's), what a line
// allocates and how often the collector ran.
func (b *bench) profileLogsFlood(ctx context.Context, be *backend, path string) error {
	script, _ := floodScript(b.sz)
	id, err := b.eng.runLogger(ctx, script)
	if err != nil {
		return err
	}
	u := protocoltest.LogsURL(be.wsURL(), service.EngineName, []string{id}, url.Values{"tail": {"0"}})
	c, err := startLogsReader(u, be.token)
	if err != nil {
		return err
	}
	defer c.Close()
	// docker logs -f writes to /dev/null itself here: its output read in
	// this process would be CPU counted as the backend's.
	var d *exec.Cmd
	if docker, err := exec.LookPath("docker"); err == nil {
		d = exec.Command(docker, "-H", b.eng.host, "logs", "-f", "--tail", "0", id)
		if err := d.Start(); err != nil {
			return fmt.Errorf("docker logs -f: %w", err)
		}
		defer func() {
			_ = d.Process.Kill()
			_ = d.Wait()
		}()
	}
	lines := func() int { return c.counts().lines }
	if !waitFor(30*time.Second, func() bool { return lines() > 0 || c.Err() != nil }) || c.Err() != nil {
		return errors.Join(errors.New("profile logs: no line of the flood reached /ws/logs in 30 s"), c.Err())
	}
	time.Sleep(b.sz.warmup)
	runtime.GC()
	if err := writeAllocs(path + ".start"); err != nil {
		return err
	}
	cf, err := os.Create(path + ".cpu")
	if err != nil {
		return err
	}
	defer cf.Close()
	if err := pprof.StartCPUProfile(cf); err != nil {
		return err
	}
	var m1, m2 runtime.MemStats
	runtime.ReadMemStats(&m1)
	self := startCPU(single(os.Getpid()))
	var theirs *cpuWindow
	if d != nil {
		theirs = startCPU(single(d.Process.Pid))
	}
	n1 := lines()
	time.Sleep(b.sz.window)
	n := lines() - n1
	cpu, tc := self.percent(), 0.0
	if theirs != nil {
		tc = theirs.percent()
	}
	pprof.StopCPUProfile()
	runtime.ReadMemStats(&m2)
	if err := writeAllocs(path); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("profile logs: no line in the %s window", b.sz.window)
	}
	// CPU a line: % of one core over the window is cpu/100 core-seconds a
	// second, over n/window lines a second.
	perLine := func(pct float64, lines int) time.Duration {
		return time.Duration(pct / 100 * b.sz.window.Seconds() / float64(lines) * 1e9)
	}
	// docker logs -f reads the same stream at the same time: its lines are
	// taken as as many.
	vs := ""
	if theirs != nil {
		vs = fmt.Sprintf(" (docker logs -f >/dev/null: %.1f %%, %s a line; %.2fx)", tc, perLine(tc, n), cpu/tc)
	}
	fmt.Fprintf(os.Stderr, "in-process backend following a flood, %s: %d lines (%.0f a second); CPU %.1f %% of one core, %s a line%s; go tool pprof -top BINARY %s.cpu\n",
		b.sz.window, n, float64(n)/b.sz.window.Seconds(), cpu, perLine(cpu, n), vs, path)
	fmt.Fprintf(os.Stderr, "%.0f bytes and %.2f allocations a line, %d collections; go tool pprof -sample_index=alloc_space -base %s.start BINARY %s\n",
		float64(m2.TotalAlloc-m1.TotalAlloc)/float64(n), float64(m2.Mallocs-m1.Mallocs)/float64(n), m2.NumGC-m1.NumGC, path, path)
	return nil
}

// writeAllocs writes the heap profile (allocations since the start) to path.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
