package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// samplingWindow runs `dockpulse serve` with one client over one window:
// with visible set, as `--stats visible` with the client's view naming the
// first sampleVisible running containers; otherwise as `--stats all`, every
// running container streamed. It returns the window and the stats
// samples per second the client received.
func (b *bench) samplingWindow(ctx context.Context, ids []string, visible bool) (windowResult, float64, error) {
	mode := protocol.StatsAll
	if visible {
		mode = protocol.StatsVisible
	}
	be, c, err := b.oneClient(ctx, b.bin, "--stats", mode, "--stats-source", "engine")
	if err != nil {
		return windowResult{}, 0, err
	}
	defer be.stop()
	defer c.Close()
	if visible {
		if err := c.sendView(ctx, ids[:b.sz.sampleVisible]); err != nil {
			return windowResult{}, 0, fmt.Errorf("send view: %w", err)
		}
	}
	time.Sleep(b.sz.warmup)
	n0 := c.SampleCount()
	w := b.measureWindow(be.pid(), b.sz.window)
	rate := float64(c.SampleCount()-n0) / b.sz.window.Seconds()

	if got := c.Hello().StatsMode; got != mode {
		b.failf("sampling: hello says statsMode %q, want %q", got, mode)
	}
	for _, id := range ids[:b.sz.sampleVisible] {
		if c.samplesOf(id) == 0 {
			b.failf("sampling: no sample of container %.12s, which the client shows", id)
		}
	}
	if err := c.Err(); err != nil {
		b.failf("sampling: client connection: %v", err)
	}
	return w, rate, nil
}

// sampling compares `--stats visible` with the default of streaming every
// running container, through the real backend and protocol.
func (b *bench) sampling(ctx context.Context) error {
	n := min(b.sz.samplingCount, b.sz.statsCounts[len(b.sz.statsCounts)-1])
	if _, _, err := b.eng.ensureContainers(ctx, n, n); err != nil {
		return err
	}
	ids := b.eng.runningIDs(n)
	var all, vis, idle []windowResult
	var allRate, visRate []float64
	for r := 0; r < b.sz.rounds; r++ {
		w, rate, err := b.samplingWindow(ctx, ids, false)
		if err != nil {
			return err
		}
		all, allRate = append(all, w), append(allRate, rate)
		w, rate, err = b.samplingWindow(ctx, ids, true)
		if err != nil {
			return err
		}
		vis, visRate = append(vis, w), append(visRate, rate)
		idle = append(idle, b.measureWindow(0, b.sz.window))
	}
	a, v, i := medianWindow(all), medianWindow(vis), medianWindow(idle)
	t := b.table
	t.section(fmt.Sprintf("6. Visible-only sampling: `dockpulse serve --stats visible` with one client whose view shows %d of %d running containers (the rest one-shot every %s), vs `--stats all`; median of %d windows of %s",
		b.sz.sampleVisible, n, stats.DefaultBackground, b.sz.rounds, b.sz.window))
	if _, ok := b.eng.daemons(); ok {
		t.add("engine CPU: visible-only vs streaming everything", pct(v.engineCPU), pct(a.engineCPU), ratio(v.engineCPU, a.engineCPU), "")
		t.add("engine CPU above idle: visible-only vs streaming everything", pct(v.engineCPU-i.engineCPU), pct(a.engineCPU-i.engineCPU),
			ratio(v.engineCPU-i.engineCPU, a.engineCPU-i.engineCPU), "")
		t.add("engine CPU with nobody sampling (idle)", pct(i.engineCPU), "", breakdown(i), "")
		t.add("engine CPU by daemon: streaming everything", pct(a.engineCPU), "", breakdown(a), "")
		t.add("engine CPU by daemon: visible-only", pct(v.engineCPU), "", breakdown(v), "")
	}
	t.add("backend CPU: visible-only vs streaming everything", pct(v.cpu), pct(a.cpu), ratio(v.cpu, a.cpu), "")
	t.add("stats samples per second reaching the client", fmt.Sprintf("%.1f", median(visRate)), fmt.Sprintf("%.1f", median(allRate)), ratio(median(visRate), median(allRate)), "")
	return nil
}
