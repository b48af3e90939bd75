package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
)

// TestLifecycleDeltas drives a container through its life and checks the
// exact container deltas, in order, that a WebSocket client receives.
func TestLifecycleDeltas(t *testing.T) { lifecycleDeltas(t, enginetest.Require(t), "stop") }

// lifecycleDeltas is TestLifecycleDeltas on the engine e, whose stop ends
// with the event stopEnd (Docker sends kill, die, then stop; Podman only
// die).
func lifecycleDeltas(t *testing.T, e *enginetest.Engine, stopEnd string) {
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	eventually(t, 10*time.Second, "engine up", func() bool { return c.engineStatus() == model.EngineUp })
	ctx := context.Background()

	type step struct {
		do        func() error
		wantState string
		wantName  string
		wantEvent string
	}
	id := e.CreateContainer(t, "dp-life")
	// The create happened before the first step; its delta comes first.
	expectUpsert(t, c, id, "created", "dp-life", "create")
	steps := []step{
		{func() error { return cli.ContainerStart(ctx, id, container.StartOptions{}) }, "running", "dp-life", "start"},
		{func() error { return cli.ContainerPause(ctx, id) }, "paused", "dp-life", "pause"},
		{func() error { return cli.ContainerUnpause(ctx, id) }, "running", "dp-life", "unpause"},
		{func() error { return cli.ContainerRename(ctx, id, "dp-life-renamed") }, "running", "dp-life-renamed", "rename"},
		{func() error { return cli.ContainerStop(ctx, id, container.StopOptions{}) }, "exited", "dp-life-renamed", stopEnd},
	}
	var last model.Container
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.wantEvent, err)
		}
		last = expectUpsert(t, c, id, s.wantState, s.wantName, s.wantEvent)
		// The step's last event ends it: nothing more of it can be pending
		// when the next begins (`docker stop` sends kill, die, then stop).
		waitEvent(t, c, id, s.wantEvent)
	}
	if err := cli.ContainerRemove(ctx, id, container.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	// Docker's stop event, after the die, tells the kill was the stop's:
	// the exit cause turns from killed to stopped in one more upsert, which
	// may come with the die's or after it (read while the remove runs, it
	// says "removing").
	cause := last.ExitCause
	for {
		env := nextContainerDelta(t, c, id)
		if env.Type == protocol.TypeContainerRemove {
			break
		}
		var got model.Container
		if err := json.Unmarshal(env.Data, &got); err != nil || (got.State != "exited" && got.State != "removing") {
			t.Fatalf("after remove got %s %s, want container.remove of %s", env.Type, env.Data, id)
		}
		cause = got.ExitCause
	}
	if stopEnd == "stop" && cause != model.ExitStopped {
		t.Errorf("a container stopped with docker stop last read exit cause %q, want %q", cause, model.ExitStopped)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("client saw a protocol error: %v", err)
	}
}

// expectUpsert reads until the next delta about id and checks it is an
// upsert with the given state and name, and that an engine event about the
// container, stamped with the engine's time, arrived before it. (The event
// that shows a change is not always the one named: `docker stop` sends kill,
// die and stop, and the change comes with die.)
func expectUpsert(t *testing.T, c *liveClient, id, state, name, event string) model.Container {
	t.Helper()
	sawEvent := false
	c.lastEvents = map[string]bool{}
	for {
		env := c.next(protocol.TypeContainerUpsert, protocol.TypeContainerRemove, protocol.TypeEvent)
		if env.Type == protocol.TypeEvent {
			var ev model.Event
			if err := json.Unmarshal(env.Data, &ev); err != nil {
				t.Fatal(err)
			}
			c.lastEvents[ev.ActorID+"/"+ev.Action] = true
			if ev.ActorID == id {
				if ev.TimeNano == 0 || ev.SentNano < ev.TimeNano {
					t.Fatalf("event %s: timeNano %d, sentNano %d", ev.Action, ev.TimeNano, ev.SentNano)
				}
				sawEvent = true
			}
			continue
		}
		var ctr model.Container
		if err := json.Unmarshal(env.Data, &ctr); err != nil {
			t.Fatal(err)
		}
		if ctr.ID != id {
			continue
		}
		if env.Type != protocol.TypeContainerUpsert || ctr.State != state || ctr.Name != name {
			t.Fatalf("after %s: got %s %s=%s, want upsert %s=%s", event, env.Type, ctr.Name, ctr.State, name, state)
		}
		if !sawEvent {
			t.Fatalf("upsert after %s arrived before any event about the container", event)
		}
		return ctr
	}
}

// waitEvent returns once the event id/action has arrived, or had arrived
// during the last expectUpsert.
func waitEvent(t *testing.T, c *liveClient, id, action string) {
	t.Helper()
	if c.lastEvents[id+"/"+action] {
		return
	}
	for {
		env := c.next(protocol.TypeEvent, protocol.TypeContainerUpsert, protocol.TypeContainerRemove)
		if env.Type != protocol.TypeEvent {
			var k model.Key
			if err := json.Unmarshal(env.Data, &k); err == nil && k.ID == id {
				t.Fatalf("unexpected %s of %s while waiting for its %s event", env.Type, id, action)
			}
			continue
		}
		var ev model.Event
		if err := json.Unmarshal(env.Data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ActorID == id && ev.Action == action {
			return
		}
	}
}

func nextContainerDelta(t *testing.T, c *liveClient, id string) protocol.Envelope {
	t.Helper()
	for {
		env := c.next(protocol.TypeContainerUpsert, protocol.TypeContainerRemove)
		var k model.Key
		if err := json.Unmarshal(env.Data, &k); err != nil {
			t.Fatal(err)
		}
		if k.ID == id {
			return env
		}
	}
}

// TestStatsFlowWhileRunningOnly checks that samples arrive for a running
// container, batched, and stop once it stops.
func TestStatsFlowWhileRunningOnly(t *testing.T) { statsFlow(t, enginetest.Require(t)) }

// statsFlow is TestStatsFlowWhileRunningOnly on the engine e.
func statsFlow(t *testing.T, e *enginetest.Engine) {
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	id := e.RunContainer(t, "dp-stats", "sh", "-c", "yes > /dev/null")

	got := sampleOf(t, c, id, 30)
	if got.MemoryUsage == 0 || got.MemoryLimit == 0 || got.Pids == 0 || got.Read == 0 {
		t.Fatalf("first sample looks empty: %+v", got)
	}
	// yes spins as much as it can get: within a few samples CPU must show
	// it, even on a machine the other tests keep busy.
	busy := false
	for i := 0; i < 10 && !busy; i++ {
		env := c.next(protocol.TypeStats)
		var b protocol.StatsBatch
		if err := json.Unmarshal(env.Data, &b); err != nil {
			t.Fatal(err)
		}
		for _, s := range b.Samples {
			busy = busy || (s.ID == id && s.CPUPercent > 5)
		}
	}
	if !busy {
		t.Fatal("CPU of a spinning container never exceeded 5%")
	}
	var polled []model.Stats
	get(t, svc, "/api/stats", &polled)
	if len(polled) != 1 || polled[0].ID != id {
		t.Fatalf("polled stats = %+v, want the one running container", polled)
	}

	if err := cli.ContainerStop(context.Background(), id, container.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	expectUpsert(t, c, id, "exited", "dp-stats", "die")
	// Two stats intervals later, nothing more may have arrived for it.
	deadline := time.After(2500 * time.Millisecond)
	for {
		select {
		case env := <-c.Envelopes():
			if env.Type != protocol.TypeStats {
				continue
			}
			var b protocol.StatsBatch
			if err := json.Unmarshal(env.Data, &b); err != nil {
				t.Fatal(err)
			}
			for _, s := range b.Samples {
				if s.ID == id {
					t.Fatalf("stats for %s after it stopped: %+v", id, s)
				}
			}
		case <-deadline:
			if n := engineOf(t, svc).Collector.Streams(); n != 0 {
				t.Fatalf("%d stats streams still open after the only container stopped", n)
			}
			return
		}
	}
}

// TestEngineKilledAndRestarted kills the engine under a connected client:
// the client sees the engine down, then up, and ends with a picture equal
// to `docker ps -a`, including changes made while Dockpulse was away.
func TestEngineKilledAndRestarted(t *testing.T) {
	e := enginetest.Require(t)
	e.RequireRestartable(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	eventually(t, 10*time.Second, "engine up", func() bool { return c.engineStatus() == model.EngineUp })
	e.RunContainer(t, "dp-kill-keep") // running: the restart stops it
	gone := e.CreateContainer(t, "dp-kill-gone")
	eventually(t, 10*time.Second, "containers seen", func() bool { return len(c.picture()) >= 2 })

	e.Kill(t)
	killed := time.Now()
	info := nextEngineStatus(t, c, model.EngineDown)
	if info.Reason == "" {
		t.Fatal("engine down without a reason")
	}
	t.Logf("engine down reported %v after the kill: %s", time.Since(killed), info.Reason)
	var engines []model.EngineInfo
	get(t, svc, "/api/engines", &engines)
	if engines[0].Status != model.EngineDown {
		t.Fatalf("polled engine status %s, want down", engines[0].Status)
	}

	e.Start(t)
	// Change things before Dockpulse's next try can see them happen.
	cli := e.Client(t)
	ctx := context.Background()
	if err := cli.ContainerRemove(ctx, gone, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	e.CreateContainer(t, "dp-kill-added")

	nextEngineStatus(t, c, model.EngineUp)
	// The reconnect may land before or after those changes; either way the
	// picture must settle on the engine's.
	var got, want []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		want, got = dockerPS(t, cli), c.picture()
		if fmt.Sprint(got) == fmt.Sprint(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("client picture after restart:\n got  %v\n want %v", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(want) != 2 {
		t.Fatalf("docker ps -a = %v, want the kept and the added container", want)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("client saw a protocol error: %v", err)
	}
}

// TestRefusedConnections checks the guard on the running backend.
func TestRefusedConnections(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	ep, err := svc.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	healthy := connect(t, svc)
	tests := []struct {
		name   string
		url    string
		header http.Header
		host   string
		want   int
	}{
		{"no token", ep.URL, nil, "", http.StatusUnauthorized},
		{"wrong token", ep.URL + "?token=not-the-token", nil, "", http.StatusUnauthorized},
		{"foreign origin", ep.URL + "?token=" + ep.Token, http.Header{"Origin": {"http://127.0.0.1:8080"}}, "", http.StatusForbidden},
		{"non-loopback host", ep.URL + "?token=" + ep.Token, nil, "attacker.example:80", http.StatusForbidden},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, resp, err := websocket.Dial(ctx, tt.url, &websocket.DialOptions{HTTPHeader: tt.header, Host: tt.host})
		cancel()
		if err == nil {
			conn.CloseNow()
			t.Errorf("%s: connected, want status %d", tt.name, tt.want)
			continue
		}
		if resp == nil || resp.StatusCode != tt.want {
			t.Errorf("%s: got %v (%v), want status %d", tt.name, resp, err, tt.want)
		}
	}
	// The refusals cost the connected client nothing.
	id := e.CreateContainer(t, "dp-guard")
	nextContainerDelta(t, healthy, id)
}

// nextEngineStatus skips engine messages until one reports status.
func nextEngineStatus(t *testing.T, c *liveClient, status string) model.EngineInfo {
	t.Helper()
	for {
		env := c.next(protocol.TypeEngine)
		var info model.EngineInfo
		if err := json.Unmarshal(env.Data, &info); err != nil {
			t.Fatal(err)
		}
		if info.Status == status {
			return info
		}
	}
}
