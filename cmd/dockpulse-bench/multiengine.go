package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// multiEngine is section 9: one `dockpulse serve` watching 1, 2, … engines
// (the benchmark's and private engines it starts, each named by a context),
// each with the same number of running containers, `--stats all`, one
// client. The backend's CPU and RSS per engine must stay flat: the cost
// grows linearly with the engines, not faster.
func (b *bench) multiEngine(ctx context.Context) (err error) {
	n, counts := b.sz.enginesRunning, b.sz.engineCounts
	engs := []*engine{b.eng}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		for _, e := range engs[1:] {
			err = errors.Join(err, e.close(cctx))
		}
	}()
	for len(engs) < counts[len(counts)-1] {
		b.progress("starting engine %d", len(engs)+1)
		e, err := openEngine(ctx, "", "")
		if err != nil {
			return err
		}
		engs = append(engs, e)
	}
	c, err := newContexts()
	if err != nil {
		return err
	}
	defer c.close()
	var names []string
	for i, e := range engs {
		b.progress("engine %d: %d running containers", i+1, n)
		if _, _, err := e.ensureContainers(ctx, n, n); err != nil {
			return err
		}
		name := fmt.Sprintf("bench-engine-%d", i+1)
		if err := c.add(name, "host="+e.host); err != nil {
			return err
		}
		names = append(names, name)
	}
	figures := make([]windowResult, len(counts))
	for i, k := range counts {
		var ws []windowResult
		for r := 0; r < b.sz.rounds; r++ {
			w, err := b.enginesWindow(ctx, c, names[:k], engs[:k])
			if err != nil {
				return fmt.Errorf("%d engines: %w", k, err)
			}
			ws = append(ws, w)
		}
		figures[i] = medianWindow(ws)
	}

	t := b.table
	t.section(fmt.Sprintf("9. Several engines: one `dockpulse serve --context …` watching %v engines, %d running containers each, `--stats all`, one WebSocket client; median of %d windows of %s", counts, n, b.sz.rounds, b.sz.window))
	one := figures[0]
	for i, k := range counts {
		w := figures[i]
		perCPU, perRSS := w.cpu/float64(k), float64(w.rss)/float64(k)
		base := fmt.Sprintf("1 engine: %s", pct(one.cpu))
		target := ""
		if k > 1 {
			target = verdict(perCPU <= one.cpu*1.25, "per engine ≤ 1.25× the 1-engine figure")
		}
		t.add(fmt.Sprintf("backend CPU, %s (%d running containers): total, per engine", engineCount(k), k*n),
			pct(w.cpu)+", "+pct(perCPU)+" per engine", base, ratio(perCPU, one.cpu)+" per engine", target)
		t.add(fmt.Sprintf("backend RSS, %s: total, per engine", engineCount(k)),
			mib(float64(w.rss))+", "+mib(perRSS)+" per engine", "1 engine: "+mib(float64(one.rss)),
			ratio(perRSS, float64(one.rss))+" per engine; +"+mib(float64(w.rss-one.rss))+" over 1 engine", "")
	}
	return nil
}

// enginesWindow measures one backend watching the named engines over one
// window, after checking that its one client gets samples from each.
func (b *bench) enginesWindow(ctx context.Context, c *contexts, names []string, engs []*engine) (windowResult, error) {
	be, err := b.serveContexts(ctx, c, names, "--stats", protocol.StatsAll)
	if err != nil {
		return windowResult{}, err
	}
	defer be.stop()
	cl, err := dialWS(ctx, be, false)
	if err != nil {
		return windowResult{}, err
	}
	defer cl.Close()
	time.Sleep(b.sz.warmup)
	w := b.measureWindow(be.pid(), b.sz.window)
	for i, name := range names {
		id := engs[i].runningIDs(1)
		if len(id) == 0 || cl.Samples(model.Key{Engine: name, ID: id[0]}) == 0 {
			b.failf("engines: the client got no stats sample of engine %s", name)
		}
	}
	return w, nil
}

// engineCount is "1 engine", "2 engines", ….
func engineCount(k int) string {
	if k == 1 {
		return "1 engine"
	}
	return fmt.Sprintf("%d engines", k)
}
