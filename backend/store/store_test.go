package store

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const eng = "local"

func ctr(id, name, state string) model.Container {
	return model.Container{Engine: eng, ID: id, Name: name, State: state, Labels: map[string]string{}}
}

func newStore(t *testing.T) (*Store, *hub.Subscriber) {
	t.Helper()
	clock := time.Unix(1700000000, 0)
	s := New(hub.New(), Config{MaxEvents: 3, Now: func() time.Time { return clock }}, zap.NewNop())
	sub, snap := s.Subscribe(1000)
	if snap.Seq != 0 {
		t.Fatalf("fresh store snapshot seq = %d, want 0", snap.Seq)
	}
	return s, sub
}

// drain returns "type:detail" for every queued delta, checking that sequence
// numbers are consecutive from want.
func drain(t *testing.T, sub *hub.Subscriber, from uint64) []string {
	t.Helper()
	var out []string
	for _, frame := range frames(t, sub, from) {
		env, err := protocol.Decode(frame)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, env.Type+":"+detail(t, env))
	}
	return out
}

// frames returns every queued frame, checking that sequence numbers are
// consecutive from seq.
func frames(t *testing.T, sub *hub.Subscriber, seq uint64) [][]byte {
	t.Helper()
	var out [][]byte
	for {
		select {
		case frame := <-sub.Queue():
			env, err := protocol.Decode(frame)
			if err != nil {
				t.Fatal(err)
			}
			if seq++; env.Seq != seq {
				t.Fatalf("delta %s has seq %d, want %d", env.Type, env.Seq, seq)
			}
			out = append(out, frame)
		default:
			return out
		}
	}
}

func detail(t *testing.T, env protocol.Envelope) string {
	switch env.Type {
	case protocol.TypeContainerUpsert:
		var c model.Container
		mustUnmarshal(t, env.Data, &c)
		return c.ID + "=" + c.State
	case protocol.TypeContainerRemove:
		var k model.Key
		mustUnmarshal(t, env.Data, &k)
		return k.ID
	case protocol.TypeStats:
		var b protocol.StatsBatch
		mustUnmarshal(t, env.Data, &b)
		ids := ""
		for _, s := range b.Samples {
			ids += s.ID
		}
		return ids
	case protocol.TypeEngine:
		var e model.EngineInfo
		mustUnmarshal(t, env.Data, &e)
		return e.Status
	case protocol.TypeEvent:
		var e model.Event
		mustUnmarshal(t, env.Data, &e)
		return e.Action
	}
	return "?"
}

func mustUnmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("unmarshal %s: %v", data, err)
	}
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("deltas:\n got  %v\n want %v", got, want)
	}
}

func TestUpsertRemoveDeltas(t *testing.T) {
	s, sub := newStore(t)
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: eng}})
	s.Upsert(ctr("a", "web", model.StateCreated))
	s.Upsert(ctr("a", "web", model.StateCreated)) // unchanged: no delta
	s.Upsert(ctr("a", "web", model.StateRunning))
	s.Remove(model.Key{Engine: eng, ID: "a"})
	s.Remove(model.Key{Engine: eng, ID: "a"}) // unknown: no delta
	equal(t, drain(t, sub, 0), []string{"engine:up", "container.upsert:a=created", "container.upsert:a=running", "container.remove:a"})
	if got := s.Seq(); got != 4 {
		t.Fatalf("Seq() = %d, want 4", got)
	}
}

func TestReconcileEmitsOnlyNeededDeltas(t *testing.T) {
	s, sub := newStore(t)
	for _, c := range []model.Container{ctr("a", "a", "running"), ctr("b", "b", "exited"), ctr("c", "c", "running")} {
		s.Upsert(c)
	}
	drain(t, sub, 0)
	tests := []struct {
		name string
		list []model.Container
		want []string
	}{
		{"unchanged", []model.Container{ctr("c", "c", "running"), ctr("a", "a", "running"), ctr("b", "b", "exited")}, nil},
		{"changed, gone and new", []model.Container{ctr("d", "d", "created"), ctr("a", "a", "exited"), ctr("b", "b", "exited")},
			[]string{"container.remove:c", "container.upsert:a=exited", "container.upsert:d=created"}},
		{"empty engine", nil, []string{"container.remove:a", "container.remove:b", "container.remove:d"}},
	}
	seq := s.Seq()
	for _, tt := range tests {
		n, err := s.Reconcile(eng, tt.list)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := drain(t, sub, seq)
		seq = s.Seq()
		if n != len(tt.want) {
			t.Errorf("%s: Reconcile returned %d, want %d", tt.name, n, len(tt.want))
		}
		equal(t, got, tt.want)
	}
	if _, err := s.Reconcile(eng, []model.Container{{Engine: "other", ID: "x"}}); err == nil {
		t.Fatal("Reconcile accepted a container of another engine")
	}
}

func TestReconcileLeavesOtherEnginesAlone(t *testing.T) {
	s, sub := newStore(t)
	other := model.Container{Engine: "remote", ID: "z", State: "running"}
	s.Upsert(other)
	if _, err := s.Reconcile(eng, nil); err != nil {
		t.Fatal(err)
	}
	equal(t, drain(t, sub, 0), []string{"container.upsert:z=running"})
	if got := len(s.Containers()); got != 1 {
		t.Fatalf("containers = %d, want 1", got)
	}
}

func TestStatsOnlyForRunningContainersOfLiveEngines(t *testing.T) {
	s, sub := newStore(t)
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: eng}})
	s.Upsert(ctr("a", "a", "running"))
	s.Upsert(ctr("b", "b", "exited"))
	drain(t, sub, 0)
	seq := s.Seq()
	s.PublishStats([]model.Stats{{Engine: eng, ID: "a", CPUPercent: 5}, {Engine: eng, ID: "b"}, {Engine: eng, ID: "gone"}})
	equal(t, drain(t, sub, seq), []string{"stats:a"})
	if got := s.Stats(); len(got) != 1 || got[0].ID != "a" || got[0].CPUPercent != 5 {
		t.Fatalf("Stats() = %+v, want one sample of a", got)
	}
	s.PublishStats([]model.Stats{{Engine: eng, ID: "b"}}) // nothing kept: no delta
	if s.Seq() != seq+1 {
		t.Fatalf("an empty batch was published")
	}
	s.Upsert(ctr("a", "a", "exited"))
	if got := s.Stats(); len(got) != 0 {
		t.Fatalf("stats of a stopped container kept: %+v", got)
	}
}

// A paused container is frozen but holds its memory: its samples are kept,
// as `docker stats` shows them, and survive the pause itself.
func TestStatsKeptForPausedContainers(t *testing.T) {
	s, sub := newStore(t)
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: eng}})
	s.Upsert(ctr("a", "a", "running"))
	s.PublishStats([]model.Stats{{Engine: eng, ID: "a", MemoryUsage: 7 << 20}})
	s.Upsert(ctr("a", "a", "paused"))
	if got := s.Stats(); len(got) != 1 || got[0].MemoryUsage != 7<<20 {
		t.Fatalf("Stats() after the pause = %+v, want a's sample", got)
	}
	drain(t, sub, 0)
	seq := s.Seq()
	s.PublishStats([]model.Stats{{Engine: eng, ID: "a", MemoryUsage: 6 << 20}})
	equal(t, drain(t, sub, seq), []string{"stats:a"})
}

func TestEngineDownClearsStatsAndKeepsContainers(t *testing.T) {
	s, sub := newStore(t)
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: eng}, Version: "20.10"})
	s.Upsert(ctr("a", "a", "running"))
	s.PublishStats([]model.Stats{{Engine: eng, ID: "a"}})
	s.SetEngineStatus(eng, model.EngineDown, "connection refused")
	s.SetEngineStatus(eng, model.EngineDown, "connection refused") // unchanged: no delta
	equal(t, drain(t, sub, 0), []string{"engine:up", "container.upsert:a=running", "stats:a", "engine:down"})
	snap := s.Snapshot()
	if len(snap.Stats) != 0 {
		t.Fatalf("stats survived engine down: %+v", snap.Stats)
	}
	if len(snap.Containers) != 1 {
		t.Fatalf("containers = %d, want the last known 1", len(snap.Containers))
	}
	e := snap.Engines[0]
	if e.Status != model.EngineDown || e.Reason != "connection refused" || e.Version != "20.10" {
		t.Fatalf("engine = %+v, want down with reason and last known version", e)
	}
	s.PublishStats([]model.Stats{{Engine: eng, ID: "a"}})
	if len(s.Stats()) != 0 {
		t.Fatal("stats accepted while the engine is down")
	}
}

func TestEventsAreBoundedAndStamped(t *testing.T) {
	s, sub := newStore(t)
	for _, a := range []string{"create", "start", "pause", "unpause"} {
		s.RecordEvent(model.Event{Engine: eng, Type: "container", Action: a, TimeNano: 1})
	}
	equal(t, drain(t, sub, 0), []string{"event:create", "event:start", "event:pause", "event:unpause"})
	evs := s.Events()
	var got []string
	for _, e := range evs {
		got = append(got, e.Action)
		if e.SentNano != time.Unix(1700000000, 0).UnixNano() {
			t.Errorf("event %s SentNano = %d", e.Action, e.SentNano)
		}
	}
	equal(t, got, []string{"start", "pause", "unpause"})
}

func TestSubscribeSnapshotPairsWithFollowingDeltas(t *testing.T) {
	s, _ := newStore(t)
	s.Upsert(ctr("a", "a", "running"))
	sub, snap := s.Subscribe(10)
	s.Upsert(ctr("b", "b", "running"))
	if snap.Seq != 1 || len(snap.Containers) != 1 {
		t.Fatalf("snapshot seq %d with %d containers, want 1 and 1", snap.Seq, len(snap.Containers))
	}
	equal(t, drain(t, sub, snap.Seq), []string{"container.upsert:b=running"})
}
