package store

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/dockpulse/dockpulse/backend/model"
)

func sample(id string, read int64, cpu float64) model.Stats {
	return model.Stats{Engine: eng, ID: id, Read: read, CPUPercent: cpu, OnlineCPUs: 2, MemoryUsage: uint64(read) * 3,
		MemoryLimit: 1 << 30, MemoryPercent: 12.5, NetworkRx: uint64(read), NetworkTx: 7, BlockRead: 8, BlockWrite: 9, Pids: 4}
}

func upStore(t *testing.T, ids ...string) *Store {
	t.Helper()
	s, _ := newStore(t)
	s.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: eng}})
	for _, id := range ids {
		s.Upsert(ctr(id, id, "running"))
	}
	return s
}

func TestHistoryKeepsAcceptedSamplesExactly(t *testing.T) {
	s := upStore(t, "a")
	want := []model.Stats{sample("a", 1000, 0.1), sample("a", 2000, 150.25), sample("a", 3000, 33.333333)}
	for _, st := range want {
		s.PublishStats([]model.Stats{st})
	}
	s.PublishStats([]model.Stats{sample("a", 2500, 1)}) // older than the newest: not history
	s.PublishStats([]model.Stats{sample("a", 3000, 1)}) // same read time: not history
	h, ok := s.History(model.Key{Engine: eng, ID: "a"})
	if !ok || h.Engine != eng || h.ID != "a" {
		t.Fatalf("History = %+v, %v", h, ok)
	}
	if !reflect.DeepEqual(h.Samples, want) {
		t.Fatalf("samples:\n got  %+v\n want %+v", h.Samples, want)
	}
}

func TestHistoryIsBoundedInPointsAndSpan(t *testing.T) {
	s := upStore(t, "a")
	const n = HistoryPoints + 100
	for i := range n {
		s.PublishStats([]model.Stats{sample("a", int64(i+1)*500, 1)}) // two a second
	}
	h, _ := s.History(model.Key{Engine: eng, ID: "a"})
	if len(h.Samples) != HistoryPoints {
		t.Fatalf("%d samples kept, want the cap %d", len(h.Samples), HistoryPoints)
	}
	if first, last := h.Samples[0].Read, h.Samples[len(h.Samples)-1].Read; last != n*500 || first != (n-HistoryPoints+1)*500 {
		t.Fatalf("kept %d..%d, want the newest %d", first, last, HistoryPoints)
	}
	for i := 1; i < len(h.Samples); i++ {
		if h.Samples[i].Read <= h.Samples[i-1].Read {
			t.Fatalf("read times not increasing at %d: %d then %d", i, h.Samples[i-1].Read, h.Samples[i].Read)
		}
	}
	if r := s.history[model.Key{Engine: eng, ID: "a"}]; cap(r.points) != HistoryPoints {
		t.Fatalf("ring capacity %d, want %d", cap(r.points), HistoryPoints)
	}

	// Samples further back than the span from the newest are not answered.
	s.PublishStats([]model.Stats{sample("a", n*500+HistorySpan.Milliseconds()-1000, 1)})
	h, _ = s.History(model.Key{Engine: eng, ID: "a"})
	if got := h.Samples[len(h.Samples)-1].Read - h.Samples[0].Read; got > HistorySpan.Milliseconds() {
		t.Fatalf("history spans %d ms, more than %v", got, HistorySpan)
	}
	if len(h.Samples) != 4 { // n*500-1000 to n*500, and the new one
		t.Fatalf("%d samples within the span, want 4", len(h.Samples))
	}
}

func TestHistoryGrowsAsSamplesCome(t *testing.T) {
	s := upStore(t, "a")
	for i := range 5 {
		s.PublishStats([]model.Stats{sample("a", int64(i+1)*10_000, 1)})
	}
	if r := s.history[model.Key{Engine: eng, ID: "a"}]; cap(r.points) > 8 {
		t.Fatalf("5 samples take room for %d", cap(r.points))
	}
}

func TestHistoryMemory(t *testing.T) {
	if got := unsafe.Sizeof(point{}); got != PointBytes {
		t.Fatalf("a point takes %d bytes, PointBytes says %d", got, PointBytes)
	}
	if got := unsafe.Sizeof(sampleRing{}); got > HistoryBytes-HistoryPoints*PointBytes {
		t.Fatalf("a ring's own fields take %d bytes, more than HistoryBytes allows", got)
	}
	if PointBytes >= unsafe.Sizeof(model.Stats{}) {
		t.Fatalf("a point (%d bytes) is not compact against a model.Stats (%d)", PointBytes, unsafe.Sizeof(model.Stats{}))
	}
}

func TestHistoryOutlivesStopAndOutageNotRemoval(t *testing.T) {
	s := upStore(t, "a")
	k := model.Key{Engine: eng, ID: "a"}
	s.PublishStats([]model.Stats{sample("a", 1000, 1)})
	s.Upsert(ctr("a", "a", "exited"))
	s.SetEngineStatus(eng, model.EngineDown, "gone")
	if h, _ := s.History(k); len(h.Samples) != 1 {
		t.Fatalf("history after a stop and an outage: %+v", h.Samples)
	}
	s.Remove(k)
	if h, ok := s.History(k); ok {
		t.Fatalf("a removed container has history %+v", h)
	}
	if len(s.history) != 0 {
		t.Fatalf("the removed container's ring is still kept")
	}
	// A known container never sampled answers no samples, not null.
	s.Upsert(ctr("b", "b", "created"))
	if h, ok := s.History(model.Key{Engine: eng, ID: "b"}); !ok || h.Samples == nil || len(h.Samples) != 0 {
		t.Fatalf("History of an unsampled container = %+v, %v", h, ok)
	}
}
