package integration

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// TestVisibleStatsSampling runs the backend with --stats visible against the
// real engine. A container in a client's view is sampled every second; one
// outside every view about every stats.DefaultBackground, from one-shot
// samples; once the client leaves (no view is open) both stream again.
func TestVisibleStatsSampling(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{StatsMode: protocol.StatsVisible})
	c := connect(t, svc)
	if c.Hello().StatsMode != protocol.StatsVisible || c.Hello().BackgroundMs != stats.DefaultBackground.Milliseconds() {
		t.Fatalf("hello statsMode %q backgroundMs %d, want %q %d", c.Hello().StatsMode, c.Hello().BackgroundMs, protocol.StatsVisible, stats.DefaultBackground.Milliseconds())
	}
	// The view comes first, so that no stream of the hidden container has
	// begun when the window opens.
	shown := e.CreateContainer(t, "dp-view-shown", "sleep", "3600")
	hidden := e.CreateContainer(t, "dp-view-hidden", "sleep", "3600")
	c.sendView(t, model.Key{Engine: service.EngineName, ID: shown})
	time.Sleep(100 * time.Millisecond) // for the server to read it
	for _, id := range []string{shown, hidden} {
		if err := e.Client(t).ContainerStart(context.Background(), id, container.StartOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	// The first background sample only sets the CPU baseline and comes a
	// random part of the period after the view, so two published samples
	// of the hidden container need up to three periods; a fourth leaves
	// room for a busy machine, whose one-shot samples take a while (in one
	// run of make test three periods and a second held only one).
	window := 4*stats.DefaultBackground + time.Second
	reads := c.sampleReads(t, window)
	if n := len(reads[shown]); n < int(window/time.Second)*2/3 {
		t.Errorf("container in view: %d samples in %v, want about one a second", n, window)
	}
	h := reads[hidden]
	t.Logf("in %v: %d samples of the container in view, %d of the one outside it at %v", window, len(reads[shown]), len(h), h)
	if len(h) < 2 || len(h) > 4 {
		t.Fatalf("container outside the view: %d samples in %v (%v), want 2 to 4", len(h), window, h)
	}
	for i := 1; i < len(h); i++ {
		if gap := h[i].Sub(h[i-1]); gap < stats.DefaultBackground*3/4 || gap > stats.DefaultBackground*3/2 {
			t.Errorf("container outside the view: samples %v apart, want about %v", gap, stats.DefaultBackground)
		}
	}

	// Without any view (the client left; a new one has not said what it
	// shows), everything streams again.
	c.Conn().Close(websocket.StatusNormalClosure, "")
	c2 := connect(t, svc)
	reads = c2.sampleReads(t, 5*time.Second)
	for name, id := range map[string]string{"shown": shown, "hidden": hidden} {
		if n := len(reads[id]); n < 3 {
			t.Errorf("%s container with no view open: %d samples in 5s, want about one a second", name, n)
		}
	}
}

// sampleReads collects, for window, the engine read time of every distinct
// sample per container ID, in order.
func (c *liveClient) sampleReads(t *testing.T, window time.Duration) map[string][]time.Time {
	t.Helper()
	out := map[string][]time.Time{}
	seen := map[string]int64{}
	end := time.After(window)
	for {
		select {
		case env, ok := <-c.Envelopes():
			if !ok {
				t.Fatalf("connection ended: %v", c.Err())
			}
			if env.Type != protocol.TypeStats {
				continue
			}
			var b protocol.StatsBatch
			if err := json.Unmarshal(env.Data, &b); err != nil {
				t.Fatal(err)
			}
			for _, s := range b.Samples {
				if s.Read != seen[s.ID] {
					seen[s.ID] = s.Read
					out[s.ID] = append(out[s.ID], time.UnixMilli(s.Read))
				}
			}
		case <-end:
			return out
		}
	}
}
