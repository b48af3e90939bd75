package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/model"
)

// direct subscribes to the engine's /events: the physical limit, what any
// watcher of the engine would see first.
type direct struct {
	mu     sync.Mutex
	events []received
	cancel context.CancelFunc
	err    error
}

func subscribeDirect(ctx context.Context, e *engine) *direct {
	return subscribeClient(ctx, e.cli)
}

// subscribeClient subscribes to /events through cli, whatever transport it
// has.
func subscribeClient(ctx context.Context, cli *client.Client) *direct {
	ctx, cancel := context.WithCancel(ctx)
	d := &direct{cancel: cancel}
	msgs, errs := cli.Events(ctx, events.ListOptions{Filters: filters.NewArgs(filters.Arg("type", "container"))})
	go func() {
		for {
			select {
			case m := <-msgs:
				now := time.Now().UnixNano()
				d.mu.Lock()
				d.events = append(d.events, received{key: eventKey(m.Actor.ID, string(m.Action), m.TimeNano),
					timeNano: m.TimeNano, recvNano: now})
				d.mu.Unlock()
			case err := <-errs:
				d.mu.Lock()
				d.err = err
				d.mu.Unlock()
				return
			}
		}
	}()
	return d
}

func (d *direct) seen() []received {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]received(nil), d.events...)
}

// poller is the old design: GET /api/events every second.
type poller struct {
	mu     sync.Mutex
	first  map[string]int64 // key -> receive time of the first poll that had it
	cancel context.CancelFunc
	done   chan struct{}
}

func startPoller(ctx context.Context, b *backend, every time.Duration) *poller {
	ctx, cancel := context.WithCancel(ctx)
	p := &poller{first: map[string]int64{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			body, err := b.get(ctx, "/api/events")
			now := time.Now().UnixNano()
			if err == nil {
				var evs []model.Event
				if json.Unmarshal(body, &evs) == nil {
					p.mu.Lock()
					for _, ev := range evs {
						k := eventKey(ev.ActorID, ev.Action, ev.TimeNano)
						if _, ok := p.first[k]; !ok {
							p.first[k] = now
						}
					}
					p.mu.Unlock()
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// flip pauses a running container or unpauses a paused one: each call is
// exactly one engine event.
//
// The engine records an unpause when containerd reports it, a moment after
// the call returns, so a pause right after an unpause can be refused as
// "already paused": that is retried.
func (e *engine) flip(ctx context.Context, id string, paused bool) error {
	for try := 0; ; try++ {
		var err error
		if paused {
			err = e.cli.ContainerUnpause(ctx, id)
		} else {
			err = e.cli.ContainerPause(ctx, id)
		}
		if err == nil || try == 200 || !(strings.Contains(err.Error(), "already paused") || strings.Contains(err.Error(), "not paused")) {
			return err
		}
		time.Sleep(time.Millisecond)
	}
}

// stateChanges makes n pause/unpause calls on ids, spread over workers
// goroutines that each own some of the containers, sleeping gap() after each
// call when gap is set. It leaves every container running and returns how
// long the calls took.
func (b *bench) stateChanges(ctx context.Context, ids []string, n int, workers int, gap func() time.Duration) (time.Duration, error) {
	return stateChangesOn(ctx, b.eng, ids, n, workers, gap)
}

// stateChangesOn is stateChanges on the engine e.
func stateChangesOn(ctx context.Context, e *engine, ids []string, n int, workers int, gap func() time.Duration) (time.Duration, error) {
	paused := make([]bool, len(ids))
	workers = min(workers, len(ids))
	var mu sync.Mutex
	t0 := time.Now()
	// Worker w owns the containers w, w+workers, ...; ops are spread evenly.
	err := parallel(workers, workers, func(w int) error {
		var mine []int
		for i := w; i < len(ids); i += workers {
			mine = append(mine, i)
		}
		ops := n / workers
		if w < n%workers {
			ops++
		}
		for k := 0; k < ops; k++ {
			i := mine[k%len(mine)]
			mu.Lock()
			p := paused[i]
			mu.Unlock()
			if err := e.flip(ctx, ids[i], p); err != nil {
				return fmt.Errorf("pause/unpause: %w", err)
			}
			mu.Lock()
			paused[i] = !p
			mu.Unlock()
			if gap != nil {
				time.Sleep(gap())
			}
		}
		return nil
	})
	took := time.Since(t0)
	// Leave every container running.
	for i, p := range paused {
		if p {
			if uerr := e.cli.ContainerUnpause(ctx, ids[i]); uerr != nil && err == nil {
				err = uerr
			}
		}
	}
	return took, err
}

// waitFor polls cond every 20 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

// burstKeys returns the pause and unpause events on ids since the engine
// time since, as the direct subscriber saw them, in its order.
func burstKeys(d *direct, ids []string, since int64) []received {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []received
	for _, r := range d.seen() {
		id, rest, _ := strings.Cut(r.key, "/")
		if r.timeNano >= since && want[id] && (strings.HasPrefix(rest, "pause/") || strings.HasPrefix(rest, "unpause/")) {
			out = append(out, r)
		}
	}
	return out
}

func (b *bench) latency(ctx context.Context) error {
	sz := b.sz
	if _, _, err := b.eng.ensureContainers(ctx, 4, 4); err != nil {
		return err
	}
	ids := b.eng.runningIDs(4)
	be, err := startBackend(ctx, b.bin, b.eng.host, b.log)
	if err != nil {
		return err
	}
	defer be.stop()
	if err := waitEngineUp(ctx, be, 30*time.Second); err != nil {
		return err
	}
	clients, err := dialMany(ctx, be, sz.latencyClients)
	if err != nil {
		return err
	}
	defer closeAll(clients)
	d := subscribeDirect(ctx, b.eng)
	defer d.cancel()
	p := startPoller(ctx, be, time.Second)
	time.Sleep(500 * time.Millisecond)
	dir, ok, err := steadyChanges(ctx, b.eng, ids, d, clients, sz.latencyChanges)
	if err != nil {
		return err
	}
	time.Sleep(1500 * time.Millisecond) // one more poll
	p.cancel()
	<-p.done
	if !ok || len(dir) < sz.latencyChanges {
		b.failf("latency: the direct subscriber saw %d of %d events, or a client missed some", len(dir), sz.latencyChanges)
	}
	directLat, wsLat, overhead := latencies(dir, clients)
	var pollLat []float64
	missed := 0
	p.mu.Lock()
	for _, r := range dir {
		if t, ok := p.first[r.key]; ok {
			pollLat = append(pollLat, float64(t-r.timeNano))
		} else {
			missed++
		}
	}
	p.mu.Unlock()
	if missed > 0 {
		b.failf("latency: the polling client never saw %d events", missed)
	}

	t := b.table
	t.section(fmt.Sprintf("1. Event latency: %d state changes (pause/unpause, 20-60 ms apart), %d WebSocket clients; receive time − engine timeNano", len(dir), len(clients)))
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", .5}, {"p90", .9}, {"p99", .99}, {"max", 1}} {
		w, dl, pl := quantile(wsLat, q.q), quantile(directLat, q.q), quantile(pollLat, q.q)
		t.add("latency "+q.name+": WebSocket vs direct /events", ms(w), ms(dl), signed(w-dl), "")
		t.add("latency "+q.name+": WebSocket vs 1 s polling", ms(w), ms(pl), fmt.Sprintf("polling is %s slower", ratio(pl, w)), "< 100 ms")
	}
	o99 := quantile(overhead, .99)
	t.add("overhead over direct /events, per event and client: p50", ms(quantile(overhead, .5)), "", "", "")
	t.add("overhead over direct /events, per event and client: p99", ms(o99), "", "", verdict(o99 <= 2e6, "≤ 2 ms"))
	t.add("overhead over direct /events: max", ms(quantile(overhead, 1)), "", "", "")
	return nil
}

// steadyChanges makes n state changes on e, one at a time, 20-60 ms apart:
// a steady stream of changes, not a burst (that is the fan-out
// measurement). It returns the events on ids as the direct subscriber d saw
// them, and whether d saw n and every client saw them all within 15 s.
func steadyChanges(ctx context.Context, e *engine, ids []string, d *direct, clients []*wsClient, n int) ([]received, bool, error) {
	since := time.Now().UnixNano()
	_, err := stateChangesOn(ctx, e, ids, n, 1, func() time.Duration {
		return 20*time.Millisecond + rand.N(40*time.Millisecond)
	})
	if err != nil {
		return nil, false, err
	}
	ok := waitFor(15*time.Second, func() bool {
		want := len(burstKeys(d, ids, since))
		if want < n {
			return false
		}
		for _, c := range clients {
			if countKeys(c.seen(), since) < want {
				return false
			}
		}
		return true
	})
	return burstKeys(d, ids, since), ok, nil
}

// latencies are, in nanoseconds, each event's latency at the direct
// subscriber (receive time − engine timeNano) and at every client, and
// each client's receive time minus the direct subscriber's.
func latencies(dir []received, clients []*wsClient) (direct, ws, overhead []float64) {
	dirRecv := map[string]int64{}
	for _, r := range dir {
		direct = append(direct, float64(r.recvNano-r.timeNano))
		dirRecv[r.key] = r.recvNano
	}
	for _, c := range clients {
		for _, r := range c.seen() {
			if dr, ok := dirRecv[r.key]; ok {
				ws = append(ws, float64(r.recvNano-r.timeNano))
				overhead = append(overhead, float64(r.recvNano-dr))
			}
		}
	}
	return direct, ws, overhead
}

// countKeys counts the events received with an engine time after since.
func countKeys(rs []received, since int64) int {
	n := 0
	for _, r := range rs {
		if r.timeNano >= since {
			n++
		}
	}
	return n
}
