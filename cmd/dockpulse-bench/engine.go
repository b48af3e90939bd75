package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// benchLabel marks every container the benchmark makes (beside the test
// label, so that `testengine stop` removes them too).
const benchLabel = "dockpulse.bench"

// engine is the Docker engine under test and the containers made on it.
type engine struct {
	host  string
	dir   string // private engine directory; empty for a named engine
	owned bool   // started by this run, stopped at the end
	priv  *enginetest.Engine
	cli   *client.Client

	mu      sync.Mutex
	created []string // every container made, in order
	running map[string]bool
}

// openEngine starts a private engine in a fresh temporary directory, or uses
// the one the user named.
func openEngine(ctx context.Context, host, dir string) (*engine, error) {
	e := &engine{host: host, dir: dir, running: map[string]bool{}}
	switch {
	case host != "":
	case dir != "":
		p, err := enginetest.StartPrivate(ctx, dir)
		if err != nil {
			return nil, err
		}
		e.priv, e.host = p, p.Host
	default:
		d, err := os.MkdirTemp("", "dpb.")
		if err != nil {
			return nil, err
		}
		p, err := enginetest.StartPrivate(ctx, d)
		if err != nil {
			return nil, errors.Join(err, os.RemoveAll(d))
		}
		e.priv, e.host, e.dir, e.owned = p, p.Host, p.Dir, true
	}
	if e.priv != nil {
		if err := e.priv.EnsureImage(ctx); err != nil {
			return nil, errors.Join(err, e.close(ctx))
		}
	}
	return e.connect(ctx)
}

// adoptEngine takes a private engine started elsewhere (its test image in
// place), stopped and deleted by close.
func adoptEngine(ctx context.Context, p *enginetest.Engine) (*engine, error) {
	e := &engine{host: p.Host, dir: p.Dir, owned: true, priv: p, running: map[string]bool{}}
	return e.connect(ctx)
}

// connect makes the engine's client and checks that the engine answers.
func (e *engine) connect(ctx context.Context) (*engine, error) {
	cli, err := client.NewClientWithOpts(client.WithHost(e.host), client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, errors.Join(err, e.close(ctx))
	}
	e.cli = cli
	if _, err := cli.Ping(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("engine %s: %w", e.host, err), e.close(ctx))
	}
	return e, nil
}

// daemons is the engine's processes, when they are known (private engine).
func (e *engine) daemons() (procGroup, bool) {
	if e.dir == "" {
		return procGroup{}, false
	}
	return engineProcs(e.dir), true
}

// close removes the benchmark's containers and, for an engine this run
// started, stops it and deletes its directory.
func (e *engine) close(ctx context.Context) error {
	var errs []error
	if e.cli != nil {
		if err := e.removeAll(ctx); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, e.cli.Close())
	}
	if e.owned {
		if _, err := e.priv.Shutdown(ctx, enginetest.StopGrace); err != nil {
			errs = append(errs, err)
		} else if err := os.RemoveAll(e.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// parallel runs f(i) for i in [0,n) on workers goroutines and returns the
// first errors.
func parallel(n, workers int, f func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if len(errs) < 5 {
						errs = append(errs, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// createWorkers is how many creates/starts run at once: the engine
// serialises much of the work, and more only adds contention on 2 cores.
const createWorkers = 8

// ensureContainers makes the engine hold at least total benchmark
// containers of which at least running run, and reports how long creating
// and starting took.
func (e *engine) ensureContainers(ctx context.Context, total, running int) (create, start time.Duration, err error) {
	e.mu.Lock()
	have := len(e.created)
	e.mu.Unlock()
	t0 := time.Now()
	if n := total - have; n > 0 {
		err = parallel(n, createWorkers, func(int) error {
			stop := 1
			resp, err := e.cli.ContainerCreate(ctx, &container.Config{
				Image:       enginetest.TestImage,
				Cmd:         []string{"sleep", "2147483647"},
				Labels:      map[string]string{enginetest.TestLabel: "1", benchLabel: "1"},
				StopTimeout: &stop,
			}, &container.HostConfig{NetworkMode: "none"}, nil, nil, "")
			if err != nil {
				return fmt.Errorf("create container: %w", err)
			}
			e.mu.Lock()
			e.created = append(e.created, resp.ID)
			e.mu.Unlock()
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
	}
	create = time.Since(t0)
	e.mu.Lock()
	var toStart []string
	for _, id := range e.created {
		if len(toStart)+len(e.running) >= running {
			break
		}
		if !e.running[id] {
			toStart = append(toStart, id)
		}
	}
	e.mu.Unlock()
	t1 := time.Now()
	err = parallel(len(toStart), createWorkers, func(i int) error {
		if err := e.cli.ContainerStart(ctx, toStart[i], container.StartOptions{}); err != nil {
			return fmt.Errorf("start container: %w", err)
		}
		e.mu.Lock()
		e.running[toStart[i]] = true
		e.mu.Unlock()
		return nil
	})
	return create, time.Since(t1), err
}

// runningIDs returns up to n running benchmark containers.
func (e *engine) runningIDs(n int) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for _, id := range e.created {
		if e.running[id] && len(ids) < n {
			ids = append(ids, id)
		}
	}
	return ids
}

// removeAll force-removes every benchmark container on the engine, whether
// this run made it or an interrupted earlier one did.
func (e *engine) removeAll(ctx context.Context) error {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", benchLabel))})
	if err != nil {
		return fmt.Errorf("list benchmark containers: %w", err)
	}
	err = parallel(len(list), createWorkers, func(i int) error {
		err := e.cli.ContainerRemove(ctx, list[i].ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("remove container %s: %w", list[i].ID, err)
		}
		return nil
	})
	e.mu.Lock()
	e.created, e.running = nil, map[string]bool{}
	e.mu.Unlock()
	return err
}

// leftovers counts benchmark containers still on the engine.
func (e *engine) leftovers(ctx context.Context) (int, error) {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", benchLabel))})
	return len(list), err
}
