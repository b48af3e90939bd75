package integration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/service"
)

// TestActionsOnMalformedIDsChangeNothing calls the bound-method path
// (Service.Act, what the desktop app's StartContainer & co. call) with IDs
// and actions that cannot be right. Each gets ErrInvalid with a message, no
// request reaches the engine (its event stream shows nothing), and every
// container stays as it was.
func TestActionsOnMalformedIDsChangeNothing(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	bystander := e.RunContainer(t, "dp-malformed-bystander")
	eventually(t, 10*time.Second, "bystander seen running", func() bool {
		return strings.Contains(fmt.Sprint(c.picture()), "dp-malformed-bystander=running")
	})
	before := dockerPS(t, cli)
	eventsBefore := len(svc.Store.Events())

	ids := []string{
		"", " ", bystander + " ", " " + bystander, bystander + "\n", bystander + "\x00",
		"../" + bystander, bystander + "/../../containers/json", "..", ".", "-rf", "_x", "%2e%2e",
		strings.Repeat("a", 129), "名前", "a b", "a;b", "a?b=c", "a#b", "a\\b", "\u202egnp.exe",
	}
	for _, id := range ids {
		for _, action := range docker.Actions {
			err := svc.Act(context.Background(), service.EngineName, action, id, model.ActOptions{RemoveVolumes: true, Force: true})
			if !errors.Is(err, model.ErrInvalid) || err.Error() == "" {
				t.Errorf("Act(%s, %q): %v, want ErrInvalid", action, id, err)
			}
		}
	}
	for _, action := range []string{"", "START", "Start", "exec", "kill;rm", "remove ", "start/../remove", "delete", "prune"} {
		err := svc.Act(context.Background(), service.EngineName, action, bystander, model.ActOptions{RemoveVolumes: true, Force: true})
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "unknown action") {
			t.Errorf("Act(%q, bystander): %v, want ErrInvalid for an unknown action", action, err)
		}
	}
	// The bystander is untouched and nothing reached the engine: an action
	// that did would have produced an event by now.
	if got := dockerPS(t, cli); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("docker ps -a changed:\n before %v\n after  %v", before, got)
	}
	if n := len(svc.Store.Events()); n != eventsBefore {
		t.Fatalf("%d engine events after malformed actions: %v", n-eventsBefore, svc.Store.Events()[eventsBefore:])
	}
}

// TestActionsOnVanishedContainer acts on a container the UI still shows but
// that was removed behind Dockpulse's back, by its full ID, a short ID and
// its name: each action is a clear 404 naming the container, and the rest
// of the picture does not change.
func TestActionsOnVanishedContainer(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	bystander := e.RunContainer(t, "dp-vanish-bystander")
	gone := e.CreateContainer(t, "dp-vanish-gone")
	eventually(t, 10*time.Second, "both containers seen", func() bool {
		p := fmt.Sprint(c.picture())
		return strings.Contains(p, "dp-vanish-gone=created") && strings.Contains(p, "dp-vanish-bystander=running")
	})
	if err := cli.ContainerRemove(context.Background(), gone, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{gone, gone[:12], "dp-vanish-gone"} {
		for _, action := range docker.Actions {
			err := svc.Act(context.Background(), service.EngineName, action, ref, model.ActOptions{})
			if !errors.Is(err, model.ErrNotFound) {
				t.Errorf("Act(%s, %s) on a removed container: %v, want ErrNotFound", action, ref, err)
			}
			code, msg := post(t, svc, "/api/engines/"+service.EngineName+"/containers/"+ref+"/"+action)
			if code != http.StatusNotFound || !strings.Contains(msg, "No such container") {
				t.Errorf("POST %s %s: %d %q, want 404 with the engine's message", action, ref, code, msg)
			}
		}
	}
	in, err := cli.ContainerInspect(context.Background(), bystander)
	if err != nil || in.State.Status != container.StateRunning {
		t.Fatalf("the bystander changed: %v %v", in.State, err)
	}
	settle(t, cli, svc, c, 5*time.Second)
}

// TestActionsWhileEngineDown acts while the engine is killed: a 503 that
// says the engine is unreachable, and nothing is queued to happen later.
func TestActionsWhileEngineDown(t *testing.T) {
	e := enginetest.Require(t)
	e.RequireRestartable(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	id := e.CreateContainer(t, "dp-down-action")
	eventually(t, 10*time.Second, "container seen", func() bool { return len(c.picture()) > 0 })
	e.Kill(t)
	nextEngineStatus(t, c, model.EngineDown)
	for _, action := range docker.Actions {
		err := svc.Act(context.Background(), service.EngineName, action, id, model.ActOptions{})
		if !errors.Is(err, model.ErrUnavailable) {
			t.Errorf("Act(%s) with the engine down: %v, want ErrUnavailable", action, err)
		}
		code, msg := post(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/"+action)
		if code != http.StatusServiceUnavailable || msg == "" {
			t.Errorf("POST %s with the engine down: %d %q, want 503 with a message", action, code, msg)
		}
	}
	e.Start(t)
	nextEngineStatus(t, c, model.EngineUp)
	cli := e.Client(t)
	in, err := cli.ContainerInspect(context.Background(), id)
	if err != nil || in.State.Status != container.StateCreated {
		t.Fatalf("after the refused actions the container is %v (%v), want created", in.State, err)
	}
	settle(t, cli, svc, c, 5*time.Second)
}
