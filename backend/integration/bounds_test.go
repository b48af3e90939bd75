package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
)

// TestHugeLabelsStayBounded is a scheduled job running a hostile image:
// containers with large labels, the last ones with a 512 KiB label too,
// created and destroyed again and again. Every event carries its
// container's labels. The snapshot must stay within its documented bound
// (the events history within its byte bound), and the huge label must show,
// in the container and in its events, that it was cut.
func TestHugeLabelsStayBounded(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	eventually(t, 10*time.Second, "engine up", func() bool {
		es := svc.Store.Engines()
		return len(es) == 1 && es[0].Status == model.EngineUp
	})
	const hugeLabel = "dockpulse.test.huge"
	huge := strings.Repeat("x", 512<<10)
	large := map[string]string{enginetest.TestLabel: "1"}
	for i := range 3 {
		large[fmt.Sprintf("dockpulse.test.large%d", i)] = strings.Repeat("y", 7<<10)
	}
	withHuge := maps.Clone(large)
	withHuge[hugeLabel] = huge

	// create and remove may run on other goroutines: they report, and the
	// test goroutine stops.
	create := func(name string, labels map[string]string) string {
		resp, err := cli.ContainerCreate(t.Context(), &container.Config{
			Image: enginetest.TestImage, Cmd: []string{"true"}, Labels: labels,
		}, &container.HostConfig{NetworkMode: "none"}, nil, nil, name)
		if err != nil {
			t.Errorf("create %s: %v", name, err)
		}
		return resp.ID
	}
	remove := func(id string) {
		if id == "" {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}); err != nil {
			t.Errorf("remove %s: %v", id[:12], err)
		}
	}
	// 200 events of 22 KiB each (30 KiB with the huge label cut): more
	// than the 4 MiB the events history keeps, and 13 MiB kept whole.
	const cycles, workers, hugeFrom = 100, 4, 92
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers { // the job runs on a few schedules at once
		wg.Go(func() {
			for i := w; i < cycles; i += workers {
				labels := large
				if i >= hugeFrom {
					labels = withHuge
				}
				remove(create(fmt.Sprintf("dp-huge-%d", i), labels))
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	kept := create("dp-huge-kept", withHuge)
	if kept == "" {
		t.FailNow()
	}
	t.Cleanup(func() { remove(kept) })
	t.Logf("%d cycles in %v", cycles, time.Since(start))
	// Events are handled in order: once the last create is in, all are.
	eventually(t, 60*time.Second, "the last container and its create event in the store", func() bool {
		evs := svc.Store.Events()
		return len(svc.Store.Containers()) > 0 && len(evs) > 0 && evs[len(evs)-1].ActorID == kept
	})

	resp := call(t, svc, http.MethodGet, "/api/snapshot")
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/snapshot: %d, %v", resp.StatusCode, err)
	}
	bound := svc.Store.SnapshotBound()
	t.Logf("snapshot of %d bytes, bound %d", len(body), bound)
	if len(body) > bound {
		t.Errorf("snapshot of %d bytes after %d cycles, over its bound of %d", len(body), cycles, bound)
	}
	var snap protocol.Snapshot
	if err := json.Unmarshal(body, &snap); err != nil {
		t.Fatal(err)
	}
	marker := fmt.Sprintf("… [cut: %d bytes in all]", len(huge))
	checkCut := func(what string, labels map[string]string) {
		t.Helper()
		v := labels[hugeLabel]
		if !strings.HasSuffix(v, marker) || !strings.HasPrefix(v, "xxxx") || len(v) > model.MaxLong {
			t.Errorf("%s: %d bytes, ending %q; want it cut with %q", what, len(v), v[max(0, len(v)-40):], marker)
		}
		for k, v := range large {
			if labels[k] != v {
				t.Errorf("%s: label %s of %d bytes, want it whole (%d bytes)", what, k, len(labels[k]), len(v))
			}
		}
	}
	found := false
	for _, c := range snap.Containers {
		if c.ID == kept {
			found = true
			checkCut("the container", c.Labels)
		}
	}
	if !found {
		t.Fatalf("the last container is not in the snapshot")
	}
	// The history is the newest events, as many as fit in its byte bound:
	// fewer than were sent, and every one with the huge label shows it cut.
	var ours, withCut int
	for _, ev := range snap.Events {
		if ev.Attributes[enginetest.TestLabel] != "1" {
			continue
		}
		ours++
		if _, ok := ev.Attributes[hugeLabel]; ok {
			withCut++
			checkCut(fmt.Sprintf("the %s event of %s", ev.Action, ev.Name), ev.Attributes)
		}
	}
	if last := snap.Events[len(snap.Events)-1]; last.ActorID != kept || last.Action != "create" {
		t.Errorf("the last event is %s of %s, want the last create", last.Action, last.Name)
	}
	if sent := 2*cycles + 1; ours >= sent || ours < 100 {
		t.Errorf("%d of the %d events sent are in the snapshot, want the byte bound to keep about 180", ours, sent)
	}
	if want := 2*(cycles-hugeFrom) + 1; withCut != want {
		t.Errorf("%d events with the huge label in the snapshot, want the newest %d", withCut, want)
	}
}
