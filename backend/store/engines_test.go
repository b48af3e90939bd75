package store

import (
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

func TestRemoveEngineDropsItsContainersStatsAndStatusNotEvents(t *testing.T) {
	s, sub := newStore(t)
	const other = "remote"
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: eng}})
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: other}})
	s.Upsert(ctr("a", "a", "running"))
	s.Upsert(model.Container{Engine: other, ID: "b", Name: "b", State: "running", Labels: map[string]string{}})
	s.PublishStats([]model.Stats{{Engine: eng, ID: "a", Read: 1}, {Engine: other, ID: "b", Read: 1}})
	s.RecordEvent(model.Event{Engine: other, Type: "container", Action: "start", ActorID: "b"})
	drain(t, sub, 0)

	if !s.RemoveEngine(other) {
		t.Fatal("RemoveEngine of a known engine: no delta")
	}
	frames := frames(t, sub, 6)
	if len(frames) != 1 {
		t.Fatalf("RemoveEngine sent %d deltas, want one engine.remove", len(frames))
	}
	env, err := protocol.Decode(frames[0])
	if err != nil {
		t.Fatal(err)
	}
	var gone protocol.EngineRemove
	mustUnmarshal(t, env.Data, &gone)
	if env.Type != protocol.TypeEngineRemove || gone.Engine != other {
		t.Fatalf("delta %s %s, want engine.remove of %s", env.Type, env.Data, other)
	}

	snap := s.Snapshot()
	if len(snap.Engines) != 1 || snap.Engines[0].Engine != eng {
		t.Errorf("engines after the removal: %+v", snap.Engines)
	}
	if len(snap.Containers) != 1 || snap.Containers[0].Engine != eng {
		t.Errorf("containers after the removal: %+v", snap.Containers)
	}
	if len(snap.Stats) != 1 || snap.Stats[0].Engine != eng {
		t.Errorf("stats after the removal: %+v", snap.Stats)
	}
	if _, ok := s.History(model.Key{Engine: other, ID: "b"}); ok {
		t.Error("the removed engine's container still has a history")
	}
	if _, ok := s.History(model.Key{Engine: eng, ID: "a"}); !ok {
		t.Error("the other engine's container lost its history")
	}
	if len(snap.Events) != 1 || snap.Events[0].Engine != other {
		t.Errorf("events after the removal: %+v, want the removed engine's event kept", snap.Events)
	}
	if snap.Seq != 7 {
		t.Errorf("snapshot seq %d, want 7", snap.Seq)
	}

	if s.RemoveEngine(other) {
		t.Error("a second RemoveEngine of the same engine made a delta")
	}
	if got := drain(t, sub, 7); len(got) != 0 {
		t.Errorf("deltas after a second removal: %v", got)
	}
	// Watched again, it starts afresh.
	s.SetEngineStatus(other, model.EngineConnecting, "")
	equal(t, drain(t, sub, 7), []string{"engine:connecting"})
}
