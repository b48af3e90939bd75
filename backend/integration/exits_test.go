package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/service"
)

// ignoresTerm is a container command that ignores SIGTERM, so that only the
// SIGKILL after the grace period (or a kill) ends it.
var ignoresTerm = []string{"sh", "-c", `trap "" TERM; while true; do sleep 1; done`}

// runWith creates and starts a test container whose configuration the
// caller adjusts, removed when the test ends.
func runWith(t *testing.T, e *enginetest.Engine, name string, cmd []string, adjust func(*container.Config, *container.HostConfig)) string {
	t.Helper()
	cli := e.Client(t)
	cfg := &container.Config{Image: enginetest.TestImage, Cmd: cmd, Labels: map[string]string{enginetest.TestLabel: "1"}}
	host := &container.HostConfig{NetworkMode: "none"}
	adjust(cfg, host)
	resp, err := cli.ContainerCreate(t.Context(), cfg, host, nil, nil, name)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err := cli.ContainerRemove(ctx, resp.ID, container.RemoveOptions{Force: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove %s: %v", name, err)
		}
	})
	if err := cli.ContainerStart(t.Context(), resp.ID, container.StartOptions{}); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	return resp.ID
}

// exitSeen waits until the client's picture shows the container exited with
// the given cause, and its die event carries the same cause (a stop's die
// says killed: the engine's stop event comes after it).
func exitSeen(t *testing.T, c *liveClient, id, cause string, code int) {
	t.Helper()
	var got model.Container
	defer func() {
		if t.Failed() {
			t.Logf("last seen: %s state %s cause %q code %d oom %v", got.Name, got.State, got.ExitCause, got.ExitCode, got.OOMKilled)
		}
	}()
	eventually(t, 15*time.Second, "container "+id[:12]+" exited ("+cause+")", func() bool {
		for _, ctr := range c.Containers() {
			if ctr.ID == id {
				got = ctr
				return ctr.State == model.StateExited && ctr.ExitCause == cause
			}
		}
		return false
	})
	if got.ExitCode != code {
		t.Errorf("%s: exit code %d, want %d", got.Name, got.ExitCode, code)
	}
	var die *model.Event
	for _, ev := range c.Events() {
		if ev.ActorID == id && ev.Action == "die" {
			die = &ev.Event
		}
	}
	dieCause := cause
	if cause == model.ExitStopped {
		dieCause = model.ExitKilled
	}
	if die == nil || die.ExitCause != dieCause {
		t.Errorf("%s: die event %+v, want exitCause %q", got.Name, die, dieCause)
	}
}

// TestExitCauses: a stop that ends in SIGKILL after the grace period, a kill,
// a crash and an OOM kill, each told apart from the engine's events.
func TestExitCauses(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	oneSecond := func(cfg *container.Config, _ *container.HostConfig) { s := 1; cfg.StopTimeout = &s }

	stopped := runWith(t, e, "dp-exit-stop", ignoresTerm, oneSecond)
	if code, msg := post(t, svc, "/api/engines/"+service.EngineName+"/containers/"+stopped+"/stop"); code != http.StatusNoContent {
		t.Fatalf("stop: %d %q", code, msg)
	}
	exitSeen(t, c, stopped, model.ExitStopped, 137)

	killed := runWith(t, e, "dp-exit-kill", ignoresTerm, oneSecond)
	if code, msg := post(t, svc, "/api/engines/"+service.EngineName+"/containers/"+killed+"/kill"); code != http.StatusNoContent {
		t.Fatalf("kill: %d %q", code, msg)
	}
	exitSeen(t, c, killed, model.ExitKilled, 137)

	crashed := runWith(t, e, "dp-exit-crash", []string{"sh", "-c", "sleep 0.5; exit 1"}, oneSecond)
	exitSeen(t, c, crashed, model.ExitUnasked, 1)

	oom := runWith(t, e, "dp-exit-oom", []string{"sh", "-c", "x=a; while true; do x=$x$x; done"},
		func(_ *container.Config, h *container.HostConfig) { h.Memory, h.MemorySwap = 8<<20, 8<<20 })
	exitSeen(t, c, oom, model.ExitOOM, 137)

	// Restarted by a `docker restart`: running again, its last exit a stop.
	restarted := runWith(t, e, "dp-exit-restart", ignoresTerm, oneSecond)
	if code, msg := post(t, svc, "/api/engines/"+service.EngineName+"/containers/"+restarted+"/restart"); code != http.StatusNoContent {
		t.Fatalf("restart: %d %q", code, msg)
	}
	eventually(t, 15*time.Second, "restarted container running with its exit cause", func() bool {
		for _, ctr := range c.Containers() {
			if ctr.ID == restarted {
				return ctr.State == model.StateRunning && ctr.ExitCause == model.ExitStopped
			}
		}
		return false
	})
}

// TestExitCauseUnknownBeforeStart: an exit before the backend started has
// no cause: it is unknown, not guessed.
func TestExitCauseUnknownBeforeStart(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	id := runWith(t, e, "dp-exit-before", []string{"sh", "-c", "exit 3"}, func(*container.Config, *container.HostConfig) {})
	eventually(t, 10*time.Second, "the container exits", func() bool {
		in, err := cli.ContainerInspect(context.Background(), id)
		return err == nil && in.State.Status == container.StateExited
	})
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	var got *model.Container
	eventually(t, 10*time.Second, "the container in the client's picture", func() bool {
		for _, ctr := range c.Containers() {
			if ctr.ID == id {
				got = &ctr
			}
		}
		return got != nil
	})
	if got.ExitCause != "" || got.ExitCode != 3 {
		t.Fatalf("exit before the backend: cause %q code %d, want unknown and 3", got.ExitCause, got.ExitCode)
	}
}

// TestForcedRemove: removing a running container is refused, and with
// force=1 it is killed and removed, as `docker rm -f` does.
func TestForcedRemove(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	id := e.RunContainer(t, "dp-force-remove")
	base := "/api/engines/" + service.EngineName + "/containers/" + id + "/remove"
	if code, msg := post(t, svc, base); code != http.StatusConflict || !strings.Contains(msg, "Stop the container") {
		t.Fatalf("remove of a running container: %d %q, want 409 with the engine's refusal", code, msg)
	}
	if code, msg := post(t, svc, base+"?force=maybe"); code != http.StatusBadRequest {
		t.Fatalf("force=maybe: %d %q, want 400", code, msg)
	}
	if code, msg := post(t, svc, base+"?force=1&volumes=1"); code != http.StatusNoContent {
		t.Fatalf("forced remove: %d %q", code, msg)
	}
	if _, err := cli.ContainerInspect(context.Background(), id); !cerrdefs.IsNotFound(err) {
		t.Fatalf("after a forced remove, inspect: %v, want not found", err)
	}
	eventually(t, 5*time.Second, "client picture drops the container", func() bool {
		for _, ctr := range c.Containers() {
			if ctr.ID == id {
				return false
			}
		}
		return true
	})
}

// TestKillDuringSlowStop: a stop waiting out a long grace period can be
// escalated with a kill; the stop then returns at once, and the container
// says how long its grace period was.
func TestKillDuringSlowStop(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	id := runWith(t, e, "dp-slow-stop", ignoresTerm, func(cfg *container.Config, _ *container.HostConfig) {
		s := 60
		cfg.StopTimeout = &s
	})
	eventually(t, 5*time.Second, "the client knows the grace period", func() bool {
		for _, ctr := range c.Containers() {
			if ctr.ID == id {
				return ctr.StopTimeout != nil && *ctr.StopTimeout == 60
			}
		}
		return false
	})
	began := time.Now()
	stopped := make(chan int, 1)
	go func() {
		code, _ := post(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/stop")
		stopped <- code
	}()
	// The stop's SIGTERM went out (and was ignored): the stop is waiting.
	eventually(t, 10*time.Second, "the stop's kill event", func() bool {
		for _, ev := range c.Events() {
			if ev.ActorID == id && ev.Action == "kill" && ev.Attributes["signal"] == "15" {
				return true
			}
		}
		return false
	})
	select {
	case code := <-stopped:
		t.Fatalf("the stop returned (%d) before the grace period was over", code)
	default:
	}
	if code, msg := post(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/kill"); code != http.StatusNoContent {
		t.Fatalf("kill during the stop: %d %q", code, msg)
	}
	select {
	case code := <-stopped:
		if code != http.StatusNoContent {
			t.Fatalf("the stop ended with %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the stop still waits after the kill")
	}
	if d := time.Since(began); d > 30*time.Second {
		t.Fatalf("stop and kill took %v, as long as the grace period", d)
	}
	exitSeen(t, c, id, model.ExitStopped, 137)
}
