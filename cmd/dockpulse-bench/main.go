// Command dockpulse-bench measures Dockpulse against the physical limit and
// against the old polling design, side by side in one run, on a real Docker
// engine and a real `dockpulse serve` (see docs/performance.md):
//
//  1. event latency: WebSocket clients vs a direct /events subscriber vs a
//     client polling every second;
//  2. stats cost: the backend vs `docker stats` on the same containers, and
//     the engine daemons' CPU in both cases;
//  3. memory of the WebSocket layer with 0, 1, 10 and 50 clients;
//  4. fan-out of an event burst to 50 clients, with and without a client
//     that stops reading;
//  5. scale: 1000 containers, 200 running;
//  6. visible-only sampling: the engine's CPU with `--stats visible` and a
//     client whose view names a few containers (streamed at 1 Hz, the rest
//     one-shot every 5 s), against `--stats all`;
//  7. headless: dockpulse-server's RSS and CPU beside the desktop binary's
//     `serve` (-server-bin);
//  8. remote latency: event latency over ssh:// (an sshd on 127.0.0.1 with
//     generated keys) and over tcp:// with TLS (generated certificates),
//     each engine named by a context and `dockpulse serve --context NAME`
//     against a direct /events subscriber over the same transport;
//  9. several engines: 1, 2 and 3 engines with 60 running containers each
//     in one `dockpulse serve`, `--stats all`: the backend's CPU and RSS per
//     engine;
//  10. logs: a line's latency through /ws/logs against `docker logs -f` on
//     the same container, and a flood of 50,000 lines a second for 30 s
//     (-logs-flood, -logs-rate): the backend's CPU against `docker logs -f
//     >/dev/null` on the same stream, its RSS, and the state stream's event
//     latency with the flood against without, against a flood only
//     `docker logs -f` follows and against one a second `docker logs -f`
//     follows in the backend's place (the flood's /ws/logs client is a
//     child process that counts lines, logsreader.go);
//  11. desktop: the dashboard in the real desktop webview (WebKitGTK under
//     Xvfb) with 1000 containers, 200 running, for 30 s of live updates:
//     frame gaps from the frame probe of a frameprobe build of the app
//     (-frameprobe-bin; make bench-desktop), the WebKit processes' CPU and
//     the load average. Skipped without -frameprobe-bin. Knobs:
//     -desktop-containers, -desktop-running, -desktop-window, -desktop-stats.
//
// By default it starts a private engine in a temporary directory and stops
// it at the end, so a user's engine is never filled with benchmark
// containers; -docker-host names an engine to use instead. Every container
// it makes carries the label dockpulse.bench and is removed at the end.
//
// Usage:
//
//	dockpulse-bench -bin build/bench/dockpulse [-server-bin build/bench/dockpulse-server] [-smoke] [-out FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// sizes are the knobs that the smoke mode shrinks.
type sizes struct {
	latencyClients, latencyChanges int
	statsCounts                    []int
	rounds                         int
	window, warmup                 time.Duration
	memClients                     []int
	fanoutClients, fanoutEvents    int
	scaleTotal, scaleRunning       int
	sampleVisible                  int
	// samplingCount is how many running containers the visible-only
	// sampling section runs (the largest stats count at most).
	samplingCount int
	// serverRunning is how many running containers the headless section
	// runs.
	serverRunning int
	// engineCounts are the numbers of engines the several-engines section
	// watches at once, each with enginesRunning running containers.
	engineCounts   []int
	enginesRunning int
	// logsLatencyLines is how many lines the logs latency counts;
	// logsFlood how long the logs flood lasts, at logsRate lines a second.
	logsLatencyLines int
	logsFlood        time.Duration
	logsRate         int
	// desktopTotal containers, desktopRunning of them running, and one
	// window of desktopWindow for the desktop webview section.
	desktopTotal, desktopRunning int
	desktopWindow                time.Duration
}

var full = sizes{
	latencyClients: 10, latencyChanges: 200,
	statsCounts: []int{20, 60, 200}, rounds: 3, window: 10 * time.Second, warmup: 3 * time.Second,
	memClients:    []int{0, 1, 10, 50},
	fanoutClients: 50, fanoutEvents: 1000,
	scaleTotal: 1000, scaleRunning: 200,
	sampleVisible: 10, samplingCount: 60,
	serverRunning: 60,
	engineCounts:  []int{1, 2, 3}, enginesRunning: 60,
	logsLatencyLines: 300, logsFlood: 30 * time.Second, logsRate: 50000,
	desktopTotal: 1000, desktopRunning: 200, desktopWindow: 30 * time.Second,
}

var smoke = sizes{
	latencyClients: 3, latencyChanges: 20,
	// warmup: a stream's first sample only sets the CPU baseline, so the
	// first batch reaches a client up to about two seconds after it opens.
	statsCounts: []int{3}, rounds: 1, window: time.Second, warmup: 2500 * time.Millisecond,
	memClients:    []int{0, 1, 3},
	fanoutClients: 3, fanoutEvents: 40,
	scaleTotal: 20, scaleRunning: 4,
	sampleVisible: 1, samplingCount: 3,
	serverRunning: 3,
	engineCounts:  []int{1, 2}, enginesRunning: 2,
	logsLatencyLines: 20, logsFlood: 3 * time.Second, logsRate: 50000,
	desktopTotal: 100, desktopRunning: 20, desktopWindow: 5 * time.Second,
}

// bench is one run.
type bench struct {
	eng   *engine
	bin   string
	sz    sizes
	smoke bool
	log   io.Writer // the backends' stderr and progress notes
	table *table
	// failures are correctness failures (lost or reordered events, leftover
	// containers); timings never fail the run.
	failures []string
	// altBin is a second backend build whose stats cost is measured beside
	// bin's (before/after a change).
	altBin string
	// serverBin is dockpulse-server, measured beside desktopBin's serve
	// (bin's when empty).
	serverBin, desktopBin string
	// frameProbeBin is a frameprobe build of the desktop app for the
	// desktop webview section, run with --stats desktopStats.
	frameProbeBin, desktopStats string
	// profileLogs makes -profile measure the allocations of following a
	// logs flood (profilelogs.go).
	profileLogs bool
}

func (b *bench) failf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.failures = append(b.failures, msg)
	fmt.Fprintln(os.Stderr, "FAIL:", msg)
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func main() {
	if u := os.Getenv(logsReaderEnv); u != "" {
		// The flood's /ws/logs client, a child of the benchmark (logsreader.go).
		os.Exit(runLogsReader(u))
	}
	bin := flag.String("bin", "", "the dockpulse binary to run as `dockpulse serve` (required)")
	host := flag.String("docker-host", "", "use this engine (DOCKER_HOST form) instead of starting a private one; the engine's daemon CPU is then not measured")
	dir := flag.String("engine-dir", "", "use (or start) the private engine kept in this directory, as `testengine start DIR` does")
	smokeMode := flag.Bool("smoke", false, "tiny sizes: checks that every measurement runs and that delivery is correct, in seconds")
	only := flag.String("only", "", "comma-separated subset: latency,stats,memory,fanout,scale,sampling,headless,latency-remote,engines,logs,desktop")
	out := flag.String("out", "", "also write the markdown report to this file")
	logPath := flag.String("log", "", "write the backends' logs here (default: discarded)")
	serverBin := flag.String("server-bin", "", "dockpulse-server, whose RSS and CPU are measured beside the desktop binary's serve")
	desktopBin := flag.String("desktop-bin", "", "the desktop build (make build) whose serve -server-bin is measured beside (default -bin)")
	altBin := flag.String("compare-bin", "", "a second dockpulse build whose stats cost is measured beside -bin's, in the same rounds")
	window := flag.Duration("window", 0, "override the measurement window")
	rounds := flag.Int("rounds", 0, "override the number of rounds")
	profile := flag.String("profile", "", "instead of the benchmark: run the backend in this process with -profile-containers running containers and -profile-clients clients, and write a CPU profile of one window here")
	profN := flag.Int("profile-containers", 60, "running containers for -profile")
	profClients := flag.Int("profile-clients", 1, "WebSocket clients for -profile")
	profBurst := flag.Int("profile-burst", 0, "with -profile: profile a burst of this many events instead of a steady window")
	profLogs := flag.Bool("profile-logs", false, "with -profile: following the logs flood (-logs-rate) with one /ws/logs client for one window (-window, default 20s): a CPU profile (PATH.cpu), the allocations (PATH.start, PATH) and the CPU a line")
	logsFlood := flag.Duration("logs-flood", 0, "how long the logs flood lasts (default 30s, 3s in smoke mode)")
	logsRate := flag.Int("logs-rate", 0, "lines a second the logs flood asks for (default 50000)")
	frameProbeBin := flag.String("frameprobe-bin", "", "a frameprobe build of the desktop app (make bench-desktop) for the desktop webview section; without it the section is skipped")
	desktopTotal := flag.Int("desktop-containers", 0, "containers for the desktop webview section (default 1000, 100 in smoke mode)")
	desktopRunning := flag.Int("desktop-running", 0, "running containers for the desktop webview section (default 200, 20 in smoke mode)")
	desktopWindow := flag.Duration("desktop-window", 0, "the desktop webview section's window (default 30s, 5s in smoke mode)")
	desktopStats := flag.String("desktop-stats", "all", "the desktop app's --stats mode in the desktop webview section")
	flag.Func("backend-env", "KEY=VALUE more in every backend's environment (repeat it), e.g. GOGC=200 or GODEBUG=gctrace=1 (its trace goes to -log)", func(v string) error {
		if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
			return fmt.Errorf("%q: want KEY=VALUE", v)
		}
		backendEnv = append(backendEnv, v)
		return nil
	})
	flag.Parse()
	if *bin == "" && *profile == "" {
		fmt.Fprintln(os.Stderr, "dockpulse-bench: -bin is required (build with: go build -o build/bench/dockpulse .)")
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if *profile != "" {
		os.Exit(runProfile(ctx, *host, *dir, *profile, *profN, *profClients, *profBurst, *profLogs, *window, *logsRate))
	}
	code := run(ctx, *bin, *host, *dir, *smokeMode, *only, *out, *logPath, func(b *bench) {
		b.altBin = *altBin
		b.serverBin, b.desktopBin = *serverBin, *desktopBin
		if *window > 0 {
			b.sz.window = *window
		}
		if *rounds > 0 {
			b.sz.rounds = *rounds
		}
		if *logsFlood > 0 {
			b.sz.logsFlood = *logsFlood
		}
		b.frameProbeBin, b.desktopStats = *frameProbeBin, *desktopStats
		if *desktopTotal > 0 {
			b.sz.desktopTotal = *desktopTotal
		}
		if *desktopRunning > 0 {
			b.sz.desktopRunning = *desktopRunning
		}
		if *desktopWindow > 0 {
			b.sz.desktopWindow = *desktopWindow
		}
		if *logsRate > 0 {
			b.sz.logsRate = *logsRate
		}
	})
	cancel()
	os.Exit(code)
}

func run(ctx context.Context, bin, host, dir string, smokeMode bool, only, out, logPath string, tune func(*bench)) int {
	b := &bench{bin: bin, sz: full, smoke: smokeMode, log: io.Discard, table: &table{}}
	if smokeMode {
		b.sz = smoke
	}
	tune(b)
	if logPath != "" {
		f, err := os.Create(logPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dockpulse-bench:", err)
			return 2
		}
		defer f.Close()
		b.log = f
	}
	if _, err := os.Stat(bin); err != nil {
		fmt.Fprintln(os.Stderr, "dockpulse-bench:", err)
		return 2
	}
	b.progress("starting the engine")
	eng, err := openEngine(ctx, host, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockpulse-bench: engine:", err)
		return 1
	}
	b.eng = eng
	if err := eng.removeAll(ctx); err != nil { // an interrupted earlier run
		fmt.Fprintln(os.Stderr, "dockpulse-bench:", err)
	}
	want := func(name string) bool {
		return only == "" || strings.Contains(","+only+",", ","+name+",")
	}
	steps := []struct {
		name string
		f    func(context.Context) error
	}{
		{"latency", b.latency},
		{"stats", b.statsCost},
		{"memory", b.memory},
		{"sampling", b.sampling},
		{"fanout", b.fanout},
		{"scale", b.scale},
		{"headless", b.headless},
		{"latency-remote", b.remoteLatency},
		{"engines", b.multiEngine},
		{"logs", b.logsBench},
		{"desktop", b.desktop},
	}
	var errs []error
	for _, s := range steps {
		if !want(s.name) || ctx.Err() != nil {
			continue
		}
		b.progress("measuring %s", s.name)
		if err := s.f(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.name, err))
			fmt.Fprintf(os.Stderr, "dockpulse-bench: %s: %v\n", s.name, err)
		}
	}
	b.progress("removing the benchmark containers")
	cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer ccancel()
	if err := eng.removeAll(cctx); err != nil {
		errs = append(errs, err)
	}
	if n, err := eng.leftovers(cctx); err != nil || n != 0 {
		b.failf("%d benchmark containers left on the engine (%v)", n, err)
	}
	if err := eng.close(cctx); err != nil {
		errs = append(errs, fmt.Errorf("close engine: %w", err))
	}

	report := b.report()
	fmt.Print(report)
	if out != "" {
		if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(os.Stderr, "dockpulse-bench:", err)
		return 1
	}
	if len(b.failures) > 0 {
		return 1
	}
	return 0
}

// report is the markdown the run prints.
func (b *bench) report() string {
	var sb strings.Builder
	mode := "full"
	if b.smoke {
		mode = "smoke (sizes too small to mean anything)"
	}
	fmt.Fprintf(&sb, "## Dockpulse benchmark, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&sb, "Mode: %s. Machine: %s. Engine: %s.\n\n", mode, machine(), b.eng.version())
	sb.WriteString(b.table.markdown())
	if len(b.failures) > 0 {
		sb.WriteString("\n**Failures:**\n\n")
		for _, f := range b.failures {
			fmt.Fprintf(&sb, "- %s\n", f)
		}
	}
	return sb.String()
}

// machine describes the host: cores and memory.
func machine() string {
	mem := "?"
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				var kb int64
				fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
				mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	model := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s), %s RAM, %s/%s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH)
}

func (e *engine) version() string {
	v, err := e.cli.ServerVersion(context.Background())
	if err != nil {
		return e.host
	}
	kind := "named engine " + e.host
	if e.dir != "" {
		kind = "private engine"
	}
	return fmt.Sprintf("Docker %s (API %s), %s", v.Version, v.APIVersion, kind)
}

func runProfile(ctx context.Context, host, dir, path string, n, clients, burst int, logs bool, window time.Duration, logsRate int) int {
	eng, err := openEngine(ctx, host, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockpulse-bench: engine:", err)
		return 1
	}
	b := &bench{eng: eng, sz: full, log: io.Discard, table: &table{}}
	b.sz.window = 20 * time.Second
	if window > 0 {
		b.sz.window = window
	}
	if logsRate > 0 {
		b.sz.logsRate = logsRate
	}
	b.profileLogs = logs
	perr := b.profileBackend(ctx, path, n, clients, burst)
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := errors.Join(perr, eng.close(cctx)); err != nil {
		fmt.Fprintln(os.Stderr, "dockpulse-bench:", err)
		return 1
	}
	return 0
}
