package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/service"
)

// profileBackend runs the backend in this process (the same service that
// `dockpulse serve` runs) with clients WebSocket clients and n running
// containers, and writes a CPU profile of one window to path, and a heap
// profile beside it. It is how the figures above were explained.
func (b *bench) profileBackend(ctx context.Context, path string, n, clients, burst int) error {
	if _, _, err := b.eng.ensureContainers(ctx, n, n); err != nil {
		return err
	}
	svc, err := service.New(service.Config{DockerHost: b.eng.host}, zap.NewNop())
	if err != nil {
		return err
	}
	if err := svc.Start(ctx); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = svc.Stop(sctx)
	}()
	ep, err := svc.Endpoint()
	if err != nil {
		return err
	}
	be := &backend{base: "http" + strings.TrimPrefix(strings.TrimSuffix(ep.URL, "/ws"), "ws"), token: ep.Token}
	if err := waitEngineUp(ctx, be, 60*time.Second); err != nil {
		return err
	}
	if b.profileLogs {
		return b.profileLogsFlood(ctx, be, path)
	}
	cs, err := dialMany(ctx, be, clients)
	if err != nil {
		return err
	}
	defer closeAll(cs)
	time.Sleep(b.sz.warmup)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	var w windowResult
	if burst > 0 {
		d := subscribeDirect(ctx, b.eng)
		defer d.cancel()
		self := startCPU(single(os.Getpid()))
		r, err := b.burst(ctx, d, cs, b.eng.runningIDs(16), burst)
		if err != nil {
			pprof.StopCPUProfile()
			return err
		}
		w.cpu = self.percent()
		fmt.Fprintf(os.Stderr, "burst: %d events in %s; fan-out p50 %s p99 %s; e2e p99 %s; direct p99 %s\n", r.events, r.burst,
			ms(quantile(r.fan, .5)), ms(quantile(r.fan, .99)), ms(quantile(r.e2e, .99)), ms(quantile(r.dirL, .99)))
	} else {
		w = b.measureWindow(os.Getpid(), b.sz.window)
	}
	pprof.StopCPUProfile()
	hf, err := os.Create(strings.TrimSuffix(path, ".pprof") + ".heap.pprof")
	if err != nil {
		return err
	}
	defer hf.Close()
	if err := pprof.WriteHeapProfile(hf); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "in-process backend, %d running, %d clients: %.2f %% CPU (clients included), RSS %s; profile in %s\n",
		n, clients, w.cpu, mib(float64(w.rss)), path)
	return nil
}
