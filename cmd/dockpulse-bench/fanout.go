package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coder/websocket"
)

// fanoutResult is one burst as the healthy clients saw it.
type fanoutResult struct {
	events          int
	burst           time.Duration
	e2e, fan, dirL  []float64
	ingest          []float64 // Dockpulse publish − direct receive, per event: the watcher's share
	complete, order int       // clients that got every event / in the engine's order
	gaps            int
	reordered       int // events whose position differs from the direct subscriber's order
	p99PerClient    []float64
}

// quietAfterBurst is how long the direct subscriber must see nothing before
// a burst counts as over.
const quietAfterBurst = 500 * time.Millisecond

// lastReceived is the latest receive time among rs.
func lastReceived(rs []received) int64 {
	var last int64
	for _, r := range rs {
		last = max(last, r.recvNano)
	}
	return last
}

// burst makes n events as fast as the engine takes them and collects what
// every client received.
func (b *bench) burst(ctx context.Context, d *direct, clients []*wsClient, ids []string, n int) (fanoutResult, error) {
	var r fanoutResult
	since := time.Now().UnixNano()
	took, err := b.stateChanges(ctx, ids, n, createWorkers, nil)
	if err != nil {
		return r, err
	}
	r.burst = took
	// The engine now and then logs a spurious extra event a moment later,
	// so the burst is over once the direct subscriber has been quiet for a
	// while; then every client must hold every event it saw.
	waitFor(60*time.Second, func() bool {
		dir := burstKeys(d, ids, since)
		if len(dir) < n || time.Now().UnixNano()-lastReceived(dir) < int64(quietAfterBurst) {
			return false
		}
		for _, c := range clients {
			got := map[string]bool{}
			for _, e := range c.seen() {
				got[e.key] = true
			}
			for _, e := range dir {
				if !got[e.key] {
					return false
				}
			}
		}
		return true
	})
	dir := burstKeys(d, ids, since)
	r.events = len(dir)
	idx := map[string]int{}
	for i, e := range dir {
		idx[e.key] = i
		r.dirL = append(r.dirL, float64(e.recvNano-e.timeNano))
	}
	// The engine publishes each event to each subscriber from its own
	// goroutine, so two events logged at the same moment can reach two
	// subscribers in either order. Dockpulse's order is the one it assigned
	// sequence numbers in: every client must see exactly that order, with
	// no gap, which is checked against the first client's.
	var ref []string
	for ci, c := range clients {
		got := 0
		var lat, order []string
		_ = lat
		var lats []float64
		lastSent := int64(0)
		inOrder := true
		for _, e := range c.seen() {
			if _, ok := idx[e.key]; !ok {
				continue
			}
			got++
			if e.sentNano < lastSent {
				inOrder = false
			}
			lastSent = e.sentNano
			order = append(order, e.key)
			r.e2e = append(r.e2e, float64(e.recvNano-e.timeNano))
			r.fan = append(r.fan, float64(e.recvNano-e.sentNano))
			lats = append(lats, float64(e.recvNano-e.timeNano))
		}
		if ci == 0 {
			for _, e := range c.seen() {
				if i, ok := idx[e.key]; ok {
					r.ingest = append(r.ingest, float64(e.sentNano-dir[i].recvNano))
				}
			}
			ref = order
			r.reordered = reorderedVs(order, dir)
		} else if !slices.Equal(order, ref) {
			inOrder = false
		}
		if got == len(dir) {
			r.complete++
		}
		if inOrder {
			r.order++
		}
		r.gaps += c.Gaps()
		r.p99PerClient = append(r.p99PerClient, quantile(lats, .99))
	}
	return r, nil
}

// directBurst is the physical limit at the same width: the same burst to
// subscribers direct subscribers of the engine's own /events, with no
// Dockpulse in between. It returns receive − timeNano of every delivery and
// how many subscribers got every event.
func (b *bench) directBurst(ctx context.Context, ids []string, subscribers, n int) ([]float64, int, error) {
	var ds []*direct
	for range subscribers {
		ds = append(ds, subscribeDirect(ctx, b.eng))
	}
	defer func() {
		for _, d := range ds {
			d.cancel()
		}
	}()
	time.Sleep(500 * time.Millisecond)
	since := time.Now().UnixNano()
	if _, err := b.stateChanges(ctx, ids, n, createWorkers, nil); err != nil {
		return nil, 0, err
	}
	waitFor(60*time.Second, func() bool {
		for _, d := range ds {
			if len(burstKeys(d, ids, since)) < n {
				return false
			}
		}
		return true
	})
	var lat []float64
	complete := 0
	for _, d := range ds {
		got := burstKeys(d, ids, since)
		if len(got) >= n {
			complete++
		}
		for _, e := range got {
			lat = append(lat, float64(e.recvNano-e.timeNano))
		}
	}
	return lat, complete, nil
}

func (b *bench) fanout(ctx context.Context) error {
	sz := b.sz
	nIDs := 16
	if b.smoke {
		nIDs = 4
	}
	if _, _, err := b.eng.ensureContainers(ctx, nIDs, nIDs); err != nil {
		return err
	}
	ids := b.eng.runningIDs(nIDs)
	running := len(b.eng.runningIDs(1 << 30))
	be, err := startBackend(ctx, b.bin, b.eng.host, b.log)
	if err != nil {
		return err
	}
	defer be.stop()
	if err := waitEngineUp(ctx, be, 60*time.Second); err != nil {
		return err
	}
	clients, err := dialMany(ctx, be, sz.fanoutClients)
	if err != nil {
		return err
	}
	defer closeAll(clients)
	d := subscribeDirect(ctx, b.eng)
	defer d.cancel()
	time.Sleep(500 * time.Millisecond)

	plain, err := b.burst(ctx, d, clients, ids, sz.fanoutEvents)
	if err != nil {
		return err
	}
	stalled, err := dialWS(ctx, be, true)
	if err != nil {
		return err
	}
	defer stalled.Conn().CloseNow()
	withStall, err := b.burst(ctx, d, clients, ids, sz.fanoutEvents)
	if err != nil {
		return err
	}
	// The stalled client must have been cut off (1008) rather than left to
	// hold anyone up: read what its socket holds until the close frame.
	fate := "still connected: the bursts fit in its queue and socket buffers"
	readFor := 10 * time.Second // a dropped client's buffered frames, then its end
	if b.smoke {
		readFor = 2 * time.Second // the smoke bursts are too small to fill its queue
	}
	rctx, cancel := context.WithTimeout(ctx, readFor)
	for {
		_, _, err := stalled.Conn().Read(rctx)
		if err != nil {
			switch st := websocket.CloseStatus(err); {
			case st == websocket.StatusPolicyViolation:
				var ce websocket.CloseError
				errors.As(err, &ce)
				fate = fmt.Sprintf("dropped: closed with 1008 %q", ce.Reason)
			case st != -1:
				fate = fmt.Sprintf("closed with %d", st)
			case rctx.Err() == nil:
				fate = "dropped: connection cut (its close frame could not be written to a peer that reads nothing)"
			}
			break
		}
	}
	cancel()
	closeAll(clients)
	be.stop()

	// The same burst to as many direct subscribers of the engine: how fast
	// the engine itself fans out on this machine.
	engineLat, engineComplete, err := b.directBurst(ctx, ids, len(clients), sz.fanoutEvents)
	if err != nil {
		return err
	}

	for _, r := range []struct {
		name string
		f    fanoutResult
	}{{"without", plain}, {"with", withStall}} {
		if r.f.events < sz.fanoutEvents || r.f.complete != len(clients) || r.f.order != len(clients) || r.f.gaps != 0 {
			b.failf("fan-out %s a stalled client: engine made %d events for %d changes; %d/%d clients got all, %d/%d in Dockpulse's order, %d sequence gaps",
				r.name, r.f.events, sz.fanoutEvents, r.f.complete, len(clients), r.f.order, len(clients), r.f.gaps)
		}
	}
	t := b.table
	t.section(fmt.Sprintf("4. Fan-out: %d clients, bursts of %d events (pause/unpause by %d workers as fast as the engine takes them; each also causes a container.upsert), %d containers streaming stats", len(clients), sz.fanoutEvents, createWorkers, running))
	for _, r := range []struct {
		name string
		f    fanoutResult
	}{{"no stalled client", plain}, {"one stalled client", withStall}} {
		f := r.f
		t.add(fmt.Sprintf("%s: every event to every healthy client, same order, no seq gap", r.name),
			fmt.Sprintf("%d/%d complete, %d/%d in order, %d gaps", f.complete, len(clients), f.order, len(clients), f.gaps),
			fmt.Sprintf("engine: %d events for %d changes in %s (%.0f/s)", f.events, sz.fanoutEvents, dur(f.burst), float64(f.events)/f.burst.Seconds()),
			fmt.Sprintf("%d adjacent pairs the direct subscriber got the other way round (the engine's own race)", f.reordered), "all")
		fp99 := quantile(f.fan, .99)
		t.add(fmt.Sprintf("%s: fan-out p50 / p99 (receive − Dockpulse publish, %d deliveries)", r.name, len(f.fan)),
			ms(quantile(f.fan, .5))+" / "+ms(fp99), "", "", verdict(fp99 <= 10e6, "p99 ≤ 10 ms"))
		t.add(fmt.Sprintf("%s: end-to-end p50 / p99 (receive − engine timeNano) vs direct /events", r.name),
			ms(quantile(f.e2e, .5))+" / "+ms(quantile(f.e2e, .99)), ms(quantile(f.dirL, .5))+" / "+ms(quantile(f.dirL, .99)),
			"+"+ms(quantile(f.e2e, .99)-quantile(f.dirL, .99))+" at p99", "")
	}
	t.add("ingest: Dockpulse publish − direct /events receive, p50 / p99 / max (engine → watcher → store, one more process hop)",
		ms(quantile(plain.ingest, .5))+" / "+ms(quantile(plain.ingest, .99))+" / "+ms(quantile(plain.ingest, 1)), "", "", "")
	t.add("stalled client's fate", fate, "", "", "closed with 1008 once its queue (1024 messages) is full")
	t.add(fmt.Sprintf("the engine's own fan-out, the same burst to %d direct /events subscribers and no Dockpulse (%d/%d got every event): receive − timeNano p50 / p99, vs Dockpulse's end-to-end", len(clients), engineComplete, len(clients)),
		ms(quantile(plain.e2e, .5))+" / "+ms(quantile(plain.e2e, .99)), ms(quantile(engineLat, .5))+" / "+ms(quantile(engineLat, .99)),
		"+"+ms(quantile(plain.e2e, .99)-quantile(engineLat, .99))+" at p99", "")
	t.add("healthy clients' p99 with the stalled client vs without", ms(quantile(withStall.e2e, .99)), ms(quantile(plain.e2e, .99)),
		ratio(quantile(withStall.e2e, .99), quantile(plain.e2e, .99)), "not raised")
	return nil
}

// reorderedVs counts adjacent pairs of got that the direct subscriber saw
// the other way round.
func reorderedVs(got []string, dir []received) int {
	pos := make(map[string]int, len(dir))
	for i, r := range dir {
		pos[r.key] = i
	}
	n := 0
	for i := 1; i < len(got); i++ {
		if pos[got[i]] < pos[got[i-1]] {
			n++
		}
	}
	return n
}
