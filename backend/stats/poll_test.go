package stats

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/dockpulse/dockpulse/backend/model"
)

// fakePoller reads made-up counters: each read of a container's reader adds
// one second of CPU time, on a 4-CPU host whose CPU time grows by 4 s per
// round, so that every sample after the first reads 100 %.
type fakePoller struct {
	mu       sync.Mutex
	system   uint64
	opens    map[string]int
	readers  map[string][]*fakeReader
	openErr  map[string]error // what Open of a container returns
	readErr  map[string]error // what every Read of a container's readers returns
	lastRead map[string]Sample
}

func newFakePoller() *fakePoller {
	return &fakePoller{opens: map[string]int{}, readers: map[string][]*fakeReader{},
		openErr: map[string]error{}, readErr: map[string]error{}, lastRead: map[string]Sample{}}
}

func (p *fakePoller) Open(ctx context.Context, id string) (Reader, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opens[id]++
	if err := p.openErr[id]; err != nil {
		return nil, err
	}
	r := &fakeReader{p: p, id: id}
	p.readers[id] = append(p.readers[id], r)
	return r, nil
}

func (p *fakePoller) HostCPU() (CPU, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.system += 4e9
	return CPU{System: p.system, Online: 4}, nil
}

func (p *fakePoller) setReadErr(id string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readErr[id] = err
}

func (p *fakePoller) setOpenErr(id string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.openErr[id] = err
}

// open returns the readers of a container that are still open.
func (p *fakePoller) open(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.readers[id] {
		if !r.closed {
			n++
		}
	}
	return n
}

func (p *fakePoller) last(id string) Sample {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastRead[id]
}

type fakeReader struct {
	p      *fakePoller
	id     string
	reads  uint64
	closed bool
}

func (r *fakeReader) Read(at time.Time, host CPU) (Sample, error) {
	r.p.mu.Lock()
	defer r.p.mu.Unlock()
	if r.closed {
		return Sample{}, errors.New("fake reader: read after close")
	}
	if err := r.p.readErr[r.id]; err != nil {
		return Sample{}, err
	}
	r.reads++
	s := Sample{
		Read:     at,
		CPU:      CPU{Total: r.reads * 1e9, System: host.System, Online: host.Online},
		Memory:   Memory{Usage: 100 << 20, Limit: 1 << 30, InactiveFile: 10 << 20},
		Networks: []Network{{Rx: 1000 * r.reads, Tx: 500 * r.reads}},
		BlockIO:  []BlockIO{{Op: "read", Bytes: 4096}, {Op: "write", Bytes: 8192 * r.reads}},
		Pids:     3,
	}
	r.p.lastRead[r.id] = s
	return s, nil
}

func (r *fakeReader) Close() error {
	r.p.mu.Lock()
	defer r.p.mu.Unlock()
	if r.closed {
		return errors.New("fake reader: closed twice")
	}
	r.closed = true
	return nil
}

// pollHarness runs a collector with a fake Poller and a fake engine that
// can take one-shot samples.
type pollHarness struct {
	*harness
	poller  *fakePoller
	oneShot *oneShotSource

	mu      sync.Mutex
	sources []string
	reasons []error
}

func startPollHarness(t *testing.T, cfg Config) *pollHarness {
	t.Helper()
	ph := &pollHarness{poller: newFakePoller(), oneShot: newOneShotSource()}
	cfg.Poller = ph.poller
	cfg.OnSource = func(source string, reason error) {
		ph.mu.Lock()
		defer ph.mu.Unlock()
		ph.sources = append(ph.sources, source)
		ph.reasons = append(ph.reasons, reason)
	}
	ph.harness = harnessOn(t, ph.oneShot.fakeSource, ph.oneShot, cfg)
	ph.run(t)
	return ph
}

// round makes the collector poll and flush once, and returns when it has.
func (ph *pollHarness) round(t *testing.T) { ph.clock.flush(t) }

func (ph *pollHarness) fellBack() []error {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	return append([]error(nil), ph.reasons...)
}

// lastOf is the latest published sample of a container.
func (ph *pollHarness) lastOf(id string) (model.Stats, bool) {
	var last model.Stats
	found := false
	for _, b := range ph.sink.published() {
		for _, s := range b {
			if s.ID == id {
				last, found = s, true
			}
		}
	}
	return last, found
}

func TestPollSamplesEveryContainerWithoutGoroutines(t *testing.T) {
	ph := startPollHarness(t, Config{})
	ph.c.Track(ctr("a", model.StateRunning))
	ph.c.Track(ctr("b", model.StateRunning))
	// A view that shows nothing narrows nothing: the kernel costs the
	// engine nothing, so every container stays at 1 Hz.
	ph.c.OpenView().Show(nil)
	for range 2 {
		ph.round(t)
	}
	for _, id := range []string{"a", "b"} {
		s, ok := ph.lastOf(id)
		if !ok {
			t.Fatalf("no sample of %s", id)
		}
		if s.CPUPercent != 100 || s.MemoryUsage != 90<<20 || s.Pids != 3 {
			t.Errorf("%s: %+v, want 100 %% CPU against the previous reading, 90 MiB, 3 pids", id, s)
		}
	}
	if n := ph.c.Streams(); n != 0 {
		t.Errorf("%d goroutines, want none", n)
	}
	if ph.src.attemptsFor("a") != 0 || ph.oneShot.callsFor("a") != 0 {
		t.Error("the engine was asked for stats")
	}
	if got := ph.c.Source(); got != SourceKernel {
		t.Errorf("Source() = %q, want %q", got, SourceKernel)
	}
	ph.noWarnings(t)
}

func TestPollFirstReadingIsTheBaseline(t *testing.T) {
	ph := startPollHarness(t, Config{})
	ph.c.Track(ctr("a", model.StateRunning))
	ph.clock.ticks <- time.Now()
	ph.clock.ticks <- time.Now() // the first round has finished
	eventually(t, "the second round published a", func() bool { _, ok := ph.lastOf("a"); return ok })
	for _, b := range ph.sink.published() {
		for _, s := range b {
			if s.CPUPercent != 100 {
				t.Errorf("a sample measured against nothing was published: %+v", s)
			}
		}
	}
}

func TestPollDropsAStoppedContainerAtOnce(t *testing.T) {
	ph := startPollHarness(t, Config{})
	ph.c.Track(ctr("a", model.StateRunning))
	ph.c.Track(ctr("b", model.StateRunning))
	ph.round(t)
	ph.round(t)
	ph.c.Track(ctr("a", model.StateExited))
	ph.round(t)
	before := len(ph.sink.published())
	ph.round(t)
	ph.round(t)
	for _, b := range ph.sink.published()[before:] {
		for _, s := range b {
			if s.ID == "a" {
				t.Errorf("a stopped container was published: %+v", s)
			}
		}
	}
	if n := ph.poller.open("a"); n != 0 {
		t.Errorf("%d readers of a stopped container open, want 0", n)
	}
	if n := ph.poller.open("b"); n != 1 {
		t.Errorf("%d readers of b open, want 1", n)
	}
}

// TestPollStoppingContainerDoesNotFallBack: reads fail while a container
// stops, before its event untracks it; that is no reason to give up.
func TestPollStoppingContainerDoesNotFallBack(t *testing.T) {
	ph := startPollHarness(t, Config{})
	ph.c.Track(ctr("a", model.StateRunning))
	ph.round(t)
	ph.poller.setReadErr("a", errors.New("read cpuacct.usage: no such device"))
	ph.clock.ticks <- time.Now() // one failed round
	ph.c.Track(ctr("a", model.StateExited))
	for range pollFailures {
		ph.round(t)
	}
	if r := ph.fellBack(); len(r) != 0 {
		t.Errorf("fell back: %v", r)
	}
	ph.noWarnings(t)
}

func TestPollFallsBackWhenAContainerKeepsFailing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(p *fakePoller, err error)
	}{
		{"unreadable files", func(p *fakePoller, err error) { p.setOpenErr("a", err) }},
		{"cgroup vanished", func(p *fakePoller, err error) { p.setReadErr("a", err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ph := startPollHarness(t, Config{})
			ph.c.Track(ctr("b", model.StateRunning))
			tc.breakIt(ph.poller, errors.New("permission denied"))
			ph.c.Track(ctr("a", model.StateRunning))
			for range pollFailures {
				ph.round(t)
			}
			eventually(t, "the collector fell back", func() bool { return len(ph.fellBack()) == 1 })
			if err := ph.fellBack()[0]; !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "a failed") {
				t.Errorf("reason %q does not say which container failed and why", err)
			}
			if got := ph.c.Source(); got != SourceEngine {
				t.Errorf("Source() = %q, want %q", got, SourceEngine)
			}
			// Every tracked container now streams from the engine.
			ph.src.stream(t, "a", 0).deliver(t, sample(1))
			ph.src.stream(t, "b", 0).deliver(t, sample(2))
			eventually(t, "the kernel readers are closed", func() bool { return ph.poller.open("b") == 0 })
			ph.c.Track(ctr("c", model.StateRunning))
			ph.src.stream(t, "c", 0)
			warns := ph.logs.FilterLevelExact(zapcore.WarnLevel).FilterMessageSnippet("kernel stats unusable").All()
			if len(warns) != 1 {
				t.Errorf("%d fall-back warnings, want 1", len(warns))
			}
		})
	}
}

func TestCheckFallsBackOnDisagreement(t *testing.T) {
	for _, tc := range []struct {
		name     string
		engine   func(s Sample) Sample
		fallBack bool
	}{
		{"agree", func(s Sample) Sample { s.CPU.Total += 1e8; return s }, false},
		{"different limit", func(s Sample) Sample { s.Memory.Limit *= 2; return s }, true},
		{"CPU time far off", func(s Sample) Sample { s.CPU.Total += 10e9; return s }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ph := startPollHarness(t, Config{Check: time.Minute})
			ph.c.Track(ctr("a", model.StateRunning))
			ph.round(t)
			ph.oneShot.sampleFunc = func(id string) Sample { return tc.engine(ph.poller.last(id)) }
			first := ph.clock.nextTimer(t)
			if first.d != checkFirst {
				t.Errorf("first check after %v, want %v", first.d, checkFirst)
			}
			first.fire()
			if tc.fallBack {
				eventually(t, "the collector fell back", func() bool { return len(ph.fellBack()) == 1 })
				var d *Disagreement
				if !errors.As(ph.fellBack()[0], &d) {
					t.Errorf("reason %v is not a disagreement", ph.fellBack()[0])
				}
				return
			}
			if next := ph.clock.nextTimer(t); next.d != time.Minute {
				t.Errorf("next check after %v, want a minute", next.d)
			}
			if r := ph.fellBack(); len(r) != 0 {
				t.Errorf("fell back: %v", r)
			}
		})
	}
}

func TestAgree(t *testing.T) {
	k1 := Sample{
		CPU:      CPU{Total: 10e9, System: 1000e9, Online: 2},
		Memory:   Memory{Usage: 100 << 20, Limit: 1 << 30, TotalInactiveFile: 10 << 20, HasTotalInactiveFile: true},
		BlockIO:  []BlockIO{{Op: "Read", Bytes: 1 << 20}, {Op: "Write", Bytes: 100 << 20}},
		Networks: []Network{{Rx: 5000, Tx: 3000}},
		Pids:     4,
	}
	k2 := k1
	k2.CPU.Total, k2.CPU.System = 11e9, 1002e9
	k2.BlockIO = []BlockIO{{Op: "Read", Bytes: 1 << 20}, {Op: "Write", Bytes: 110 << 20}}
	for _, tc := range []struct {
		name   string
		engine func(Sample) Sample
		figure string // "" when they agree
	}{
		{"same as before", func(s Sample) Sample { return s }, ""},
		{"in between", func(s Sample) Sample { s.CPU.Total = 10.5e9; s.CPU.System = 1001e9; return s }, ""},
		{"just outside, within the slack", func(s Sample) Sample { s.CPU.Total = 11.1e9; s.Pids = 6; return s }, ""},
		{"CPU time", func(s Sample) Sample { s.CPU.Total = 12e9; return s }, "CPU time"},
		{"host CPU time", func(s Sample) Sample { s.CPU.System = 900e9; return s }, "host CPU time"},
		{"online CPUs", func(s Sample) Sample { s.CPU.Online = 4; return s }, "online CPUs"},
		{"limit", func(s Sample) Sample { s.Memory.Limit = 2 << 30; return s }, "memory limit"},
		{"memory", func(s Sample) Sample { s.Memory.Usage = 300 << 20; return s }, "memory usage"},
		{"written", func(s Sample) Sample { s.BlockIO = []BlockIO{{Op: "Write", Bytes: 1}}; return s }, "block I/O written"},
		{"received", func(s Sample) Sample { s.Networks = nil; s.Networks = []Network{{Rx: 50 << 20, Tx: 3000}}; return s }, "network received"},
		{"pids", func(s Sample) Sample { s.Pids = 40; return s }, "pids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Agree("a", k1, tc.engine(k1), k2)
			var d *Disagreement
			switch {
			case tc.figure == "" && err != nil:
				t.Errorf("disagree: %v", err)
			case tc.figure != "" && (!errors.As(err, &d) || d.Figure != tc.figure):
				t.Errorf("got %v, want a disagreement on %s", err, tc.figure)
			}
		})
	}
}
