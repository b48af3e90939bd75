package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dockpulse/dockpulse/backend/service"
)

func (b *bench) scale(ctx context.Context) error {
	sz := b.sz
	e := b.eng
	e.mu.Lock()
	had := len(e.created)
	hadRunning := len(e.running)
	e.mu.Unlock()
	create, start, err := e.ensureContainers(ctx, sz.scaleTotal, sz.scaleRunning)
	if err != nil {
		return err
	}
	created, started := sz.scaleTotal-had, sz.scaleRunning-hadRunning

	// Time to the first complete picture: from exec until a client that
	// connects as early as it can holds every container with the engine up.
	be, err := startBackend(ctx, b.bin, e.host, b.log)
	if err != nil {
		return err
	}
	defer be.stop()
	// Like the UI, the client reconnects at once when it is dropped: the
	// first list's upserts can overflow its queue.
	var complete time.Duration
	drops := 0
	for complete == 0 {
		if time.Since(be.started) > 2*time.Minute {
			return fmt.Errorf("no complete picture within 2 minutes (%d drops)", drops)
		}
		c, err := dialWS(ctx, be, false)
		if err != nil {
			time.Sleep(time.Millisecond)
			continue
		}
		waitFor(2*time.Minute, func() bool {
			select {
			case <-c.Done():
				return true
			default:
			}
			return !c.FirstUp(service.EngineName).IsZero()
		})
		if up := c.FirstUp(service.EngineName); !up.IsZero() {
			complete = up.Sub(be.started)
		} else {
			drops++
		}
		c.Close()
	}

	// A client connecting to the warm backend: the snapshot's size and how
	// long it takes to arrive.
	var snapTimes []float64
	var snapBytes, snapContainers int
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		c, err := dialWS(ctx, be, false)
		if err != nil {
			return err
		}
		// The client is back once the snapshot is in.
		snap := c.Snapshot()
		snapTimes = append(snapTimes, float64(snap.At.Sub(t0).Nanoseconds()))
		snapBytes, snapContainers = snap.Bytes, snap.Containers
		c.Close()
	}
	api, err := be.get(ctx, "/api/snapshot")
	if err != nil {
		return err
	}
	if snapContainers < sz.scaleTotal {
		b.failf("scale: the snapshot holds %d containers, want %d", snapContainers, sz.scaleTotal)
	}
	time.Sleep(b.sz.warmup)
	ours := b.measureWindow(be.pid(), b.sz.window)
	be.stop()
	cli, err := b.cliWindow(ctx)
	if err != nil {
		return err
	}

	t := b.table
	t.section(fmt.Sprintf("5. Scale: %d containers, %d running", sz.scaleTotal, sz.scaleRunning))
	if created > 0 {
		t.add(fmt.Sprintf("engine: creating %d containers (%d at a time)", created, createWorkers), dur(create), "", fmt.Sprintf("%.0f containers/s", float64(created)/create.Seconds()), "")
	}
	if started > 0 {
		t.add(fmt.Sprintf("engine: starting %d containers (%d at a time)", started, createWorkers), dur(start), "", fmt.Sprintf("%.1f containers/s", float64(started)/start.Seconds()), "")
	}
	t.add("time from exec to the first complete picture (engine up, every container), client connected from the start", dur(complete), "",
		fmt.Sprintf("%d drops on the way (a client queue overflowed by the first list's upserts; reconnected at once)", drops), "")
	t.add("snapshot size: WebSocket frame / GET /api/snapshot", fmt.Sprintf("%d B / %d B", snapBytes, len(api)), "",
		fmt.Sprintf("%.0f B per container", float64(snapBytes)/float64(max(snapContainers, 1))), "")
	t.add("new client: dial to snapshot received (median of 5)", ms(median(snapTimes)), "", "", "")
	t.add(fmt.Sprintf("backend RSS, %d running streamed", sz.scaleRunning), mib(float64(ours.rss)), mib(float64(cli.rss))+" (`docker stats`)", "", "")
	t.add("backend stats CPU vs `docker stats` CLI", pct(ours.cpu), pct(cli.cpu), ratio(ours.cpu, cli.cpu), verdict(ours.cpu <= cli.cpu/2, "≤ 0.5×"))
	if _, ok := e.daemons(); ok {
		t.add("engine CPU while Dockpulse streams vs while `docker stats` streams", pct(ours.engineCPU), pct(cli.engineCPU), ratio(ours.engineCPU, cli.engineCPU), "")
	}
	return nil
}
