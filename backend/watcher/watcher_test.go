package watcher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/events"
	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeEngine serves containers from a map and events from a channel the
// test feeds; failing makes every call fail, as a stopped engine would.
type fakeEngine struct {
	mu         sync.Mutex
	containers map[string]model.Container
	failing    error
	msgs       chan events.Message
	errs       chan error
	sessions   int
	// inspecting, when set, receives the ID of each inspect, which then
	// waits for release.
	inspecting chan string
	release    chan struct{}
	// past is the engine's event history, which a stream with an until
	// replays (past.go); pastSince records each such stream's since.
	past      []events.Message
	pastSince []time.Time
	pastFail  error
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{containers: map[string]model.Container{}}
}

func (f *fakeEngine) Engine() string { return "local" }

func (f *fakeEngine) Info(context.Context) (model.EngineInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing != nil {
		return model.EngineInfo{}, f.failing
	}
	return model.EngineInfo{EngineStatus: model.EngineStatus{Engine: "local"}, Version: "test"}, nil
}

func (f *fakeEngine) List(context.Context) ([]model.Container, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing != nil {
		return nil, f.failing
	}
	var out []model.Container
	for _, c := range f.containers {
		out = append(out, c)
	}
	return out, nil
}

func (f *fakeEngine) Inspect(_ context.Context, id string) (model.Container, error) {
	f.mu.Lock()
	inspecting, release := f.inspecting, f.release
	f.mu.Unlock()
	if inspecting != nil {
		inspecting <- id
		<-release
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing != nil {
		return model.Container{}, f.failing
	}
	c, ok := f.containers[id]
	if !ok {
		return model.Container{}, fmt.Errorf("inspect %s: %w", id, docker.ErrNotFound)
	}
	return c, nil
}

func (f *fakeEngine) Events(ctx context.Context, since, until time.Time) (<-chan events.Message, <-chan error) {
	if !until.IsZero() {
		return f.replay(ctx, since, until)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions++
	msgs, errs := make(chan events.Message), make(chan error, 1)
	f.msgs, f.errs = msgs, errs
	if f.failing != nil {
		errs <- f.failing
	}
	return msgs, errs
}

func (f *fakeEngine) set(c model.Container) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.containers[c.ID] = c
}

func (f *fakeEngine) del(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.containers, id)
}

func (f *fakeEngine) emit(t *testing.T, action, id string) {
	t.Helper()
	f.mu.Lock()
	msgs := f.msgs
	f.mu.Unlock()
	select {
	case msgs <- events.Message{Type: events.ContainerEventType, Action: events.Action(action), Actor: events.Actor{ID: id}, TimeNano: time.Now().UnixNano()}:
	case <-time.After(5 * time.Second):
		t.Fatalf("watcher did not take event %s", action)
	}
}

// breakStream fails the event stream and every call after it.
func (f *fakeEngine) breakStream(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = err
	f.errs <- err
}

func (f *fakeEngine) heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = nil
}

type fakeTracker struct {
	mu      sync.Mutex
	running map[string]bool
	stops   int
}

func (f *fakeTracker) Track(c model.Container) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.Running() {
		f.running[c.ID] = true
	} else {
		delete(f.running, c.ID)
	}
}
func (f *fakeTracker) Untrack(k model.Key) { f.mu.Lock(); delete(f.running, k.ID); f.mu.Unlock() }
func (f *fakeTracker) Sync(list []model.Container) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running = map[string]bool{}
	for _, c := range list {
		if c.Running() {
			f.running[c.ID] = true
		}
	}
}
func (f *fakeTracker) StopAll() { f.mu.Lock(); f.running = map[string]bool{}; f.stops++; f.mu.Unlock() }
func (f *fakeTracker) snapshot() (string, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprint(f.running), f.stops
}

type harness struct {
	engine  *fakeEngine
	tracker *fakeTracker
	store   *store.Store
	sub     *hub.Subscriber
	seq     uint64
	delays  chan time.Duration
	cancel  context.CancelFunc
	done    chan struct{}
}

func run(t *testing.T, e *fakeEngine) *harness {
	t.Helper()
	st := store.New(hub.New(), store.Config{}, zap.NewNop())
	sub, _ := st.Subscribe(1000)
	h := &harness{engine: e, tracker: &fakeTracker{running: map[string]bool{}}, store: st, sub: sub,
		delays: make(chan time.Duration, 100), done: make(chan struct{})}
	w := New(e, st, h.tracker, Config{Sleep: func(ctx context.Context, d time.Duration) {
		h.delays <- d
		select { // yield, so tests can observe the down state before the retry
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}}, zap.NewNop())
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() {
		defer close(h.done)
		if err := w.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	h.cancel()
	<-h.done
}

// expect reads deltas until it has len(want), comparing "type:detail".
func (h *harness) expect(t *testing.T, want ...string) {
	t.Helper()
	var got []string
	for len(got) < len(want) {
		select {
		case frame := <-h.sub.Queue():
			env, err := protocol.Decode(frame)
			if err != nil {
				t.Fatal(err)
			}
			h.seq++
			if env.Seq != h.seq {
				t.Fatalf("seq %d, want %d", env.Seq, h.seq)
			}
			got = append(got, describe(env))
		case <-time.After(5 * time.Second):
			t.Fatalf("timed out:\n got  %v\n want %v", got, want)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("deltas:\n got  %v\n want %v", got, want)
	}
}

func describe(env protocol.Envelope) string {
	var v struct {
		ID, State, Status, Action string
	}
	_ = json.Unmarshal(env.Data, &v) // a frame that fails to decode is described by its type alone
	switch env.Type {
	case protocol.TypeContainerUpsert:
		return "upsert:" + v.ID + "=" + v.State
	case protocol.TypeContainerRemove:
		return "remove:" + v.ID
	case protocol.TypeEngine:
		return "engine:" + v.Status
	case protocol.TypeEvent:
		return "event:" + v.Action
	}
	return env.Type
}

func c(id, state string) model.Container {
	return model.Container{Engine: "local", ID: id, Name: id, State: state}
}

func TestInitialSyncThenEvents(t *testing.T) {
	e := newFakeEngine()
	e.set(c("a", "running"))
	e.set(c("b", "exited"))
	h := run(t, e)
	h.expect(t, "engine:connecting", "upsert:a=running", "upsert:b=exited", "engine:up")
	time.Sleep(10 * time.Millisecond) // Sync follows the up delta
	if got, _ := h.tracker.snapshot(); got != "map[a:true]" {
		t.Fatalf("tracked %s, want a", got)
	}

	e.set(c("b", "running"))
	e.emit(t, "start", "b")
	h.expect(t, "event:start", "upsert:b=running")

	e.emit(t, "exec_start: sh", "b") // noise: nothing
	e.set(c("b", "paused"))
	e.emit(t, "pause", "b")
	h.expect(t, "event:pause", "upsert:b=paused")

	e.del("a")
	e.emit(t, "destroy", "a")
	h.expect(t, "event:destroy", "remove:a")
	// The tracker hears of a change just after the store publishes it.
	deadline := time.Now().Add(5 * time.Second)
	for got, _ := h.tracker.snapshot(); got != "map[]"; got, _ = h.tracker.snapshot() {
		if time.Now().After(deadline) {
			t.Fatalf("tracked %s after pause and destroy, want none", got)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestEventForVanishedContainerRemovesIt(t *testing.T) {
	e := newFakeEngine()
	e.set(c("a", "running"))
	h := run(t, e)
	h.expect(t, "engine:connecting", "upsert:a=running", "engine:up")
	e.del("a")
	e.emit(t, "die", "a")
	h.expect(t, "event:die", "remove:a")
}

func TestStreamBreakReportsDownThenResyncs(t *testing.T) {
	e := newFakeEngine()
	e.set(c("a", "running"))
	e.set(c("b", "running"))
	h := run(t, e)
	h.expect(t, "engine:connecting", "upsert:a=running", "upsert:b=running", "engine:up")

	e.breakStream(errors.New("unexpected EOF"))
	h.expect(t, "engine:down")
	if eng := h.store.Engines()[0]; eng.Reason != "event stream: unexpected EOF" {
		t.Fatalf("down reason %q", eng.Reason)
	}
	if _, stops := h.tracker.snapshot(); stops == 0 {
		t.Fatal("stats were not stopped when the engine went down")
	}
	// While down, the engine changes: a is gone, b stopped, c appeared.
	e.del("a")
	e.set(c("b", "exited"))
	e.set(c("c", "created"))
	e.heal()
	h.expect(t, "remove:a", "upsert:b=exited", "upsert:c=created", "engine:up")
	got := h.store.Containers()
	if len(got) != 2 || got[0].ID != "b" || got[1].ID != "c" {
		t.Fatalf("store after resync = %+v", got)
	}
}

func TestRetryBackoffIsCapped(t *testing.T) {
	e := newFakeEngine()
	e.failing = errors.New("connection refused")
	h := run(t, e)
	want := []time.Duration{250, 500, 1000, 2000, 4000, 5000, 5000}
	for i, w := range want {
		select {
		case d := <-h.delays:
			if d != w*time.Millisecond {
				t.Fatalf("delay %d = %v, want %v", i, d, w*time.Millisecond)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no retry %d", i)
		}
	}
	h.expect(t, "engine:connecting", "engine:down")
	if eng := h.store.Engines()[0]; eng.Reason != "connection refused" {
		t.Fatalf("reason %q", eng.Reason)
	}
	e.heal()
	h.expect(t, "engine:up")
}

// TestDestroyDuringInspectWins: an inspect that started before the
// container's destroy must not bring it back.
func TestDestroyDuringInspectWins(t *testing.T) {
	e := newFakeEngine()
	e.set(c("a", "running"))
	h := run(t, e)
	h.expect(t, "engine:connecting", "upsert:a=running", "engine:up")

	e.mu.Lock()
	e.inspecting, e.release = make(chan string, 10), make(chan struct{})
	e.mu.Unlock()
	e.set(c("a", "exited"))
	e.emit(t, "die", "a")
	<-e.inspecting // the inspect of a is in flight, holding "exited"
	e.emit(t, "destroy", "a")
	// The reader handles events in order: once the next one is out, it has
	// queued a's removal.
	e.emit(t, "kill", "other")
	h.expect(t, "event:die", "event:destroy", "event:kill")
	close(e.release) // the inspect returns the stale "exited"
	h.expect(t, "remove:a")
	if got := h.store.Containers(); len(got) != 0 {
		t.Fatalf("containers after destroy: %+v", got)
	}
}

// TestEventsFlowWhileAnInspectIsSlow: a slow inspect of one container holds
// up neither the event stream nor the other containers.
func TestEventsFlowWhileAnInspectIsSlow(t *testing.T) {
	e := newFakeEngine()
	e.set(c("a", "running"))
	e.set(c("b", "running"))
	h := run(t, e)
	h.expect(t, "engine:connecting", "upsert:a=running", "upsert:b=running", "engine:up")

	e.mu.Lock()
	e.inspecting, e.release = make(chan string, 10), make(chan struct{})
	e.mu.Unlock()
	e.set(c("a", "paused"))
	e.emit(t, "pause", "a")
	<-e.inspecting // a's inspect hangs
	for _, action := range []string{"kill", "stop", "kill"} {
		e.emit(t, action, "b")
	}
	h.expect(t, "event:pause", "event:kill", "event:stop", "event:kill")
	close(e.release)
	h.expect(t, "upsert:a=paused")
}
