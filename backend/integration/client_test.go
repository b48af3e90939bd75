// Package integration tests the whole backend against a real Docker engine
// (a private one, see backend/enginetest), through a real WebSocket client.
package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/service"
	"github.com/dockpulse/dockpulse/backend/watcher"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// startService runs the backend against the test engine.
func startService(t *testing.T, e *enginetest.Engine, cfg service.Config) *service.Service {
	t.Helper()
	cfg.DockerHost = e.Host
	if cfg.Watcher.MinRetry == 0 {
		cfg.Watcher = watcher.Config{MinRetry: 100 * time.Millisecond, MaxRetry: time.Second}
	}
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	svc, err := service.New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := svc.Stop(ctx); err != nil {
			t.Errorf("stop service: %v", err)
		}
	})
	return svc
}

// engineOf is the service's one engine (the default context): its client,
// collector and watcher.
func engineOf(t testing.TB, svc *service.Service) *service.Engine {
	t.Helper()
	e, ok := svc.Engine(service.EngineName)
	if !ok {
		t.Fatalf("the service watches no engine %q, only %v", service.EngineName, svc.EngineNames())
	}
	return e
}

// liveClient is a protocoltest.Client (it checks sequence numbers and keeps
// its own picture, as a UI must) whose failures fail the test.
type liveClient struct {
	*protocoltest.Client
	t *testing.T

	// lastEvents holds "id/action" of the events seen by the last
	// expectUpsert (test goroutine only).
	lastEvents map[string]bool
}

func connect(t *testing.T, svc *service.Service) *liveClient {
	t.Helper()
	ep, err := svc.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	c, err := connectTo(t, ep.URL, ep.Token)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

// connectTo is connect for a backend known only by its endpoint (another
// process, or a service that is about to be replaced). A refused or failed
// dial is returned; a connection whose hello or snapshot is wrong fails
// the test.
func connectTo(t *testing.T, url, token string) (*liveClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, resp, err := protocoltest.Dial(ctx, url, token, &protocoltest.Options{Queue: 10000})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusSwitchingProtocols {
			t.Fatalf("connected, then: %v", err)
		}
		return nil, err
	}
	t.Cleanup(func() { c.Conn().CloseNow() })
	return &liveClient{Client: c, t: t}, nil
}

// next returns the next message of one of the given types (any type if
// none), failing the test after a timeout.
func (c *liveClient) next(types ...string) protocol.Envelope {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env, err := c.Next(ctx, types...)
	if err != nil {
		c.t.Fatal(err)
	}
	return env
}

// sendView tells the server what the client shows.
func (c *liveClient) sendView(t *testing.T, keys ...model.Key) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.SendView(ctx, keys...); err != nil {
		t.Fatal(err)
	}
}

// picture returns "name=state" of every container the client knows, sorted.
func (c *liveClient) picture() []string {
	var out []string
	for _, ctr := range c.Containers() {
		out = append(out, ctr.ID[:12]+":"+ctr.Name+"="+ctr.State)
	}
	sort.Strings(out)
	return out
}

func (c *liveClient) engineStatus() string {
	return c.Engine(service.EngineName).Status
}

// dockerPS is `docker ps -a` in the same form as liveClient.picture.
func dockerPS(t *testing.T, cli *client.Client) []string {
	t.Helper()
	list, err := cli.ContainerList(context.Background(), container.ListOptions{All: true})
	if err != nil {
		t.Fatalf("docker ps -a: %v", err)
	}
	var out []string
	for _, s := range list {
		out = append(out, s.ID[:12]+":"+strings.TrimPrefix(s.Names[0], "/")+"="+string(s.State))
	}
	sort.Strings(out)
	return out
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// call performs an authenticated request to the HTTP API and returns the
// response, which the caller closes.
func call(t *testing.T, svc *service.Service, method, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, svc.Server.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+svc.Server.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// get reads one polling endpoint into v.
func get(t *testing.T, svc *service.Service, path string, v any) {
	t.Helper()
	resp := call(t, svc, http.MethodGet, path)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
