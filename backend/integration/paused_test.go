package integration

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
)

// TestPausedContainerKeepsItsFigures pauses a running container: like
// `docker stats`, Dockpulse keeps sampling it, with its memory (which a
// frozen container still holds) and no CPU, from the engine's API and from
// the kernel's cgroup files alike.
func TestPausedContainerKeepsItsFigures(t *testing.T) {
	for _, source := range []string{service.StatsSourceEngine, service.StatsSourceKernel} {
		t.Run(source, func(t *testing.T) {
			e := enginetest.Require(t)
			cli := e.Client(t)
			svc := startService(t, e, service.Config{StatsSource: source})
			c := connect(t, svc)
			id := e.RunContainer(t, "dp-paused-"+source, "sh", "-c", "yes > /dev/null")
			sampleOf(t, c, id, 20)

			if err := cli.ContainerPause(context.Background(), id); err != nil {
				t.Fatal(err)
			}
			expectUpsert(t, c, id, "paused", "dp-paused-"+source, "pause")
			// Samples taken after the pause: the first one may still count
			// CPU time spent before it.
			after := time.Now().UnixMilli()
			var got model.Stats
			for i := 0; i < 4; {
				s := sampleOf(t, c, id, 20)
				if s.Read > after {
					got = s
					i++
				}
			}
			if got.MemoryUsage == 0 || got.MemoryLimit == 0 {
				t.Fatalf("paused container's sample has no memory: %+v", got)
			}
			if got.CPUPercent > 1 {
				t.Fatalf("paused (frozen) container uses %.1f%% CPU, want about 0", got.CPUPercent)
			}
			var polled []model.Stats
			get(t, svc, "/api/stats", &polled)
			if len(polled) != 1 || polled[0].ID != id || polled[0].MemoryUsage == 0 {
				t.Fatalf("polled stats = %+v, want the paused container with its memory", polled)
			}

			if err := cli.ContainerUnpause(context.Background(), id); err != nil {
				t.Fatal(err)
			}
			expectUpsert(t, c, id, "running", "dp-paused-"+source, "unpause")
			sampleOf(t, c, id, 20)
		})
	}
}

// sampleOf reads stats batches until one has a sample of id, reading at
// most `batches` of them.
func sampleOf(t *testing.T, c *liveClient, id string, batches int) model.Stats {
	t.Helper()
	for range batches {
		env := c.next(protocol.TypeStats)
		var b protocol.StatsBatch
		if err := json.Unmarshal(env.Data, &b); err != nil {
			t.Fatal(err)
		}
		for _, s := range b.Samples {
			if s.ID == id {
				return s
			}
		}
	}
	t.Fatalf("no sample of %s in %d stats batches", id, batches)
	return model.Stats{}
}
