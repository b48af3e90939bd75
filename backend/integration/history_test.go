package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
)

// TestPastEventsOfAContainerThatDiedBeforeTheBackend: a container that
// died before the backend started shows its die event, read back from the
// engine and marked as past; a live event after it is not; no event is
// there twice.
func TestPastEventsOfAContainerThatDiedBeforeTheBackend(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	id := e.RunContainer(t, "dp-died-before", "sh", "-c", "exit 3")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	waitC, errC := cli.ContainerWait(ctx, id, container.WaitConditionNotRunning)
	select {
	case <-waitC:
	case err := <-errC:
		t.Fatalf("wait for %s: %v", id, err)
	}

	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	if c.engineStatus() != model.EngineUp {
		nextEngineStatus(t, c, model.EngineUp)
	}
	var die model.Event
	for _, ev := range c.Events() {
		if ev.ActorID == id && ev.Action == "die" {
			die = ev.Event
		}
	}
	if die.ActorID == "" {
		t.Fatalf("no die event of %s among %d events", id, len(c.Events()))
	}
	if !die.Backfill || die.Attributes["exitCode"] != "3" {
		t.Fatalf("die event %+v: want exit code 3, marked as past", die)
	}
	since := c.Engine(service.EngineName).EventsSince
	if since == 0 || since > die.TimeNano/1e6 {
		t.Fatalf("engine eventsSince %d, want at most the die's time %d", since, die.TimeNano/1e6)
	}

	live := e.RunContainer(t, "dp-after", "sleep", "60")
	eventually(t, 20*time.Second, "the live start event", func() bool {
		for _, ev := range c.Events() {
			if ev.ActorID == live && ev.Action == "start" {
				return true
			}
		}
		return false
	})
	seen := map[string]bool{}
	for _, ev := range c.Events() {
		k := fmt.Sprint(ev.Type, ev.Action, ev.ActorID, ev.TimeNano)
		if seen[k] {
			t.Fatalf("event twice: %+v", ev.Event)
		}
		seen[k] = true
		if ev.ActorID == live && ev.Backfill {
			t.Fatalf("live event marked as past: %+v", ev.Event)
		}
	}
	var polled []model.Event
	get(t, svc, "/api/events", &polled)
	if len(polled) != len(c.Events()) {
		t.Fatalf("polled %d events, the stream %d", len(polled), len(c.Events()))
	}
}

// TestHistoryRouteReturnsSamplesInOrder: the history route answers the
// samples the backend took of a running container, read times increasing,
// as the bound method does.
func TestHistoryRouteReturnsSamplesInOrder(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	id := e.RunContainer(t, "dp-history", "sleep", "60")
	path := "/api/engines/" + service.EngineName + "/containers/" + id + "/history"
	var h protocol.History
	eventually(t, 20*time.Second, "three samples in the history", func() bool {
		// 404 until the backend has seen the container start.
		resp := call(t, svc, http.MethodGet, path)
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return false
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		h = protocol.History{}
		if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return len(h.Samples) >= 3
	})
	if h.Engine != service.EngineName || h.ID != id {
		t.Fatalf("history of %s/%s, want %s", h.Engine, h.ID, id)
	}
	for i, s := range h.Samples {
		if s.ID != id || s.MemoryUsage == 0 || s.Pids == 0 {
			t.Fatalf("sample %d looks empty: %+v", i, s)
		}
		if i > 0 && s.Read <= h.Samples[i-1].Read {
			t.Fatalf("read times not increasing at %d: %d then %d", i, h.Samples[i-1].Read, s.Read)
		}
	}
	bound, err := svc.History(service.EngineName, id)
	if err != nil || len(bound.Samples) < len(h.Samples) || bound.Samples[len(h.Samples)-1] != h.Samples[len(h.Samples)-1] {
		t.Fatalf("the service's history %d samples (%v), the route's %d", len(bound.Samples), err, len(h.Samples))
	}
	resp := call(t, svc, http.MethodGet, "/api/engines/"+service.EngineName+"/containers/"+id[:12]+"/history")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("history of a short ID: status %d, want 404 (the full ID names a container)", resp.StatusCode)
	}
}
