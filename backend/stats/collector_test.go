package stats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
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

// sample returns a distinct cgroup v2 sample: n is its pid count and its
// second on the clock, so tests can tell samples apart.
func sample(t *testing.T, n int) container.StatsResponse {
	t.Helper()
	s := decode(t, v2Web)
	s.Read = s.Read.Add(time.Duration(n) * time.Second)
	s.PidsStats.Current = uint64(n)
	return s
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
	sample container.StatsResponse
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

func (s *fakeStream) Next() (container.StatsResponse, error) {
	s.nexts.Add(1)
	select {
	case it := <-s.items:
		return it.sample, it.err
	case <-s.ctx.Done():
		return container.StatsResponse{}, fmt.Errorf("fake stream: %w", s.ctx.Err())
	case <-s.closed:
		return container.StatsResponse{}, errors.New("fake stream: closed")
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
func (s *fakeStream) deliver(t *testing.T, samples ...container.StatsResponse) {
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

func TestCollectorBatchesLatestSamplePerContainer(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("bbb", model.StateRunning))
	h.c.Track(ctr("aaa", model.StateRunning))
	h.c.Track(ctr("aaa", model.StateRunning)) // already streamed: no second stream
	a := h.src.stream(t, "aaa", 0)
	b := h.src.stream(t, "bbb", 0)
	waitStreams(t, h.c, 2)

	b.deliver(t, sample(t, 1), sample(t, 2), sample(t, 3))
	a.deliver(t, sample(t, 7))
	h.clock.flush(t)

	// One batch, sorted by key, with only the latest sample of each.
	first := []model.Stats{
		Compute(engine, "aaa", sample(t, 7)),
		Compute(engine, "bbb", sample(t, 3)),
	}
	h.wantBatches(t, first)

	// Only the container with a new sample is in the next batch.
	a.deliver(t, sample(t, 8))
	h.clock.flush(t)
	h.wantBatches(t, first, []model.Stats{Compute(engine, "aaa", sample(t, 8))})

	if n := h.src.attemptsFor("aaa"); n != 1 {
		t.Errorf("streams opened for aaa = %d, want 1", n)
	}
	h.noWarnings(t)
}

func TestCollectorPublishesNothingWhenNothingChanged(t *testing.T) {
	h := startHarness(t, Config{})
	h.clock.flush(t) // no containers

	h.c.Track(ctr("a", model.StateRunning))
	st := h.src.stream(t, "a", 0)
	h.clock.flush(t) // a stream, but no sample yet

	st.deliver(t, decode(t, placeholder))
	h.clock.flush(t) // a sample that measures nothing
	h.wantBatches(t)

	st.deliver(t, sample(t, 1))
	h.clock.flush(t)
	h.clock.flush(t) // the same sample is not sent twice
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(t, 1))})
}

func TestCollectorUntrackStopsStream(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	st := h.src.stream(t, "a", 0)
	st.deliver(t, sample(t, 1)) // pending, not flushed yet

	h.c.Untrack(key("a"))
	waitStreams(t, h.c, 0)
	if !st.isClosed() {
		t.Errorf("the stream of an untracked container was not closed")
	}
	h.clock.flush(t)
	h.wantBatches(t) // the pending sample was dropped
	if n := h.src.attemptsFor("a"); n != 1 {
		t.Errorf("streams opened for a = %d, want 1: no reopen after Untrack", n)
	}
	h.noWarnings(t)
}

func TestCollectorTrackNotRunningStopsStream(t *testing.T) {
	for _, state := range []string{
		model.StatePaused, model.StateExited, model.StateRestarting,
		model.StateDead, model.StateRemoving, model.StateCreated,
	} {
		t.Run(state, func(t *testing.T) {
			h := startHarness(t, Config{})
			h.c.Track(ctr("a", model.StateRunning))
			st := h.src.stream(t, "a", 0)
			st.deliver(t, sample(t, 1))

			h.c.Track(ctr("a", state))
			waitStreams(t, h.c, 0)
			if !st.isClosed() {
				t.Errorf("the stream of a %s container was not closed", state)
			}
			h.clock.flush(t)
			h.wantBatches(t)

			h.c.Track(ctr("b", state)) // never running: never streamed
			if n := h.c.Streams(); n != 0 {
				t.Errorf("Streams() after tracking a %s container = %d, want 0", state, n)
			}
			if n := h.src.attemptsFor("a") + h.src.attemptsFor("b"); n != 1 {
				t.Errorf("streams opened = %d, want 1", n)
			}
			h.noWarnings(t)
		})
	}
}

func TestCollectorSync(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	h.c.Track(ctr("b", model.StateRunning))
	a := h.src.stream(t, "a", 0)
	b := h.src.stream(t, "b", 0)
	a.deliver(t, sample(t, 1))

	h.c.Sync([]model.Container{
		ctr("b", model.StateRunning),
		ctr("c", model.StateRunning),
		ctr("d", model.StateExited),
		ctr("e", model.StatePaused),
	})
	c := h.src.stream(t, "c", 0)
	eventually(t, "a's stream is closed", a.isClosed)
	waitStreams(t, h.c, 2)
	if b.isClosed() {
		t.Errorf("Sync closed the stream of b, which is still running")
	}
	for id, want := range map[string]int{"a": 1, "b": 1, "c": 1, "d": 0, "e": 0} {
		if n := h.src.attemptsFor(id); n != want {
			t.Errorf("streams opened for %s = %d, want %d", id, n, want)
		}
	}

	b.deliver(t, sample(t, 2))
	c.deliver(t, sample(t, 3))
	h.clock.flush(t)
	// a's pending sample went with its stream.
	h.wantBatches(t, []model.Stats{
		Compute(engine, "b", sample(t, 2)),
		Compute(engine, "c", sample(t, 3)),
	})

	h.c.Sync(nil)
	waitStreams(t, h.c, 0)
	h.noWarnings(t)
}

func TestCollectorStopAll(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	h.c.Track(ctr("b", model.StateRunning))
	a := h.src.stream(t, "a", 0)
	b := h.src.stream(t, "b", 0)
	a.deliver(t, sample(t, 1))

	h.c.StopAll()
	waitStreams(t, h.c, 0)
	if !a.isClosed() || !b.isClosed() {
		t.Errorf("StopAll left a stream open: a closed %v, b closed %v", a.isClosed(), b.isClosed())
	}
	h.clock.flush(t)
	h.wantBatches(t)

	// The engine is back: a resync brings the streams back.
	h.c.Sync([]model.Container{ctr("a", model.StateRunning)})
	h.src.stream(t, "a", 1).deliver(t, sample(t, 2))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(t, 2))})
	h.noWarnings(t)
}

// returnsPromptly fails the test if call does not return while the engine
// is stuck.
func returnsPromptly(t *testing.T, what string, call func()) {
	t.Helper()
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		call()
	}()
	select {
	case <-returned:
	case <-time.After(patience):
		t.Fatalf("%s blocked on a stuck engine", what)
	}
}

func TestCollectorNeverWaitsOnTheEngine(t *testing.T) {
	t.Run("open hangs", func(t *testing.T) {
		src := newFakeSource()
		src.hang = true
		h := newHarness(t, src, Config{})
		h.run(t)
		returnsPromptly(t, "Track", func() { h.c.Track(ctr("a", model.StateRunning)) })
		returnsPromptly(t, "Untrack", func() { h.c.Untrack(key("a")) })
		returnsPromptly(t, "Sync", func() { h.c.Sync([]model.Container{ctr("b", model.StateRunning)}) })
		returnsPromptly(t, "Track", func() { h.c.Track(ctr("b", model.StateExited)) })
		returnsPromptly(t, "Sync", func() { h.c.Sync([]model.Container{ctr("c", model.StateRunning)}) })
		returnsPromptly(t, "StopAll", h.c.StopAll)
		waitStreams(t, h.c, 0)
	})
	t.Run("close hangs", func(t *testing.T) {
		h := startHarness(t, Config{})
		h.c.Track(ctr("a", model.StateRunning))
		st := h.src.stream(t, "a", 0)
		gate := make(chan struct{})
		st.closeGate = gate // set before cancellation starts the close
		returnsPromptly(t, "StopAll", h.c.StopAll)
		eventually(t, "the stream is being closed", st.isClosed)
		if n := h.c.Streams(); n != 1 {
			t.Errorf("Streams() while Close is stuck = %d, want 1", n)
		}
		close(gate)
		waitStreams(t, h.c, 0)
	})
}

// A Next that does not watch the context still returns, because the
// collector closes the stream on cancel.
func TestCollectorClosesStreamToUnblockNext(t *testing.T) {
	src := newFakeSource()
	src.ignoresCtx = true
	h := newHarness(t, src, Config{})
	h.run(t)
	h.c.Track(ctr("a", model.StateRunning))
	st := src.stream(t, "a", 0)
	st.deliver(t, sample(t, 1))
	h.c.Untrack(key("a"))
	waitStreams(t, h.c, 0)
	h.noWarnings(t)
}

func TestCollectorRetriesWithBackoff(t *testing.T) {
	h := startHarness(t, Config{RetryMin: 10 * time.Millisecond, RetryMax: 40 * time.Millisecond})
	refused := errors.New("dial unix /var/run/docker.sock: connect: connection refused")
	h.src.failNext("a", refused, refused)

	h.c.Track(ctr("a", model.StateRunning))
	retry := func(want time.Duration) {
		t.Helper()
		tm := h.clock.nextTimer(t)
		if tm.d != want {
			t.Fatalf("retry wait = %v, want %v", tm.d, want)
		}
		tm.fire()
	}
	retry(10 * time.Millisecond) // open failed
	retry(20 * time.Millisecond) // open failed again

	// The engine ends the stream at once: still running, so reopen.
	st := h.src.stream(t, "a", 0)
	st.fail(t, io.EOF)
	h.src.failNext("a", refused)
	retry(40 * time.Millisecond)
	if !st.isClosed() {
		t.Errorf("an ended stream was not closed")
	}
	retry(40 * time.Millisecond) // capped at RetryMax

	// Recovered.
	st = h.src.stream(t, "a", 1)
	st.deliver(t, sample(t, 1))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(t, 1))})

	// A stream that worked starts the backoff over.
	st.fail(t, fmt.Errorf("decode stats: %w", io.ErrUnexpectedEOF))
	tm := h.clock.nextTimer(t)
	if tm.d != 10*time.Millisecond {
		t.Errorf("retry wait after a working stream = %v, want 10ms", tm.d)
	}

	// Untracked while waiting to retry: the goroutine ends without reopening.
	h.c.Untrack(key("a"))
	waitStreams(t, h.c, 0)
	if n := h.src.attemptsFor("a"); n != 5 {
		t.Errorf("streams opened = %d, want 5", n)
	}

	forA := h.logs.FilterField(zap.String("container", "a")).FilterField(zap.String("component", "stats"))
	if n := forA.FilterLevelExact(zapcore.WarnLevel).Len(); n != 4 {
		t.Errorf("warnings = %d, want 4 (three failed opens, one broken stream): %+v", n, h.logs.All())
	}
	if n := forA.FilterLevelExact(zapcore.DebugLevel).Len(); n != 1 {
		t.Errorf("debug entries = %d, want 1 (the stream the engine ended): %+v", n, h.logs.All())
	}
}

// A goroutine that read a sample just before its container was stopped and
// started again must not store it as the new stream's sample.
func TestCollectorDropsSamplesOfAStoppedStream(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	h.src.stream(t, "a", 0)
	h.c.mu.Lock()
	old := h.c.streams[key("a")]
	h.c.mu.Unlock()

	h.c.Track(ctr("a", model.StateExited))
	h.c.Track(ctr("a", model.StateRunning))
	st := h.src.stream(t, "a", 1)
	h.c.store(key("a"), old, Compute(engine, "a", sample(t, 1)))
	h.clock.flush(t)
	h.wantBatches(t)

	st.deliver(t, sample(t, 2))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(t, 2))})
}

func TestCollectorRunLifecycle(t *testing.T) {
	h := newHarness(t, newFakeSource(), Config{})
	h.c.Track(ctr("a", model.StateRunning))
	if n := h.c.Streams(); n != 0 {
		t.Fatalf("Streams() before Run = %d, want 0", n)
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.c.Run(ctx) }()
	st := h.src.stream(t, "a", 0) // remembered before Run, streamed by it
	if err := h.c.Run(ctx); err == nil {
		t.Errorf("a second Run returned nil, want an error")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	case <-time.After(patience):
		t.Fatalf("Run did not return after its context was cancelled")
	}
	// Run waited for the goroutines: nothing left to poll for.
	if n := h.c.Streams(); n != 0 {
		t.Errorf("Streams() after Run = %d, want 0", n)
	}
	if n := st.closes.Load(); n != 1 {
		t.Errorf("stream closed %d times, want 1", n)
	}

	h.c.Track(ctr("b", model.StateRunning))
	h.c.Sync([]model.Container{ctr("c", model.StateRunning)})
	if n := h.c.Streams(); n != 0 {
		t.Errorf("Streams() after tracking past Run = %d, want 0", n)
	}
}

func TestCollectorIgnoresOtherEngines(t *testing.T) {
	h := startHarness(t, Config{})
	other := model.Container{Engine: "remote", ID: "a", State: model.StateRunning}
	h.c.Track(other)
	h.c.Sync([]model.Container{other})
	h.c.Untrack(other.Key())
	if n := h.c.Streams(); n != 0 {
		t.Errorf("Streams() = %d, want 0", n)
	}
	if n := h.logs.FilterMessage("ignoring a container of another engine").Len(); n != 2 {
		t.Errorf("warnings about another engine = %d, want 2", n)
	}
}

// The real clock, with short periods: everything above also holds when time
// really passes.
func TestCollectorWithSystemClock(t *testing.T) {
	src := newFakeSource()
	h := newHarness(t, src, Config{
		Interval: 5 * time.Millisecond,
		RetryMin: time.Millisecond,
		RetryMax: 2 * time.Millisecond,
		Clock:    systemClock{},
	})
	h.run(t)
	src.failNext("a", errors.New("engine hiccup"), errors.New("engine hiccup"))
	h.c.Track(ctr("a", model.StateRunning))
	src.stream(t, "a", 0).deliver(t, sample(t, 1))
	eventually(t, "a batch is published", func() bool { return len(h.sink.published()) > 0 })
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(t, 1))})
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		want Config
	}{
		{
			name: "zero",
			want: Config{Interval: time.Second, RetryMin: 250 * time.Millisecond, RetryMax: 5 * time.Second, Background: 5 * time.Second},
		},
		{
			name: "set",
			in:   Config{Engine: "e", Interval: time.Minute, RetryMin: time.Second, RetryMax: time.Hour, Background: time.Minute},
			want: Config{Engine: "e", Interval: time.Minute, RetryMin: time.Second, RetryMax: time.Hour, Background: time.Minute},
		},
		{
			name: "max below min",
			in:   Config{RetryMin: 10 * time.Second, RetryMax: time.Second},
			want: Config{Interval: time.Second, RetryMin: 10 * time.Second, RetryMax: 10 * time.Second, Background: 5 * time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.withDefaults()
			if _, ok := got.Clock.(systemClock); !ok {
				t.Errorf("Clock = %T, want systemClock", got.Clock)
			}
			got.Clock = nil
			if got != tt.want {
				t.Errorf("withDefaults:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

type notFoundErr struct{}

func (notFoundErr) Error() string { return "No such container: a" }
func (notFoundErr) NotFound()     {}

type conflictErr struct{}

func (conflictErr) Error() string { return "Container a is paused" }
func (conflictErr) Conflict()     {}

func TestEndedQuietly(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("read stats stream of a: %w", io.EOF), true},
		{fmt.Errorf("open stats stream of a: %w", notFoundErr{}), true},
		{fmt.Errorf("open stats stream of a: %w", conflictErr{}), true},
		{errors.New("Error response from daemon: Container a is not running"), true},
		{errors.New("Error response from daemon: No such container: a"), true},
		{fmt.Errorf("decode stats: %w", io.ErrUnexpectedEOF), false},
		{errors.New("dial unix /var/run/docker.sock: connect: connection refused"), false},
	}
	for _, tt := range tests {
		if got := endedQuietly(tt.err); got != tt.want {
			t.Errorf("endedQuietly(%q) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestCollectorSkipsAStreamsFirstSampleWithoutBaseline: the engine's first
// sample of a stream has no previous CPU reading, so its CPU figure would
// read near zero; it is not published, and the next one is.
func TestCollectorSkipsAStreamsFirstSampleWithoutBaseline(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	st := h.src.stream(t, "a", 0)
	waitStreams(t, h.c, 1)

	first := sample(t, 1)
	first.PreCPUStats = container.CPUStats{}
	st.deliver(t, first)
	h.clock.flush(t)
	h.wantBatches(t)

	st.deliver(t, sample(t, 2))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(t, 2))})
	if got := Compute(engine, "a", sample(t, 2)).CPUPercent; got == 0 {
		t.Fatalf("the second sample's CPU is %v: the fixture measures nothing", got)
	}
}
