package stats

import (
	"context"
	"errors"
	"sync"
	"testing"

	"go.uber.org/zap/zapcore"

	"github.com/dockpulse/dockpulse/backend/model"
)

// oneShotSource is a fakeSource that also answers one-shot samples, from a
// queue per container.
type oneShotSource struct {
	*fakeSource

	mu      sync.Mutex
	samples map[string][]Sample
	calls   map[string]int
	// sampleFunc, when set, answers instead of the queue.
	sampleFunc func(id string) Sample
}

func newOneShotSource() *oneShotSource {
	return &oneShotSource{fakeSource: newFakeSource(),
		samples: map[string][]Sample{}, calls: map[string]int{}}
}

func (f *oneShotSource) SampleOnce(ctx context.Context, id string) (Sample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[id]++
	if f.sampleFunc != nil {
		return f.sampleFunc(id), nil
	}
	q := f.samples[id]
	if len(q) == 0 {
		return Sample{}, errors.New("fake engine: no sample queued")
	}
	f.samples[id] = q[1:]
	return q[0], nil
}

func (f *oneShotSource) queue(id string, s ...Sample) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.samples[id] = append(f.samples[id], s...)
}

func (f *oneShotSource) callsFor(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

// startOneShotHarness runs a collector whose source can take one-shot
// samples, as the Docker adapter can.
func startOneShotHarness(t *testing.T) (*harness, *oneShotSource) {
	t.Helper()
	src := newOneShotSource()
	h := harnessOn(t, src.fakeSource, src, Config{})
	h.run(t)
	return h, src
}

func TestCollectorFocusSamplesTheRestInBackground(t *testing.T) {
	h, src := startOneShotHarness(t)
	h.c.Track(ctr("a", model.StateRunning))
	h.c.Track(ctr("b", model.StateRunning))
	a := h.src.stream(t, "a", 0)
	b := h.src.stream(t, "b", 0)

	s1, s2 := sample(1), sample(2)
	// The engine's one-shot samples carry no previous CPU reading.
	s1.PreCPU, s2.PreCPU = CPU{}, CPU{}
	s2.CPU.Total = s1.CPU.Total + 500_000_000
	s2.CPU.System = s1.CPU.System + 4_000_000_000
	src.queue("b", s1, s2)

	v := h.c.OpenView()
	v.Show([]model.Key{key("a")})
	eventually(t, "b's stream is closed", b.isClosed)
	if a.isClosed() {
		t.Fatalf("the focused container's stream was closed")
	}
	h.clock.nextTimer(t).fire() // the random first wait
	h.clock.nextTimer(t).fire() // one Background later
	h.clock.nextTimer(t)        // the third wait: both samples are stored
	h.clock.flush(t)

	want := s2
	want.PreCPU = s1.CPU
	h.wantBatches(t, []model.Stats{Compute(engine, "b", want)})
	if got := h.sink.published()[0][0].CPUPercent; got == Compute(engine, "b", s2).CPUPercent {
		t.Errorf("background CPU %% = %v: measured against zero, not the previous sample", got)
	}
	if n := src.callsFor("a"); n != 0 {
		t.Errorf("one-shot samples of the focused container = %d, want 0", n)
	}

	// No view left: everything streams, b gets a stream again.
	v.Close()
	h.src.stream(t, "b", 1)
	waitStreams(t, h.c, 2)
	if n := h.src.attemptsFor("a"); n != 1 {
		t.Errorf("streams opened for a = %d, want 1: its mode never changed", n)
	}
}

func TestCollectorFocusedContainerStartingLaterStreams(t *testing.T) {
	h, _ := startOneShotHarness(t)
	h.c.OpenView().Show([]model.Key{key("a")})
	h.c.Track(ctr("a", model.StateRunning))
	h.c.Track(ctr("b", model.StateRunning))
	h.src.stream(t, "a", 0)
	h.clock.nextTimer(t) // b waits for its first one-shot sample
	waitStreams(t, h.c, 2)
	if n := h.src.attemptsFor("b"); n != 0 {
		t.Errorf("streams opened for b = %d, want 0: it is out of focus", n)
	}
}

func TestCollectorFocusWithoutOneShotSourceStreamsEverything(t *testing.T) {
	h := startHarness(t, Config{})
	h.c.Track(ctr("a", model.StateRunning))
	h.c.Track(ctr("b", model.StateRunning))
	b := h.src.stream(t, "b", 0)
	h.c.OpenView().Show([]model.Key{key("a")})
	waitStreams(t, h.c, 2)
	if b.isClosed() {
		t.Errorf("b's stream was closed although nothing can sample it otherwise")
	}
	if n := h.logs.FilterLevelExact(zapcore.WarnLevel).FilterMessageSnippet("views ignored").Len(); n != 1 {
		t.Errorf("%d warnings that views are ignored, want 1", n)
	}
}

func TestCollectorViews(t *testing.T) {
	h, _ := startOneShotHarness(t)
	h.c.Track(ctr("a", model.StateRunning))
	h.c.Track(ctr("b", model.StateRunning))
	h.src.stream(t, "a", 0)
	b0 := h.src.stream(t, "b", 0)

	v1 := h.c.OpenView() // shows everything until told otherwise
	v1.Show([]model.Key{key("a")})
	eventually(t, "b leaves streaming", b0.isClosed)
	h.clock.nextTimer(t) // b's first one-shot wait

	v2 := h.c.OpenView() // a second client that has not said what it shows
	h.src.stream(t, "b", 1)
	v2.Show([]model.Key{key("b")}) // the union is a and b: nothing changes
	v2.Close()                     // only a is shown again
	eventually(t, "b leaves streaming again", h.src.stream(t, "b", 1).isClosed)
	h.clock.nextTimer(t)

	v1.Close() // nobody says what they show: everything streams
	v1.Close() // idempotent
	h.src.stream(t, "b", 2)
	waitStreams(t, h.c, 2)
	if n := h.src.attemptsFor("a"); n != 1 {
		t.Errorf("streams opened for a = %d, want 1: it was always shown", n)
	}
}
