package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/model/modeltest"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

func TestEventsAreBoundedByBytes(t *testing.T) {
	const maxBytes = 20_000
	s := New(hub.New(), Config{MaxEvents: 100, MaxEventBytes: maxBytes, Now: time.Now}, zap.NewNop())
	sub, _ := s.Subscribe(1000)
	for i := range 30 {
		s.RecordEvent(model.Event{Engine: eng, Type: "container", Action: "create", ActorID: fmt.Sprint(i),
			Attributes: map[string]string{"big": strings.Repeat("x", 100*i)}})
	}
	sent := frames(t, sub, 0)
	if len(sent) != 30 {
		t.Fatalf("%d events sent, want every one of 30", len(sent))
	}
	// The history is the longest run of the newest events within the bound.
	first, total := len(sent), 0
	for first > 0 && total+len(sent[first-1]) <= maxBytes {
		first--
		total += len(sent[first])
	}
	var got, want []string
	for _, e := range s.Events() {
		got = append(got, e.ActorID)
	}
	for i := first; i < len(sent); i++ {
		want = append(want, fmt.Sprint(i))
	}
	equal(t, got, want)
	if first == 0 || len(got) < 2 {
		t.Fatalf("the bound kept %d of 30 events: the test proves nothing", len(got))
	}

	// An event larger than the whole bound is sent, and not kept.
	s.RecordEvent(model.Event{Engine: eng, Type: "container", Action: "create", ActorID: "huge",
		Attributes: map[string]string{"a": strings.Repeat("x", 8000), "b": strings.Repeat("y", 8000), "c": strings.Repeat("z", 8000)}})
	if n := len(frames(t, sub, 30)); n != 1 {
		t.Fatalf("%d frames for the large event, want 1", n)
	}
	if evs := s.Events(); len(evs) != 0 {
		t.Fatalf("%d events kept after one larger than the bound", len(evs))
	}
}

// TestStoreKeepsEngineDataBounded checks that what comes in is cut on its
// way in, and that a cut ID still names its container.
func TestStoreKeepsEngineDataBounded(t *testing.T) {
	s, sub := newStore(t)
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: eng}})
	c := ctr(modeltest.Hostile, "web", model.StateRunning)
	c.Labels["big"] = strings.Repeat("x", 512<<10)
	s.Upsert(c)
	s.PublishStats([]model.Stats{{Engine: eng, ID: c.ID, CPUPercent: 1}})
	s.RecordEvent(model.Event{Engine: eng, Type: "container", Action: "create", ActorID: c.ID, Attributes: c.Labels})
	s.SetEngineStatus(eng, model.EngineDown, modeltest.Hostile)
	for _, frame := range frames(t, sub, 0) {
		if len(frame) > model.MaxContainerJSON+256 {
			t.Errorf("a delta of %d bytes", len(frame))
		}
	}
	marker := fmt.Sprintf("… [cut: %d bytes in all]", 512<<10)
	snap := s.Snapshot()
	if got := snap.Containers[0].Labels["big"]; !strings.HasSuffix(got, marker) || len(got) > model.MaxLong {
		t.Errorf("label of %d bytes, ending %q", len(got), got[max(0, len(got)-40):])
	}
	if got := snap.Events[0].Attributes["big"]; !strings.HasSuffix(got, marker) {
		t.Errorf("attribute of %d bytes, not cut", len(got))
	}
	if len(snap.Stats) != 0 {
		t.Errorf("stats kept while the engine is down")
	}
	if got := snap.Engines[0].Reason; len(got) > model.MaxLong {
		t.Errorf("reason of %d bytes", len(got))
	}
	if id := snap.Containers[0].ID; len(id) > model.MaxWord {
		t.Errorf("ID of %d bytes", len(id))
	}
	if !s.Remove(c.Key()) || len(s.Containers()) != 0 {
		t.Errorf("the container is not removed by its full ID")
	}
}

// TestSnapshotWorstCase fills a store with the largest data an engine can
// send and checks that the snapshot stays within the documented bound
// (SnapshotBound), and comes close to it.
func TestSnapshotWorstCase(t *testing.T) {
	s := New(hub.New(), Config{}, zap.NewNop())
	s.SetEngineUp(modeltest.EngineInfo(eng, model.EngineUp))
	const containers = 8
	for i := range containers {
		c := modeltest.Container(eng, i)
		s.Upsert(c)
		s.PublishStats([]model.Stats{modeltest.Stats(c)})
	}
	ev := modeltest.Event(eng)
	for i := range 140 { // more than the 4 MiB of events hold
		ev.ActorID = fmt.Sprint(i, modeltest.Hostile)
		s.RecordEvent(ev)
	}
	snap := s.Snapshot()
	if len(snap.Containers) != containers || len(snap.Stats) != containers {
		t.Fatalf("%d containers and %d samples, want %d", len(snap.Containers), len(snap.Stats), containers)
	}
	frame, err := protocol.Encode(protocol.TypeSnapshot, snap.Seq, snap)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(snap) // as GET /api/snapshot sends it
	if err != nil {
		t.Fatal(err)
	}
	bound := s.SnapshotBound()
	t.Logf("snapshot: %d events, %d bytes (%d framed) of %d", len(snap.Events), len(body), len(frame), bound)
	if len(frame) > bound || len(body) > bound {
		t.Errorf("snapshot of %d bytes (%d framed), over its bound %d", len(body), len(frame), bound)
	}
	if len(body) < bound*9/10 {
		t.Errorf("snapshot of %d bytes, far below its bound %d: the data is not maximal", len(body), bound)
	}
}
