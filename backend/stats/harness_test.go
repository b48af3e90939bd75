package stats

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/dockpulse/dockpulse/backend/model"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// patience bounds every wait. It only decides how long a broken test takes
// to fail, never whether a working one passes, so it is generous for slow,
// shared machines.
const patience = 20 * time.Second

const engine = "local"

// eventually polls cond until it holds, failing the test after patience.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func ctr(id, state string) model.Container {
	return model.Container{Engine: engine, ID: id, State: state}
}

func key(id string) model.Key { return model.Key{Engine: engine, ID: id} }

// sample returns a distinct sample of a web server on a 4-CPU cgroup v2
// host, using a quarter of the host's CPU: n is its pid count and its second
// on the clock, so tests can tell samples apart.
func sample(n int) Sample {
	return Sample{
		Read:     time.Date(2025, 3, 14, 9, 26, 53, 128402315, time.UTC).Add(time.Duration(n) * time.Second),
		CPU:      CPU{Total: 81722338000, System: 1093816310000000, Online: 4},
		PreCPU:   CPU{Total: 81472338000, System: 1093812310000000, Online: 4},
		Memory:   Memory{Usage: 224395264, Limit: 536870912, InactiveFile: 47890432},
		Networks: []Network{{Rx: 5338, Tx: 1526}},
		Pids:     uint64(n),
	}
}

// fakeSource hands out fakeStreams and can fail or hang on open.
type fakeSource struct {
	hang       bool // StreamStats blocks until its context ends, like an engine that stopped answering
	ignoresCtx bool // the streams' Next returns only when closed, like a reader on a quiet connection

	mu       sync.Mutex
	attempts map[string]int
	failures map[string][]error // what the next opens of a container return, in order
	streams  map[string][]*fakeStream
}

func newFakeSource() *fakeSource {
	return &fakeSource{
		attempts: make(map[string]int),
		failures: make(map[string][]error),
		streams:  make(map[string][]*fakeStream),
	}
}

func (f *fakeSource) StreamStats(ctx context.Context, id string) (Stream, error) {
	if f.hang {
		<-ctx.Done()
		return nil, fmt.Errorf("fake engine: %w", ctx.Err())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[id]++
	if q := f.failures[id]; len(q) > 0 {
		f.failures[id] = q[1:]
		return nil, q[0]
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fake engine: %w", err)
	}
	st := &fakeStream{ctx: ctx, items: make(chan item), closed: make(chan struct{})}
	if f.ignoresCtx {
		st.ctx = context.Background()
	}
	f.streams[id] = append(f.streams[id], st)
	return st, nil
}

// failNext makes the next opens of a container fail with errs, in order.
func (f *fakeSource) failNext(id string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[id] = append(f.failures[id], errs...)
}

func (f *fakeSource) attemptsFor(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[id]
}

// stream waits for the n-th stream (from 0) opened for a container.
func (f *fakeSource) stream(t *testing.T, id string, n int) *fakeStream {
	t.Helper()
	var st *fakeStream
	eventually(t, fmt.Sprintf("stream %d of %s is open", n, id), func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.streams[id]) > n {
			st = f.streams[id][n]
			return true
		}
		return false
	})
	return st
}

func (f *fakeSource) all() []*fakeStream {
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []*fakeStream
	for _, sts := range f.streams {
		all = append(all, sts...)
	}
	return all
}

type item struct {
	sample Sample
	err    error
}

// fakeStream hands the collector what the test sends, one item per Next.
type fakeStream struct {
	ctx       context.Context
	items     chan item     // unbuffered: a send returns once Next has taken it
	closeGate chan struct{} // if set, Close waits for it, like a hung connection
	sent      int           // samples sent, touched by the test goroutine only
	nexts     atomic.Int64
	closes    atomic.Int64
	closeOnce sync.Once
	closed    chan struct{}
}

func (s *fakeStream) Next() (Sample, error) {
	s.nexts.Add(1)
	select {
	case it := <-s.items:
		return it.sample, it.err
	case <-s.ctx.Done():
		return Sample{}, fmt.Errorf("fake stream: %w", s.ctx.Err())
	case <-s.closed:
		return Sample{}, errors.New("fake stream: closed")
	}
}

func (s *fakeStream) Close() error {
	s.closes.Add(1)
	if s.closeGate != nil {
		<-s.closeGate
	}
	s.closeOnce.Do(func() { close(s.closed) })
	return nil
}

func (s *fakeStream) isClosed() bool { return s.closes.Load() > 0 }

// deliver sends samples and returns once the collector has stored the last
// one, which it has when it asks for the next.
func (s *fakeStream) deliver(t *testing.T, samples ...Sample) {
	t.Helper()
	for _, smp := range samples {
		s.send(t, item{sample: smp})
		s.sent++
	}
	eventually(t, "the collector took every sample", func() bool {
		return s.nexts.Load() > int64(s.sent)
	})
}

// fail ends the stream with err.
func (s *fakeStream) fail(t *testing.T, err error) {
	t.Helper()
	s.send(t, item{err: err})
}

func (s *fakeStream) send(t *testing.T, it item) {
	t.Helper()
	select {
	case s.items <- it:
	case <-time.After(patience):
		t.Fatalf("timed out sending on a stream: nobody reads it")
	}
}

// fakeClock lets the test fire the flush ticker and the retry timers.
type fakeClock struct {
	ticks  chan time.Time  // unbuffered: a send returns once the flush loop took the tick
	timers chan *fakeTimer // every timer made, in order
}

type fakeTimer struct {
	d time.Duration
	c chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{ticks: make(chan time.Time), timers: make(chan *fakeTimer, 100)}
}

func (c *fakeClock) NewTicker(time.Duration) (<-chan time.Time, func()) {
	return c.ticks, func() {}
}

func (c *fakeClock) NewTimer(d time.Duration) (<-chan time.Time, func()) {
	tm := &fakeTimer{d: d, c: make(chan time.Time, 1)}
	c.timers <- tm
	return tm.c, func() {}
}

// flush makes the collector flush and returns once that flush has finished:
// the flush loop takes the second tick only after the first flush returned.
// The second flush finds nothing new as long as no sample arrives meanwhile.
func (c *fakeClock) flush(t *testing.T) {
	t.Helper()
	for range 2 {
		select {
		case c.ticks <- time.Now():
		case <-time.After(patience):
			t.Fatalf("timed out ticking: the flush loop is stuck or not running")
		}
	}
}

func (c *fakeClock) nextTimer(t *testing.T) *fakeTimer {
	t.Helper()
	select {
	case tm := <-c.timers:
		return tm
	case <-time.After(patience):
		t.Fatalf("timed out waiting for a retry timer")
		return nil
	}
}

func (tm *fakeTimer) fire() { tm.c <- time.Now() }

// fakeSink records batches.
type fakeSink struct {
	collector *Collector

	mu      sync.Mutex
	batches [][]model.Stats
}

func (s *fakeSink) PublishStats(samples []model.Stats) {
	// Calling back into the collector would deadlock if it held its lock
	// while publishing.
	s.collector.Streams()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, slices.Clone(samples))
}

func (s *fakeSink) published() [][]model.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

// harness is one collector wired to fakes.
type harness struct {
	src   *fakeSource
	sink  *fakeSink
	clock *fakeClock
	logs  *observer.ObservedLogs
	c     *Collector

	cancel context.CancelFunc
	done   chan error
}

// newHarness makes a collector on fakes without running it.
func newHarness(t *testing.T, src *fakeSource, cfg Config) *harness {
	t.Helper()
	return harnessOn(t, src, src, cfg)
}

// harnessOn builds the collector on source, which wraps fake (a
// oneShotSource, say): the harness drives the streams through fake.
func harnessOn(t *testing.T, fake *fakeSource, source Source, cfg Config) *harness {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	h := &harness{src: fake, sink: &fakeSink{}, clock: newFakeClock(), logs: logs}
	cfg.Engine = engine
	if cfg.Clock == nil {
		cfg.Clock = h.clock
	}
	h.c = New(source, h.sink, cfg, zap.New(core))
	h.sink.collector = h.c
	return h
}

// run starts Run and stops it when the test ends, checking that every
// goroutine exited and every stream was closed exactly once.
func (h *harness) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- h.c.Run(ctx) }()
	t.Cleanup(func() { h.stop(t) })
}

func (h *harness) stop(t *testing.T) {
	t.Helper()
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	case <-time.After(patience):
		t.Fatalf("Run did not return after its context was cancelled")
	}
	if n := h.c.Streams(); n != 0 {
		t.Errorf("Streams() after Run returned = %d, want 0", n)
	}
	for _, st := range h.src.all() {
		if n := st.closes.Load(); n != 1 {
			t.Errorf("a stream was closed %d times, want 1", n)
		}
	}
}

func startHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := newHarness(t, newFakeSource(), cfg)
	h.run(t)
	return h
}

// wantBatches checks every batch published so far, in order.
func (h *harness) wantBatches(t *testing.T, want ...[]model.Stats) {
	t.Helper()
	got := h.sink.published()
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("published batches:\n got %+v\nwant %+v", got, want)
	}
}

func (h *harness) noWarnings(t *testing.T) {
	t.Helper()
	if warns := h.logs.FilterLevelExact(zapcore.WarnLevel).All(); len(warns) != 0 {
		t.Errorf("unexpected warnings: %+v", warns)
	}
}

func waitStreams(t *testing.T, c *Collector, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d stream goroutines are alive", n), func() bool {
		return c.Streams() == n
	})
}
