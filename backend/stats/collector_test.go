package stats

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
)

func TestCollectorBatchesLatestSamplePerContainer(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("bbb", model.StateRunning))
	h.c.Track(ctr("aaa", model.StateRunning))
	h.c.Track(ctr("aaa", model.StateRunning)) // already streamed: no second stream
	a := h.src.stream(t, "aaa", 0)
	b := h.src.stream(t, "bbb", 0)
	waitStreams(t, h.c, 2)

	b.deliver(t, sample(1), sample(2), sample(3))
	a.deliver(t, sample(7))
	h.clock.flush(t)

	// One batch, sorted by key, with only the latest sample of each.
	first := []model.Stats{
		Compute(engine, "aaa", sample(7)),
		Compute(engine, "bbb", sample(3)),
	}
	h.wantBatches(t, first)

	// Only the container with a new sample is in the next batch.
	a.deliver(t, sample(8))
	h.clock.flush(t)
	h.wantBatches(t, first, []model.Stats{Compute(engine, "aaa", sample(8))})

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

	st.deliver(t, Sample{}) // the engine's placeholder: no read time
	h.clock.flush(t)        // a sample that measures nothing
	h.wantBatches(t)

	st.deliver(t, sample(1))
	h.clock.flush(t)
	h.clock.flush(t) // the same sample is not sent twice
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(1))})
}

func TestCollectorUntrackStopsStream(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	st := h.src.stream(t, "a", 0)
	st.deliver(t, sample(1)) // pending, not flushed yet

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
		model.StateExited, model.StateRestarting,
		model.StateDead, model.StateRemoving, model.StateCreated,
	} {
		t.Run(state, func(t *testing.T) {
			h := startHarness(t, Config{})
			h.c.Track(ctr("a", model.StateRunning))
			st := h.src.stream(t, "a", 0)
			st.deliver(t, sample(1))

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

// A paused container keeps its stream: frozen, it still holds memory,
// which the engine (and the kernel) report.
func TestCollectorTrackPausedKeepsStream(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	st := h.src.stream(t, "a", 0)
	h.c.Track(ctr("a", model.StatePaused))
	st.deliver(t, sample(1))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(1))})
	if st.isClosed() || h.c.Streams() != 1 {
		t.Errorf("pausing closed the stream (closed %v, %d streams)", st.isClosed(), h.c.Streams())
	}
	h.c.Track(ctr("b", model.StatePaused)) // seen first while paused: streamed
	h.src.stream(t, "b", 0)
	h.noWarnings(t)
}

func TestCollectorSync(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	h.c.Track(ctr("b", model.StateRunning))
	a := h.src.stream(t, "a", 0)
	b := h.src.stream(t, "b", 0)
	a.deliver(t, sample(1))

	h.c.Sync([]model.Container{
		ctr("b", model.StateRunning),
		ctr("c", model.StateRunning),
		ctr("d", model.StateExited),
		ctr("e", model.StatePaused),
	})
	c := h.src.stream(t, "c", 0)
	h.src.stream(t, "e", 0)
	eventually(t, "a's stream is closed", a.isClosed)
	waitStreams(t, h.c, 3)
	if b.isClosed() {
		t.Errorf("Sync closed the stream of b, which is still running")
	}
	for id, want := range map[string]int{"a": 1, "b": 1, "c": 1, "d": 0, "e": 1} {
		if n := h.src.attemptsFor(id); n != want {
			t.Errorf("streams opened for %s = %d, want %d", id, n, want)
		}
	}

	b.deliver(t, sample(2))
	c.deliver(t, sample(3))
	h.clock.flush(t)
	// a's pending sample went with its stream.
	h.wantBatches(t, []model.Stats{
		Compute(engine, "b", sample(2)),
		Compute(engine, "c", sample(3)),
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
	a.deliver(t, sample(1))

	h.c.StopAll()
	waitStreams(t, h.c, 0)
	if !a.isClosed() || !b.isClosed() {
		t.Errorf("StopAll left a stream open: a closed %v, b closed %v", a.isClosed(), b.isClosed())
	}
	h.clock.flush(t)
	h.wantBatches(t)

	// The engine is back: a resync brings the streams back.
	h.c.Sync([]model.Container{ctr("a", model.StateRunning)})
	h.src.stream(t, "a", 1).deliver(t, sample(2))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(2))})
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
	h.c.store(key("a"), old, Compute(engine, "a", sample(1)))
	h.clock.flush(t)
	h.wantBatches(t)

	st.deliver(t, sample(2))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(2))})
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
	src.stream(t, "a", 0).deliver(t, sample(1))
	eventually(t, "a batch is published", func() bool { return len(h.sink.published()) > 0 })
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(1))})
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
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("withDefaults:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
