package stats

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/dockpulse/dockpulse/backend/model"
)

// A Next that does not watch the context still returns, because the
// collector closes the stream on cancel.
func TestCollectorClosesStreamToUnblockNext(t *testing.T) {
	src := newFakeSource()
	src.ignoresCtx = true
	h := newHarness(t, src, Config{})
	h.run(t)
	h.c.Track(ctr("a", model.StateRunning))
	st := src.stream(t, "a", 0)
	st.deliver(t, sample(1))
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
	st.deliver(t, sample(1))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(1))})

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

	first := sample(1)
	first.PreCPU = CPU{}
	st.deliver(t, first)
	h.clock.flush(t)
	h.wantBatches(t)

	st.deliver(t, sample(2))
	h.clock.flush(t)
	h.wantBatches(t, []model.Stats{Compute(engine, "a", sample(2))})
	if got := Compute(engine, "a", sample(2)).CPUPercent; got == 0 {
		t.Fatalf("the second sample's CPU is %v: the fixture measures nothing", got)
	}
}
