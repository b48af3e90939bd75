package enginetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
)

const (
	// EnvEngineDir names the directory of a private engine that
	// `testengine start` runs; test binaries attach to it.
	EnvEngineDir = "DOCKPULSE_TEST_ENGINE_DIR"
	// EnvDockerHost names an engine the user chose for the tests explicitly.
	EnvDockerHost = "DOCKPULSE_TEST_DOCKER_HOST"
)

// howToGetEngine is the advice given when no engine can be had.
const howToGetEngine = "run the tests as root with dockerd on PATH (apt-get install docker.io busybox-static); " +
	"or start a private engine with `go run ./backend/enginetest/testengine start DIR` and set " + EnvEngineDir + "=DIR; " +
	"or set " + EnvDockerHost + " to an engine the tests may fill with containers"

// cleanupTimeout bounds the engine calls made from tb.Cleanup and Main, where
// no test context is left.
const cleanupTimeout = time.Minute

// shared is the one engine of this test binary.
var shared struct {
	sync.Mutex
	engine *Engine
	// owned is set when this binary started the engine in a temporary dir,
	// which Main then stops and removes.
	owned bool
	// err is why no engine could be had; later Requires report it at once
	// instead of trying again.
	err error
}

// mainCalled tells Require that Main will stop an engine it starts.
var mainCalled atomic.Bool

// Main runs the tests and then stops the engine this binary started, so that
// no dockerd outlives the tests. Call it from TestMain.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if err := teardown(); err != nil {
		fmt.Fprintf(os.Stderr, "enginetest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// teardown stops and deletes an engine this binary started. An engine attached
// through EnvEngineDir that a test killed and left dead is started again, so
// that whoever started it finds it as it was.
func teardown() error {
	shared.Lock()
	defer shared.Unlock()
	e := shared.engine
	if e == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if shared.owned {
		if err := e.destroy(ctx); err != nil {
			return fmt.Errorf("stop private engine in %s: %w", e.Dir, err)
		}
		return nil
	}
	if e.Restartable() && e.ping(ctx) != nil {
		if err := e.start(ctx); err != nil {
			return fmt.Errorf("restart the engine in %s that a test left stopped: %w", e.Dir, err)
		}
	}
	return nil
}

// inCI reports whether missing engines must fail the tests rather than skip
// them, so that CI cannot pass without running its integration tests.
func inCI() bool { return os.Getenv("CI") != "" }

// SkipOrFail skips the test, or fails it in CI: whatever a test needs from
// the machine (an engine, root, a mount namespace), CI has it, so a skip there
// would hide a test that did not run.
func SkipOrFail(tb testing.TB, msg string) {
	tb.Helper()
	if inCI() {
		tb.Fatalf("%s (CI is set, so this fails instead of skipping)", msg)
	}
	tb.Skip(msg)
}

// Require returns the engine of this test binary, created by the first call:
// the private engine in $DOCKPULSE_TEST_ENGINE_DIR, else the engine at
// $DOCKPULSE_TEST_DOCKER_HOST, else (as root with dockerd on PATH) a private
// engine in a temporary dir that Main stops. Without any, the test is skipped,
// or fails when CI is set. The engine is checked to answer (a restartable one
// that a previous test left stopped is started again) and to have TestImage.
func Require(tb testing.TB) *Engine {
	tb.Helper()
	e, err := sharedEngine(tb.Context())
	if err != nil {
		if envErr := (*envError)(nil); errors.As(err, &envErr) {
			SkipOrFail(tb, fmt.Sprintf("enginetest: no Docker engine for integration tests: %v; %s", err, howToGetEngine))
		}
		tb.Fatalf("enginetest: %v", err)
	}
	return e
}

// sharedEngine returns the binary's engine, ready for use.
func sharedEngine(ctx context.Context) (*Engine, error) {
	shared.Lock()
	defer shared.Unlock()
	if shared.err != nil {
		return nil, shared.err
	}
	if shared.engine == nil {
		e, owned, err := newEngine(ctx)
		if err != nil {
			shared.err = err
			return nil, err
		}
		shared.engine, shared.owned = e, owned
	}
	e := shared.engine
	if err := e.ping(ctx); err != nil {
		if !e.Restartable() {
			return nil, fmt.Errorf("engine at %s does not answer: %w", e.Host, err)
		}
		if err := e.start(ctx); err != nil {
			return nil, fmt.Errorf("restart engine: %w", err)
		}
	}
	if err := e.EnsureImage(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// newEngine finds or starts the engine, in the order Require documents.
func newEngine(ctx context.Context) (e *Engine, owned bool, err error) {
	if dir := os.Getenv(EnvEngineDir); dir != "" {
		e, err := StartPrivate(ctx, dir)
		if err != nil {
			return nil, false, fmt.Errorf("private engine in %s=%s: %w", EnvEngineDir, dir, err)
		}
		return e, false, nil
	}
	if host := os.Getenv(EnvDockerHost); host != "" {
		return &Engine{Host: host}, false, nil
	}
	if _, err := checkCanStart(); err != nil {
		return nil, false, err
	}
	if !mainCalled.Load() {
		return nil, false, errors.New("the private engine would outlive this test binary: call enginetest.Main(m) from TestMain")
	}
	dir, err := os.MkdirTemp("", "dpe")
	if err != nil {
		return nil, false, fmt.Errorf("private engine dir: %w", err)
	}
	e, err = OpenPrivate(dir)
	if err == nil {
		err = e.start(ctx)
	}
	if err != nil {
		// dockerd may be up but too slow to answer; do not leave it behind.
		if e != nil {
			ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
			defer cancel()
			err = errors.Join(err, e.destroy(ctx))
		} else {
			err = errors.Join(err, os.RemoveAll(dir))
		}
		return nil, false, fmt.Errorf("private engine: %w", err)
	}
	return e, true, nil
}

// Client returns a client for this engine, closed when the test ends. It
// ignores DOCKER_HOST, so it never reaches the user's engine.
func (e *Engine) Client(tb testing.TB) *client.Client {
	tb.Helper()
	c, err := e.newClient()
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("enginetest: close docker client: %v", err)
		}
	})
	return c
}

// RequireRestartable skips (fails in CI) tests that would kill or start an
// engine this package did not start.
func (e *Engine) RequireRestartable(tb testing.TB) {
	tb.Helper()
	if !e.Restartable() {
		SkipOrFail(tb, fmt.Sprintf("enginetest: the engine at %s was named by %s, so it cannot be killed and restarted; unset it to use a private engine", e.Host, EnvDockerHost))
	}
}

// Kill SIGKILLs dockerd, as a crash would, and waits until it is gone and its
// socket no longer answers. With an engine shared through EnvEngineDir, the
// other test binaries that use it at the time see it die too.
func (e *Engine) Kill(tb testing.TB) {
	tb.Helper()
	e.RequireRestartable(tb)
	if err := e.kill(tb.Context()); err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
}

// Stop stops dockerd gracefully (SIGTERM; SIGKILL after StopGrace) and waits
// until it is gone. Running containers are stopped by dockerd itself.
func (e *Engine) Stop(tb testing.TB) {
	tb.Helper()
	e.RequireRestartable(tb)
	running, err := e.stop(tb.Context(), StopGrace)
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	if !running {
		tb.Fatalf("enginetest: stop: no dockerd running for %s", e.Dir)
	}
}

// Start starts dockerd again with the same arguments and directories, and
// waits until it answers; an engine that answers already is left alone.
// Containers from before are still there, stopped.
func (e *Engine) Start(tb testing.TB) {
	tb.Helper()
	e.RequireRestartable(tb)
	if err := e.start(tb.Context()); err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
}

// testStopTimeout is the stop timeout of test containers. busybox sleep, as a
// container's pid 1, ignores SIGTERM; with docker's default of 10 s, every
// stop, and every dockerd start after a kill, would wait that long per
// container.
const testStopTimeout = 1

// CreateContainer creates (without starting) a TestImage container named name
// (empty lets the engine choose; names must be unique on the engine) running
// cmd, or `sleep 3600` when cmd is empty. It carries TestLabel=1, has no
// network, and is force-removed when the test ends. It returns the ID.
func (e *Engine) CreateContainer(tb testing.TB, name string, cmd ...string) string {
	tb.Helper()
	if len(cmd) == 0 {
		cmd = []string{"sleep", "3600"}
	}
	c := e.Client(tb)
	stopTimeout := testStopTimeout
	resp, err := c.ContainerCreate(tb.Context(),
		&container.Config{
			Image:       TestImage,
			Cmd:         cmd,
			Labels:      map[string]string{TestLabel: "1"},
			StopTimeout: &stopTimeout,
		},
		&container.HostConfig{NetworkMode: "none"},
		nil, nil, name)
	if err != nil {
		tb.Fatalf("enginetest: create container %q: %v", name, err)
	}
	// Registered after Client's cleanup, so it runs while the client is open.
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		err := c.ContainerRemove(ctx, resp.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			tb.Errorf("enginetest: remove container %q: %v", name, err)
		}
	})
	return resp.ID
}

// RunContainer is CreateContainer followed by a start; when it returns, the
// container runs.
func (e *Engine) RunContainer(tb testing.TB, name string, cmd ...string) string {
	tb.Helper()
	id := e.CreateContainer(tb, name, cmd...)
	c := e.Client(tb)
	if err := c.ContainerStart(tb.Context(), id, container.StartOptions{}); err != nil {
		tb.Fatalf("enginetest: start container %q: %v", name, err)
	}
	return id
}

// RemoveTestContainers force-removes every container that carries TestLabel.
func (e *Engine) RemoveTestContainers(tb testing.TB) {
	tb.Helper()
	if err := e.removeContainers(tb.Context(), false); err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
}

// removeContainers force-removes the TestLabel containers, or all of them.
func (e *Engine) removeContainers(ctx context.Context, all bool) error {
	c, err := e.newClient()
	if err != nil {
		return err
	}
	removeErr := removeContainers(ctx, c, all)
	if err := c.Close(); err != nil && removeErr == nil {
		return fmt.Errorf("close docker client: %w", err)
	}
	return removeErr
}

func removeContainers(ctx context.Context, c *client.Client, all bool) error {
	opts := container.ListOptions{All: true}
	if !all {
		opts.Filters = filters.NewArgs(filters.Arg("label", TestLabel))
	}
	list, err := c.ContainerList(ctx, opts)
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	var errs []error
	for _, ctr := range list {
		err := c.ContainerRemove(ctx, ctr.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("remove container %s: %w", ctr.ID, err))
		}
	}
	return errors.Join(errs...)
}
