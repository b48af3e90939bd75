package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// sdkSource is the collector's view of the engine, as backend/docker gives
// it, plus the one-shot sample that background sampling needs.
type sdkSource struct{ cli *client.Client }

func (s sdkSource) StreamStats(ctx context.Context, id string) (stats.Stream, error) {
	resp, err := s.cli.ContainerStats(ctx, id, true)
	if err != nil {
		return nil, err
	}
	return &jsonStream{body: resp.Body, dec: json.NewDecoder(resp.Body)}, nil
}

func (s sdkSource) SampleOnce(ctx context.Context, id string) (container.StatsResponse, error) {
	var v container.StatsResponse
	resp, err := s.cli.ContainerStatsOneShot(ctx, id)
	if err != nil {
		return v, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&v)
	return v, err
}

type jsonStream struct {
	body io.ReadCloser
	dec  *json.Decoder
}

func (s *jsonStream) Next() (container.StatsResponse, error) {
	var v container.StatsResponse
	err := s.dec.Decode(&v)
	return v, err
}

func (s *jsonStream) Close() error { return s.body.Close() }

// countingSink counts the samples a collector publishes.
type countingSink struct{ n atomic.Int64 }

func (s *countingSink) PublishStats(samples []model.Stats) { s.n.Add(int64(len(samples))) }

// collectorWindow runs a collector on every running benchmark container,
// the first visible of them in focus (visible < 0: no focus, all stream),
// and measures one window after the warm-up.
func (b *bench) collectorWindow(ctx context.Context, ids []string, visible int) (windowResult, float64, error) {
	sink := &countingSink{}
	col := stats.New(sdkSource{b.eng.cli}, sink, stats.Config{Engine: "local", Background: b.sz.sampleBackground}, zap.NewNop())
	if visible >= 0 {
		var focus []model.Key
		for _, id := range ids[:visible] {
			focus = append(focus, model.Key{Engine: "local", ID: id})
		}
		col.SetFocus(focus)
	}
	for _, id := range ids {
		col.Track(model.Container{Engine: "local", ID: id, State: model.StateRunning})
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- col.Run(cctx) }()
	time.Sleep(b.sz.warmup)
	n0 := sink.n.Load()
	w := b.measureWindow(os.Getpid(), b.sz.window)
	rate := float64(sink.n.Load()-n0) / b.sz.window.Seconds()
	cancel()
	return w, rate, <-done
}

// sampling compares streaming every running container with streaming only
// the visible ones and sampling the rest once every few seconds.
func (b *bench) sampling(ctx context.Context) error {
	n := b.sz.statsCounts[len(b.sz.statsCounts)-1]
	if _, _, err := b.eng.ensureContainers(ctx, n, n); err != nil {
		return err
	}
	ids := b.eng.runningIDs(n)
	var all, vis, idle []windowResult
	var allRate, visRate []float64
	for r := 0; r < b.sz.rounds; r++ {
		w, rate, err := b.collectorWindow(ctx, ids, -1)
		if err != nil {
			return err
		}
		all, allRate = append(all, w), append(allRate, rate)
		w, rate, err = b.collectorWindow(ctx, ids, b.sz.sampleVisible)
		if err != nil {
			return err
		}
		vis, visRate = append(vis, w), append(visRate, rate)
		idle = append(idle, b.measureWindow(0, b.sz.window))
	}
	a, v, i := medianWindow(all), medianWindow(vis), medianWindow(idle)
	t := b.table
	t.section(fmt.Sprintf("6. Visible-only sampling (collector harness, no protocol change): %d running, %d visible streamed at 1 Hz, the rest one-shot every %s; median of %d windows of %s",
		n, b.sz.sampleVisible, b.sz.sampleBackground, b.sz.rounds, b.sz.window))
	if _, ok := b.eng.daemons(); ok {
		t.add("engine CPU: visible-only vs streaming everything", pct(v.engineCPU), pct(a.engineCPU), ratio(v.engineCPU, a.engineCPU), "")
		t.add("engine CPU above idle: visible-only vs streaming everything", pct(v.engineCPU-i.engineCPU), pct(a.engineCPU-i.engineCPU),
			ratio(v.engineCPU-i.engineCPU, a.engineCPU-i.engineCPU), "")
		t.add("engine CPU with nobody sampling (idle)", pct(i.engineCPU), "", breakdown(i), "")
		t.add("engine CPU by daemon: streaming everything", pct(a.engineCPU), "", breakdown(a), "")
		t.add("engine CPU by daemon: visible-only", pct(v.engineCPU), "", breakdown(v), "")
	}
	t.add("collector process CPU: visible-only vs streaming everything", pct(v.cpu), pct(a.cpu), ratio(v.cpu, a.cpu), "")
	t.add("samples per second reaching the store", fmt.Sprintf("%.1f", median(visRate)), fmt.Sprintf("%.1f", median(allRate)), ratio(median(visRate), median(allRate)), "")
	return nil
}
