package integration

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
)

// settleEngine waits until the client's picture of one engine equals that
// engine's `docker ps -a`.
func settleEngine(t *testing.T, cli *client.Client, c *liveClient, engine string) {
	t.Helper()
	var got, want []string
	eventually(t, 30*time.Second, "the client's picture of "+engine+" equals its docker ps -a", func() bool {
		got, want = pictureOf(c, engine), dockerPS(t, cli)
		if err := c.Err(); err != nil {
			t.Fatalf("client: %v (picture %v, engine %v)", err, got, want)
		}
		return slices.Equal(got, want)
	})
}

func switchEngine(t *testing.T, svc *service.Service, method, name string) (int, string) {
	t.Helper()
	resp := call(t, svc, method, "/api/engines/"+name+"/watch")
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// TestSwitchEnginesWhileConnected: two private engines named by contexts of
// a temporary DOCKER_CONFIG. Switched off while a client is connected, one
// engine goes (engine.remove, then none of its containers) while the other's
// containers and samples stay live; switched on again, its containers come
// back exactly as `docker ps -a` lists them. Each switch is remembered.
func TestSwitchEnginesWhileConnected(t *testing.T) {
	one := enginetest.Require(t)
	two := enginetest.RequireAnotherEngine(t)
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("one", "host="+one.Host)
	cfg.CreateContext("two", "host="+two.Host)
	cfg.Setenv(t)
	oneCli, twoCli := one.Client(t), two.Client(t)
	aID := one.RunContainer(t, "dp-switch-a")
	two.RunContainer(t, "dp-switch-b")
	two.CreateContainer(t, "dp-switch-c")

	var mu sync.Mutex
	var remembered [][]string
	r := runService(t, "", service.Config{
		Engines:   []engines.Endpoint{resolveContext(t, cfg, "one"), resolveContext(t, cfg, "two")},
		StatsMode: protocol.StatsVisible, // each connection's view follows the engines switched
		RememberWatched: func(watched []string) error {
			mu.Lock()
			defer mu.Unlock()
			remembered = append(remembered, slices.Clone(watched))
			return nil
		},
	})
	c := connect(t, r.Service)
	waitEngineNamed(t, c, "one", model.EngineUp)
	waitEngineNamed(t, c, "two", model.EngineUp)
	settleEngine(t, oneCli, c, "one")
	settleEngine(t, twoCli, c, "two")

	var list []protocol.EngineContext
	get(t, r.Service, "/api/contexts", &list)
	byName := map[string]protocol.EngineContext{}
	for _, ctx := range list {
		byName[ctx.Name] = ctx
	}
	if len(list) != 3 || !byName["one"].Watched || byName["one"].Status != model.EngineUp || byName["two"].Endpoint != two.Host ||
		byName["default"].Watched || byName["default"].Status != "" {
		t.Fatalf("contexts = %+v; want default (not watched), one and two (watched, up)", list)
	}

	// Off: the client is told, and only engine two goes.
	if status, body := switchEngine(t, r.Service, http.MethodDelete, "two"); status != http.StatusNoContent {
		t.Fatalf("switch two off: %d %s", status, body)
	}
	env := c.next(protocol.TypeEngineRemove)
	if !strings.Contains(string(env.Data), `"engine":"two"`) {
		t.Fatalf("engine.remove of %s, want two", env.Data)
	}
	if got := pictureOf(c, "two"); len(got) != 0 {
		t.Errorf("after engine.remove the client still has two's containers %v", got)
	}
	if e := c.Engine("two"); e.Engine != "" {
		t.Errorf("after engine.remove the client still has engine two: %+v", e)
	}
	for _, ctr := range r.Store.Containers() {
		if ctr.Engine == "two" {
			t.Fatalf("the store still holds two's container %s", ctr.Name)
		}
	}
	if _, ok := r.Engine("two"); ok {
		t.Error("the service still watches two")
	}
	// The other engine stays live: samples keep coming and changes arrive.
	aKey := model.Key{Engine: "one", ID: aID}
	c.sendView(t, aKey)
	before := c.Samples(aKey)
	eventually(t, 20*time.Second, "engine one's running container keeps being sampled", func() bool { return c.Samples(aKey) > before+1 })
	one.CreateContainer(t, "dp-switch-d")
	settleEngine(t, oneCli, c, "one")
	if status, body := switchEngine(t, r.Service, http.MethodDelete, "two"); status != http.StatusNoContent {
		t.Errorf("switch two off again: %d %s, want 204 (nothing to do)", status, body)
	}
	list = nil // decoding into the old elements would keep their fields
	get(t, r.Service, "/api/contexts", &list)
	for _, ctx := range list {
		if ctx.Name == "two" && (ctx.Watched || ctx.Status != "") {
			t.Errorf("two after switching it off: %+v", ctx)
		}
	}

	// On again: it comes back as a new engine would, with its picture.
	two.CreateContainer(t, "dp-switch-e") // made while it was not watched
	if status, body := switchEngine(t, r.Service, http.MethodPut, "two"); status != http.StatusNoContent {
		t.Fatalf("switch two on: %d %s", status, body)
	}
	waitEngineNamed(t, c, "two", model.EngineUp)
	settleEngine(t, twoCli, c, "two")
	settleEngine(t, oneCli, c, "one")
	before = c.Samples(aKey)
	eventually(t, 20*time.Second, "engine one's container in view is still sampled", func() bool { return c.Samples(aKey) > before+1 })

	status, body := switchEngine(t, r.Service, http.MethodPut, "elsewhere")
	if status != http.StatusNotFound || !strings.Contains(body, `docker context \"elsewhere\" not found; known contexts: default, one, two`) {
		t.Errorf("switch an unknown context on: %d %s; want 404 naming the known ones", status, body)
	}
	if c.Gaps() != 0 {
		t.Errorf("the client saw %d gaps", c.Gaps())
	}
	mu.Lock()
	defer mu.Unlock()
	if got := fmt.Sprint(remembered); got != "[[one] [one two]]" {
		t.Errorf("remembered %s, want [[one] [one two]]", got)
	}
}
