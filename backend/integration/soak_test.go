package integration

import (
	"bufio"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap/zapcore"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
)

// EnvSoak sets the soak test's duration (a Go duration, e.g. 10m): `make
// soak` sets it. Without it the test runs a short version (soakShort) that
// catches gross leaks in every `make test`; with -short it is skipped.
const EnvSoak = "DOCKPULSE_SOAK"

const soakShort = 20 * time.Second

// TestSoak runs the backend, in its default stats mode (by view), under
// steady churn: containers created, started, stopped and removed, and
// clients connecting and leaving (cleanly or not) every few hundred
// milliseconds, each showing a few running containers, so that containers
// move in and out of the streamed set while they start and stop; one client
// stays connected throughout, shows nothing, and checks every sequence
// number. It samples the process's RSS, Go heap and goroutines, prints them,
// and fails if they grow without bound: the median of the last third of the
// samples against that of the first third, with generous margins, since the
// test's own clients live in the same process.
func TestSoak(t *testing.T) {
	duration := soakShort
	if v := os.Getenv(EnvSoak); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", EnvSoak, v, err)
		}
		duration = d
	} else if testing.Short() {
		t.Skip("-short: set " + EnvSoak + " to run the soak")
	}
	every := max(duration/60, 500*time.Millisecond)

	e := enginetest.Require(t)
	e.RemoveTestContainers(t)
	svc := runServiceKeeping(t, e.Host, service.Config{StatsMode: protocol.StatsVisible, Server: server.Config{Heartbeat: time.Second}}, zapcore.WarnLevel)
	steady := connect(t, svc.Service)
	steady.sendView(t) // shows nothing: the visitors' views decide what streams
	waitEngine(t, steady, model.EngineUp)
	var steadyMsgs atomic.Int64
	go func() {
		for range steady.Envelopes() {
			steadyMsgs.Add(1)
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var wg sync.WaitGroup
	ch := newChurn(t, e.Host, "dp-soak-", 8)
	defer ch.cli.Close()
	wg.Add(2)
	go func() { defer wg.Done(); ch.run(ctx) }()
	var visits, visitErrs atomic.Int64
	go func() {
		defer wg.Done()
		visitors(ctx, svc.Server.WebSocketURL(), svc.Server.Token(), runningKeys(svc.Service), &visits, &visitErrs)
	}()

	type sample struct {
		at               time.Duration
		rss, heap        uint64
		goroutines, conn int
		streams          int
	}
	var samples []sample
	begin := time.Now()
	tick := time.NewTicker(every)
	defer tick.Stop()
	t.Logf("%8s %10s %10s %10s %6s %7s %6s", "elapsed", "rss_kb", "heap_kb", "goroutines", "conns", "streams", "ops")
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-tick.C:
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			s := sample{at: time.Since(begin), rss: rssKB(t), heap: ms.HeapAlloc >> 10,
				goroutines: runtime.NumGoroutine(), conn: svc.Server.Connections(), streams: engineOf(t, svc.Service).Collector.Streams()}
			samples = append(samples, s)
			ops, _ := ch.counts()
			t.Logf("%8s %10d %10d %10d %6d %7d %6d", s.at.Round(100*time.Millisecond), s.rss, s.heap, s.goroutines, s.conn, s.streams, ops)
		}
	}
	wg.Wait()
	ops, errs := ch.counts()
	t.Logf("soak %v: %d container operations (%d failed), %d client visits (%d failed), %d messages to the steady client",
		duration, ops, errs, visits.Load(), visitErrs.Load(), steadyMsgs.Load())

	if err := steady.Err(); err != nil {
		t.Fatalf("the steady client saw: %v", err)
	}
	if errs := svc.errorLogs(); len(errs) > 0 {
		t.Fatalf("the backend logged errors: %v", errs)
	}
	if ops < 10 || visits.Load() < 10 {
		t.Fatalf("too little load to judge: %d operations, %d visits", ops, visits.Load())
	}
	if failed := visitErrs.Load(); failed > visits.Load()/10 {
		t.Fatalf("%d of %d client visits failed", failed, visits.Load())
	}
	eventually(t, 10*time.Second, "visitors gone", func() bool { return svc.Server.Connections() == 1 })
	settle(t, ch.cli, svc.Service, steady, 5*time.Second)

	if len(samples) < 6 {
		t.Fatalf("only %d samples", len(samples))
	}
	third := len(samples) / 3
	first, last := samples[:third], samples[len(samples)-third:]
	med := func(s []sample, f func(sample) uint64) uint64 {
		v := make([]uint64, len(s))
		for i := range s {
			v[i] = f(s[i])
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	checks := []struct {
		name   string
		get    func(sample) uint64
		factor float64
		slack  uint64
	}{
		{"goroutines", func(s sample) uint64 { return uint64(s.goroutines) }, 1.5, 60},
		{"heap KiB", func(s sample) uint64 { return s.heap }, 2, 16 << 10},
		{"RSS KiB", func(s sample) uint64 { return s.rss }, 1.5, 64 << 10},
	}
	for _, c := range checks {
		a, b := med(first, c.get), med(last, c.get)
		limit := uint64(float64(a)*c.factor) + c.slack
		t.Logf("%s: median %d in the first third, %d in the last (limit %d)", c.name, a, b, limit)
		if b > limit {
			t.Errorf("%s grew from %d to %d (limit %d): a leak", c.name, a, b, limit)
		}
	}
	e.RemoveTestContainers(t)
}

// runningKeys lists the running containers the service knows.
func runningKeys(svc *service.Service) func() []model.Key {
	return func() []model.Key {
		var keys []model.Key
		for _, c := range svc.Snapshot().Containers {
			if c.State == model.StateRunning {
				keys = append(keys, model.Key{Engine: c.Engine, ID: c.ID})
			}
		}
		return keys
	}
}

// visitors connects a client every 100-300 ms that shows up to three of the
// running containers, reads for a while and leaves, half of them with a
// close handshake and half by dropping the TCP connection, until ctx is
// done.
func visitors(ctx context.Context, url, token string, running func() []model.Key, visits, failures *atomic.Int64) {
	rng := rand.New(rand.NewPCG(3, 4))
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		stay := time.Duration(200+rng.IntN(1500)) * time.Millisecond
		clean := rng.IntN(2) == 0
		show := running()
		rng.Shuffle(len(show), func(i, j int) { show[i], show[j] = show[j], show[i] })
		show = show[:min(len(show), rng.IntN(4))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			visits.Add(1)
			dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn, _, err := protocoltest.DialConn(dctx, url, token, nil)
			if err != nil {
				failures.Add(1)
				return
			}
			if err := conn.SendView(dctx, show...); err != nil {
				failures.Add(1)
				conn.CloseNow()
				return
			}
			rctx, rcancel := context.WithTimeout(context.Background(), stay)
			defer rcancel()
			for {
				if _, err := conn.ReadMessage(rctx); err != nil {
					if errors.Is(err, protocoltest.ErrInvalidMessage) {
						failures.Add(1)
					}
					break
				}
			}
			if clean {
				_ = conn.Close(websocket.StatusNormalClosure, "")
			} else {
				conn.CloseNow()
			}
		}()
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100+rng.IntN(200)) * time.Millisecond):
		}
	}
}

// rssKB is this process's resident set, from /proc.
func rssKB(t *testing.T) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0 // not Linux: the heap and goroutine checks still apply
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, err := strconv.ParseUint(strings.Fields(rest)[0], 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", rest, err)
			}
			return n
		}
	}
	return 0
}
