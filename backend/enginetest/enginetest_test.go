package enginetest_test

import (
	"os"
	"slices"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// TestMain gives these tests an engine of their own when they can start
// one: they kill and stop it, which must not pull the shared engine out from
// under the integration tests running in parallel.
func TestMain(m *testing.M) {
	if os.Getenv(enginetest.EnvDockerHost) == "" && os.Geteuid() == 0 {
		os.Unsetenv(enginetest.EnvEngineDir)
	}
	enginetest.Main(m)
}

// testContainerIDs lists the IDs of all TestLabel containers, running or not.
func testContainerIDs(t *testing.T, e *enginetest.Engine) []string {
	t.Helper()
	list, err := e.Client(t).ContainerList(t.Context(), container.ListOptions{
		All:     true,
		Filters: filters.NewArgs(filters.Arg("label", enginetest.TestLabel)),
	})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	ids := make([]string, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestRequireIsSharedAndHasImage(t *testing.T) {
	e := enginetest.Require(t)
	if again := enginetest.Require(t); again != e {
		t.Fatalf("Require returned a second engine %p, want the shared %p", again, e)
	}
	if _, err := e.Client(t).ImageInspect(t.Context(), enginetest.TestImage); err != nil {
		t.Fatalf("inspect %s: %v", enginetest.TestImage, err)
	}
}

func TestRunContainer(t *testing.T) {
	e := enginetest.Require(t)
	c := e.Client(t)
	id := e.RunContainer(t, "dpe-run", "sh", "-c", "echo hello; sleep 3600")
	info, err := c.ContainerInspect(t.Context(), id)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	if !info.State.Running {
		t.Errorf("container state %q, want running", info.State.Status)
	}
	if got := info.Config.Labels[enginetest.TestLabel]; got != "1" {
		t.Errorf("label %s=%q, want 1", enginetest.TestLabel, got)
	}
	if got := info.HostConfig.NetworkMode; got != "none" {
		t.Errorf("network mode %q, want none", got)
	}
}

func TestCreatedContainerIsRemovedAfterTest(t *testing.T) {
	e := enginetest.Require(t)
	var id string
	t.Run("create", func(t *testing.T) {
		id = e.CreateContainer(t, "dpe-cleanup")
		if !slices.Contains(testContainerIDs(t, e), id) {
			t.Fatalf("created container %s not listed", id)
		}
	})
	if slices.Contains(testContainerIDs(t, e), id) {
		t.Errorf("container %s still there after its test ended", id)
	}
}

func TestRemoveTestContainers(t *testing.T) {
	e := enginetest.Require(t)
	e.CreateContainer(t, "dpe-remove-a")
	e.RunContainer(t, "dpe-remove-b")
	e.RemoveTestContainers(t)
	if ids := testContainerIDs(t, e); len(ids) != 0 {
		t.Errorf("test containers left after RemoveTestContainers: %v", ids)
	}
}

func TestKillAndStart(t *testing.T) {
	e := enginetest.Require(t)
	c := e.Client(t)
	id := e.RunContainer(t, "dpe-kill")
	info, err := c.ContainerInspect(t.Context(), id)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	if !info.State.Running {
		t.Fatalf("container state %q before kill, want running", info.State.Status)
	}

	e.Kill(t)
	if _, err := c.Ping(t.Context()); err == nil {
		t.Fatal("engine still answers after Kill")
	}

	e.Start(t)
	if _, err := c.Ping(t.Context()); err != nil {
		t.Fatalf("engine does not answer after Start: %v", err)
	}
	if !slices.Contains(testContainerIDs(t, e), id) {
		t.Fatalf("container %s gone after kill and start", id)
	}
	info, err = c.ContainerInspect(t.Context(), id)
	if err != nil {
		t.Fatalf("inspect after restart: %v", err)
	}
	t.Logf("container state after kill and start: %s", info.State.Status)

	// The restarted engine must run containers again.
	e.RunContainer(t, "dpe-after-kill")
}

func TestStopAndStart(t *testing.T) {
	e := enginetest.Require(t)
	c := e.Client(t)
	id := e.RunContainer(t, "dpe-stop")

	e.Stop(t)
	if _, err := c.Ping(t.Context()); err == nil {
		t.Fatal("engine still answers after Stop")
	}

	e.Start(t)
	info, err := c.ContainerInspect(t.Context(), id)
	if err != nil {
		t.Fatalf("inspect after restart: %v", err)
	}
	if info.State.Running {
		t.Errorf("container runs after a graceful stop and start; dockerd should have stopped it")
	}
}

func TestRequireRestartsAKilledEngine(t *testing.T) {
	e := enginetest.Require(t)
	e.Kill(t)
	// A test that fails between Kill and Start must not break the next ones.
	if again := enginetest.Require(t); again != e {
		t.Fatalf("Require returned a second engine")
	}
	if _, err := e.Client(t).Ping(t.Context()); err != nil {
		t.Fatalf("engine does not answer after Require: %v", err)
	}
}
