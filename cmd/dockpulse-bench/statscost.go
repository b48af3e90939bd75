package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/dockpulse/dockpulse/backend/service"
)

// window measures a process (pid 0: none) and the engine daemons over d,
// sampling the process's RSS every second.
type windowResult struct {
	cpu, engineCPU float64
	rss            int64
	parts          map[string]float64 // engine CPU by daemon
}

func (b *bench) measureWindow(pid int, d time.Duration) windowResult {
	var r windowResult
	var self *cpuWindow
	if pid != 0 {
		self = startCPU(single(pid))
	}
	var eng *cpuWindow
	parts := map[string]*cpuWindow{}
	if g, ok := b.eng.daemons(); ok {
		eng = startCPU(g)
		for name, pg := range engineParts(b.eng.dir) {
			parts[name] = startCPU(pg)
		}
	}
	var rss []float64
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		time.Sleep(min(time.Second, time.Until(deadline)))
		if pid != 0 {
			if v, err := rssBytes(pid); err == nil {
				rss = append(rss, float64(v))
			}
		}
	}
	if self != nil {
		r.cpu = self.percent()
	}
	if eng != nil {
		r.engineCPU = eng.percent()
		r.parts = map[string]float64{}
		for name, w := range parts {
			r.parts[name] = w.percent()
		}
	}
	r.rss = int64(median(rss))
	return r
}

// oneClient starts `bin serve args...`, waits for it to see the engine up,
// and connects one reading client. Stop the backend and close the client
// when done.
func (b *bench) oneClient(ctx context.Context, bin string, args ...string) (*backend, *wsClient, error) {
	be, err := startBackend(ctx, bin, b.eng.host, b.log, args...)
	if err != nil {
		return nil, nil, err
	}
	if err := waitEngineUp(ctx, be, 60*time.Second); err != nil {
		be.stop()
		return nil, nil, err
	}
	c, err := dialWS(ctx, be, false)
	if err != nil {
		be.stop()
		return nil, nil, err
	}
	return be, c, nil
}

// ours runs dockpulse serve with one WebSocket client over one window. The
// client sends no view, so every running container is sampled at 1 Hz in
// either stats mode, as with `docker stats` (and a -compare-bin build need
// not know the --stats flag). source, unless empty, is the --stats-source
// the backend runs and the one its engine info must name.
func (b *bench) oursWindow(ctx context.Context, bin, source string) (windowResult, error) {
	var args []string
	if source != "" {
		args = []string{"--stats-source", source}
	}
	be, c, err := b.oneClient(ctx, bin, args...)
	if err != nil {
		return windowResult{}, err
	}
	if got := c.Engine(service.EngineName).StatsSource; source != "" && got != source {
		b.failf("stats: --stats-source %s runs with the %q source", source, got)
	}
	defer be.stop()
	defer c.Close()
	time.Sleep(b.sz.warmup)
	r := b.measureWindow(be.pid(), b.sz.window)
	if c.SampleCount() == 0 {
		b.failf("stats: the client got no stats sample")
	}
	return r, nil
}

// cliWindow runs `docker stats` (all running containers, streaming) over
// one window, its output thrown away as a terminal would show it.
func (b *bench) cliWindow(ctx context.Context) (windowResult, error) {
	cmd := exec.CommandContext(ctx, "docker", "stats", "--format", "{{.ID}} {{.CPUPerc}} {{.MemUsage}} {{.NetIO}} {{.BlockIO}} {{.PIDs}}")
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+b.eng.host)
	cmd.Stdout = nil // /dev/null
	cmd.Stderr = b.log
	if err := cmd.Start(); err != nil {
		return windowResult{}, fmt.Errorf("docker stats: %w", err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	time.Sleep(b.sz.warmup)
	return b.measureWindow(cmd.Process.Pid, b.sz.window), nil
}

// statsCompare runs rounds of: dockpulse on the engine's stats, on the
// kernel's, docker stats, nothing; and returns the medians.
type statsFigures struct {
	ours, kernel, cli, idle, alt windowResult
}

func (b *bench) statsCompare(ctx context.Context, withIdle bool) (statsFigures, error) {
	var o, k, c, i, a []windowResult
	for r := 0; r < b.sz.rounds; r++ {
		w, err := b.oursWindow(ctx, b.bin, "engine")
		if err != nil {
			return statsFigures{}, err
		}
		o = append(o, w)
		if w, err = b.oursWindow(ctx, b.bin, "kernel"); err != nil {
			return statsFigures{}, err
		}
		k = append(k, w)
		if b.altBin != "" {
			w, err := b.oursWindow(ctx, b.altBin, "")
			if err != nil {
				return statsFigures{}, err
			}
			a = append(a, w)
		}
		w, err = b.cliWindow(ctx)
		if err != nil {
			return statsFigures{}, err
		}
		c = append(c, w)
		if withIdle {
			i = append(i, b.measureWindow(0, b.sz.window))
		}
	}
	return statsFigures{ours: medianWindow(o), kernel: medianWindow(k), cli: medianWindow(c), idle: medianWindow(i), alt: medianWindow(a)}, nil
}

func medianWindow(ws []windowResult) windowResult {
	var cpu, eng, rss []float64
	parts := map[string][]float64{}
	for _, w := range ws {
		cpu = append(cpu, w.cpu)
		eng = append(eng, w.engineCPU)
		rss = append(rss, float64(w.rss))
		for k, v := range w.parts {
			parts[k] = append(parts[k], v)
		}
	}
	r := windowResult{cpu: median(cpu), engineCPU: median(eng), rss: int64(median(rss)), parts: map[string]float64{}}
	for k, v := range parts {
		r.parts[k] = median(v)
	}
	return r
}

// breakdown is "dockerd x %, containerd y %, shims z %".
func breakdown(w windowResult) string {
	return fmt.Sprintf("dockerd %s, containerd %s, shims %s", pct(w.parts["dockerd"]), pct(w.parts["containerd"]), pct(w.parts["shims"]))
}

func (b *bench) statsCost(ctx context.Context) error {
	_, hasEngine := b.eng.daemons()
	for _, n := range b.sz.statsCounts {
		if _, _, err := b.eng.ensureContainers(ctx, n, n); err != nil {
			return err
		}
		f, err := b.statsCompare(ctx, true)
		if err != nil {
			return err
		}
		t := b.table
		t.section(fmt.Sprintf("2. Stats cost, %d running containers: median of %d windows of %s, one WebSocket client; `docker stats` streams the same containers; the backend on the engine's stats (--stats-source engine) unless a row says the kernel's", n, b.sz.rounds, b.sz.window))
		if hasEngine {
			// The whole cost of watching: the watcher's own CPU and what the
			// engine spends above its idle cost.
			whole := func(w windowResult) float64 { return w.cpu + max(0, w.engineCPU-f.idle.engineCPU) }
			t.add("whole cost of watching (own CPU + engine CPU above idle): kernel source vs `docker stats`", pct(whole(f.kernel)), pct(whole(f.cli)), ratio(whole(f.kernel), whole(f.cli)), verdict(whole(f.kernel) <= whole(f.cli)*0.05, "≤ 0.05×"))
			t.add("whole cost of watching: engine source vs `docker stats`", pct(whole(f.ours)), pct(whole(f.cli)), ratio(whole(f.ours), whole(f.cli)), "")
			t.add("engine CPU above idle: kernel source vs engine source", pct(f.kernel.engineCPU-f.idle.engineCPU), pct(f.ours.engineCPU-f.idle.engineCPU), ratio(f.kernel.engineCPU-f.idle.engineCPU, f.ours.engineCPU-f.idle.engineCPU), "")
		}
		t.add("backend CPU: kernel source vs engine source", pct(f.kernel.cpu), pct(f.ours.cpu), ratio(f.kernel.cpu, f.ours.cpu), "")
		t.add("backend CPU (% of one core) vs `docker stats` CLI", pct(f.ours.cpu), pct(f.cli.cpu), ratio(f.ours.cpu, f.cli.cpu), verdict(f.ours.cpu <= f.cli.cpu/2, "≤ 0.5×"))
		if b.altBin != "" {
			t.add("backend CPU, -compare-bin build vs this build", pct(f.alt.cpu), pct(f.ours.cpu), ratio(f.alt.cpu, f.ours.cpu), "")
			t.add("-compare-bin build vs `docker stats` CLI", pct(f.alt.cpu), pct(f.cli.cpu), ratio(f.alt.cpu, f.cli.cpu), verdict(f.alt.cpu <= f.cli.cpu/2, "≤ 0.5×"))
		}
		t.add("backend RSS vs `docker stats` CLI", mib(float64(f.ours.rss)), mib(float64(f.cli.rss)), ratio(float64(f.ours.rss), float64(f.cli.rss)), "")
		if hasEngine {
			t.add("engine CPU (dockerd+containerd+shims) while Dockpulse streams vs while `docker stats` streams", pct(f.ours.engineCPU), pct(f.cli.engineCPU), ratio(f.ours.engineCPU, f.cli.engineCPU), "")
			t.add("engine CPU with nobody watching (idle)", pct(f.idle.engineCPU), "", breakdown(f.idle), "")
			t.add("engine CPU by daemon while Dockpulse streams", pct(f.ours.engineCPU), "", breakdown(f.ours), "")
			t.add("engine CPU vs backend CPU while Dockpulse streams", pct(f.ours.engineCPU), pct(f.ours.cpu), "engine work above idle = "+ratio(f.ours.engineCPU-f.idle.engineCPU, f.ours.cpu)+" the backend's CPU", "")
		}
	}
	return nil
}
