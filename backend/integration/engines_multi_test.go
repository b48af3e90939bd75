package integration

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/service"
)

// stuckSocket is a unix socket that accepts connections and never answers:
// an engine that hangs. It is closed when the test ends.
func stuckSocket(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stuck.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return "unix://" + path
}

// pictureOf is the client's picture of one engine, in dockerPS's form.
func pictureOf(c *liveClient, engine string) []string {
	var out []string
	for _, ctr := range c.Containers() {
		if ctr.Engine == engine {
			out = append(out, ctr.ID[:12]+":"+ctr.Name+"="+ctr.State)
		}
	}
	sort.Strings(out)
	return out
}

// stateIn is the state the client shows for a container of one engine, ""
// when it shows none.
func stateIn(c *liveClient, key model.Key) string {
	for _, ctr := range c.Containers() {
		if ctr.Engine == key.Engine && ctr.ID == key.ID {
			return ctr.State
		}
	}
	return ""
}

// inspectState is the engine's own word on a container's state.
func inspectState(t *testing.T, cli *client.Client, id string) container.ContainerState {
	t.Helper()
	in, err := cli.ContainerInspect(context.Background(), id)
	if err != nil {
		t.Fatalf("inspect %s: %v", id, err)
	}
	return in.State.Status
}

// TestTwoEnginesAtOnce: two private engines, named by real contexts, and a
// third that accepts connections and never answers, served by one Service.
// Each engine's containers show under its name; the hung one delays neither
// the start nor the others, only it is not up, and it is shown down once its
// info request times out; an action through the
// HTTP route reaches the engine it names and not the other, even for the
// same container name; one engine SIGKILLed and restarted while the
// other's containers keep changing, each change seen within a second; and
// afterwards both pictures equal their `docker ps -a`.
func TestTwoEnginesAtOnce(t *testing.T) {
	one := enginetest.Require(t)
	two := enginetest.RequireAnotherEngine(t)
	cliOne, cliTwo := one.Client(t), two.Client(t)
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("one", "host="+one.Host)
	cfg.CreateContext("two", "host="+two.Host)
	cfg.CreateContext("stuck", "host="+stuckSocket(t))
	eps := []engines.Endpoint{resolveContext(t, cfg, "stuck"), resolveContext(t, cfg, "one"), resolveContext(t, cfg, "two")}

	// The same name on both engines.
	const same = "dp-multi-same"
	sameOne := model.Key{Engine: "one", ID: one.RunContainer(t, same)}
	sameTwo := model.Key{Engine: "two", ID: two.RunContainer(t, same)}

	began := time.Now()
	svc := startService(t, one, service.Config{Engines: eps})
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("the service took %v to start beside a hung engine", took)
	}
	if got := svc.EngineNames(); !slices.Equal(got, []string{"stuck", "one", "two"}) {
		t.Fatalf("engines %v, want stuck, one, two in the order given", got)
	}
	c := connect(t, svc)
	waitEngineNamed(t, c, "one", model.EngineUp)
	waitEngineNamed(t, c, "two", model.EngineUp)
	eventually(t, 10*time.Second, "both containers named "+same+", each under its engine", func() bool {
		return stateIn(c, sameOne) == "running" && stateIn(c, sameTwo) == "running"
	})
	if st := c.Engine("stuck").Status; st == model.EngineUp {
		t.Fatalf("the hung engine is %q", st)
	}
	t.Logf("both engines up %v after the start; the hung one is %q", time.Since(began).Round(time.Millisecond), c.Engine("stuck").Status)
	for _, ctr := range c.Containers() {
		if ctr.Engine == "stuck" {
			t.Fatalf("a container under the hung engine: %+v", ctr)
		}
	}

	// An action by name reaches the engine the route names, only it.
	if code, msg := post(t, svc, "/api/engines/two/containers/"+same+"/stop"); code != http.StatusNoContent {
		t.Fatalf("stop on two: %d %s", code, msg)
	}
	if st := inspectState(t, cliTwo, sameTwo.ID); st != container.StateExited {
		t.Fatalf("on two after its stop: %s, want exited", st)
	}
	if st := inspectState(t, cliOne, sameOne.ID); st != container.StateRunning {
		t.Fatalf("on one after the stop on two: %s, want running", st)
	}
	eventually(t, 5*time.Second, "the stop on two, only there", func() bool {
		return stateIn(c, sameTwo) == "exited" && stateIn(c, sameOne) == "running"
	})
	if code, msg := post(t, svc, "/api/engines/three/containers/"+same+"/kill"); code != http.StatusNotFound || !strings.Contains(msg, `"three"`) {
		t.Fatalf("kill on an engine not watched: %d %q, want 404 naming it", code, msg)
	}
	if st := inspectState(t, cliOne, sameOne.ID); st != container.StateRunning {
		t.Fatalf("on one after the refused kill: %s, want running", st)
	}

	// One engine's changes, each seen within a second, while the other is
	// SIGKILLed and restarted.
	change := func(round int) {
		t.Helper()
		start := time.Now()
		id := one.RunContainer(t, fmt.Sprintf("dp-multi-live-%d", round))
		key := model.Key{Engine: "one", ID: id}
		ran := time.Now()
		for stateIn(c, key) != "running" {
			if time.Since(ran) > time.Second {
				t.Fatalf("round %d: the container on one not seen running within 1 s of its start (two is %q)", round, c.Engine("two").Status)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if st := c.Engine("one").Status; st != model.EngineUp {
			t.Fatalf("round %d: one is %q while two is %q", round, st, c.Engine("two").Status)
		}
		t.Logf("round %d: seen %v after its start (%v with the create); two is %q", round,
			time.Since(ran).Round(time.Millisecond), time.Since(start).Round(time.Millisecond), c.Engine("two").Status)
	}
	two.Kill(t)
	waitEngineNamed(t, c, "two", model.EngineDown)
	for round := range 3 {
		change(round)
	}
	restarted := make(chan error, 1)
	go func() {
		defer close(restarted)
		restarted <- two.StartBeside(context.Background())
	}()
	for round := 3; round < 6; round++ {
		change(round)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restart two: %v", err)
	}
	waitEngineNamed(t, c, "two", model.EngineUp)
	change(6)

	// The hung engine is down by now, with the reason.
	if hung := waitEngineNamed(t, c, "stuck", model.EngineDown); !strings.Contains(hung.Reason, "deadline") {
		t.Errorf("the hung engine is down for %q, want its info request's deadline", hung.Reason)
	}

	// Both pictures equal the engines' own.
	eventually(t, 10*time.Second, "both pictures equal docker ps -a", func() bool {
		return slices.Equal(pictureOf(c, "one"), dockerPS(t, cliOne)) && slices.Equal(pictureOf(c, "two"), dockerPS(t, cliTwo))
	})
	if err := c.Err(); err != nil {
		t.Fatalf("client: %v", err)
	}
}
