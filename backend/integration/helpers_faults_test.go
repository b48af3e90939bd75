package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/service"
	"github.com/dockpulse/dockpulse/backend/watcher"
)

// running is a backend started by runService: unlike startService, the test
// stops it when it chooses (Stop is idempotent), and every log entry is kept.
type running struct {
	*service.Service
	logs *observer.ObservedLogs
	once sync.Once
	err  error
}

// runService starts the backend on host (an engine's DOCKER_HOST value) with
// short retries, logging warnings to the test and keeping every entry at
// info and above for assertions. It is stopped at cleanup if the test did not.
func runService(t *testing.T, host string, cfg service.Config) *running {
	t.Helper()
	return runServiceKeeping(t, host, cfg, zapcore.InfoLevel)
}

// runServiceKeeping is runService keeping only the entries at level and
// above (a soak keeps warnings only, so its own memory stays flat).
func runServiceKeeping(t *testing.T, host string, cfg service.Config, level zapcore.Level) *running {
	t.Helper()
	cfg.DockerHost = host
	if cfg.Watcher.MinRetry == 0 {
		cfg.Watcher = watcher.Config{MinRetry: 50 * time.Millisecond, MaxRetry: 500 * time.Millisecond}
	}
	obs, logs := observer.New(level)
	log := zap.New(zapcore.NewTee(obs, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)).Core()))
	svc, err := service.New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := &running{Service: svc, logs: logs}
	t.Cleanup(func() {
		if err := r.Stop(); err != nil {
			t.Errorf("stop service: %v", err)
		}
		// Whatever the test did, the token never reached a log line.
		tok := svc.Server.Token()
		for _, e := range logs.All() {
			if line := fmt.Sprintf("%s %v", e.Message, e.ContextMap()); strings.Contains(line, tok) {
				t.Errorf("the token appears in a log line: %s", line)
			}
		}
	})
	return r
}

// Stop stops the backend once and waits for every goroutine it owns.
func (r *running) Stop() error {
	r.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		r.err = r.Service.Stop(ctx)
	})
	return r.err
}

// errorLogs returns the entries logged at error level or above.
func (r *running) errorLogs() []string {
	var out []string
	for _, e := range r.logs.FilterLevelExact(zapcore.ErrorLevel).All() {
		out = append(out, fmt.Sprintf("%s %v", e.Message, e.ContextMap()))
	}
	return out
}

// storePicture is the backend's own picture, in the form of dockerPS.
func storePicture(svc *service.Service) []string {
	var out []string
	for _, ctr := range svc.Store.Containers() {
		out = append(out, ctr.ID[:12]+":"+ctr.Name+"="+ctr.State)
	}
	sort.Strings(out)
	return out
}

// churn creates, starts, stops and removes test containers in a loop
// through its own client, keeping at most max of them. Lock pauses it
// between two operations. Engine errors (it is killed under it) are counted,
// not fatal.
type churn struct {
	sync.Mutex
	cli    *client.Client
	max    int
	ops    int
	errs   int
	prefix string
}

func newChurn(t *testing.T, host, prefix string, max int) *churn {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	return &churn{cli: cli, max: max, prefix: prefix}
}

// run churns until ctx is done; it returns when the operation in flight has.
func (ch *churn) run(ctx context.Context) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; ctx.Err() == nil; n++ {
		ch.Lock()
		err := ch.step(ctx, rng, n)
		ch.ops++
		if err != nil {
			ch.errs++
		}
		ch.Unlock()
		if err != nil {
			// The engine is probably down: do not spin against it.
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

func (ch *churn) counts() (ops, errs int) {
	ch.Lock()
	defer ch.Unlock()
	return ch.ops, ch.errs
}

// step performs one operation chosen among those the current containers
// allow.
func (ch *churn) step(ctx context.Context, rng *rand.Rand, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	list, err := ch.cli.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		return err
	}
	var ours []container.Summary
	for _, s := range list {
		if s.Labels[enginetest.TestLabel] == "1" && strings.HasPrefix(strings.TrimPrefix(s.Names[0], "/"), ch.prefix) {
			ours = append(ours, s)
		}
	}
	if len(ours) < ch.max && (len(ours) == 0 || rng.IntN(3) == 0) {
		stop := 1
		_, err := ch.cli.ContainerCreate(ctx, &container.Config{
			Image: enginetest.TestImage, Cmd: []string{"sleep", "3600"},
			Labels: map[string]string{enginetest.TestLabel: "1"}, StopTimeout: &stop,
		}, &container.HostConfig{NetworkMode: "none"}, nil, nil, fmt.Sprintf("%s%d", ch.prefix, n))
		return err
	}
	s := ours[rng.IntN(len(ours))]
	zero := 0
	switch {
	case s.State == container.StateRunning && rng.IntN(2) == 0:
		return ch.cli.ContainerStop(ctx, s.ID, container.StopOptions{Timeout: &zero})
	case s.State == container.StateRunning:
		return ch.cli.ContainerKill(ctx, s.ID, "KILL")
	case len(ours) >= ch.max && rng.IntN(2) == 0:
		return ch.cli.ContainerRemove(ctx, s.ID, container.RemoveOptions{Force: true})
	default:
		return ch.cli.ContainerStart(ctx, s.ID, container.StartOptions{})
	}
}

// settle polls until the client's and the store's pictures both equal
// `docker ps -a`, and returns how long that took, failing after within.
func settle(t *testing.T, cli *client.Client, svc *service.Service, c *liveClient, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var want, got, stored []string
	for {
		want = dockerPS(t, cli)
		got, stored = c.picture(), storePicture(svc)
		if fmt.Sprint(got) == fmt.Sprint(want) && fmt.Sprint(stored) == fmt.Sprint(want) {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("not equal to docker ps -a within %v:\n client %v\n store  %v\n engine %v", within, got, stored, want)
		}
		if err := c.Err(); err != nil {
			t.Fatalf("client: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
