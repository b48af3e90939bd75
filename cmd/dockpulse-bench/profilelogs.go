package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/service"
)

// profileLogsFlood is -profile with -profile-logs: the in-process backend
// follows the logs section's flood with one /ws/logs client that counts
// its lines (as the child reader does, here in this process) for one
// window, and it writes the allocations of the whole process over that
// window: path.start and path, two heap profiles to subtract (go tool
// pprof -sample_index=alloc_space -base path.start BINARY path), and
// prints what a line allocates and how often the collector ran.
func (b *bench) profileLogsFlood(ctx context.Context, be *backend, path string) error {
	script, _ := floodScript(b.sz)
	id, err := b.eng.runLogger(ctx, script)
	if err != nil {
		return err
	}
	u := protocoltest.LogsURL(be.wsURL(), service.EngineName, []string{id}, url.Values{"tail": {"0"}})
	var mu sync.Mutex
	var c logsReaderCounts
	lines := func() int {
		mu.Lock()
		defer mu.Unlock()
		return c.lines
	}
	readErr := make(chan error, 1)
	go func() {
		readErr <- readLogsCounting(u, be.token, func(f func(*logsReaderCounts)) {
			mu.Lock()
			f(&c)
			mu.Unlock()
		})
	}()
	if !waitFor(30*time.Second, func() bool { return lines() > 0 || len(readErr) > 0 }) || len(readErr) > 0 {
		return errors.Join(errors.New("profile logs: no line of the flood reached /ws/logs in 30 s"), <-readErr)
	}
	time.Sleep(b.sz.warmup)
	runtime.GC()
	if err := writeAllocs(path + ".start"); err != nil {
		return err
	}
	var m1, m2 runtime.MemStats
	runtime.ReadMemStats(&m1)
	n1 := lines()
	time.Sleep(b.sz.window)
	runtime.ReadMemStats(&m2)
	n := lines() - n1
	if err := writeAllocs(path); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("profile logs: no line in the %s window", b.sz.window)
	}
	fmt.Fprintf(os.Stderr, "in-process backend following a flood, %s: %d lines (%.0f a second); %.0f bytes and %.2f allocations a line, %d collections; go tool pprof -sample_index=alloc_space -base %s.start BINARY %s\n",
		b.sz.window, n, float64(n)/b.sz.window.Seconds(), float64(m2.TotalAlloc-m1.TotalAlloc)/float64(n),
		float64(m2.Mallocs-m1.Mallocs)/float64(n), m2.NumGC-m1.NumGC, path, path)
	return nil
}

// writeAllocs writes the heap profile (allocations since the start) to path.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
