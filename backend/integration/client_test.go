// Package integration tests the whole backend against a real Docker engine
// (a private one, see backend/enginetest), through a real WebSocket client.
package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
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

// liveClient is a WebSocket client that keeps its own picture from the
// snapshot and deltas, checking sequence numbers as a UI must.
type liveClient struct {
	t     *testing.T
	conn  *websocket.Conn
	msgs  chan protocol.Envelope
	hello protocol.Hello

	mu         sync.Mutex
	seq        uint64
	containers map[string]model.Container
	engine     model.EngineInfo
	err        error

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
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, ep.URL+"?token="+ep.Token, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.SetReadLimit(64 << 20)
	c := &liveClient{t: t, conn: conn, msgs: make(chan protocol.Envelope, 10000), containers: map[string]model.Container{}}
	go c.readLoop()
	t.Cleanup(func() { conn.CloseNow() })
	hello := c.next(protocol.TypeHello)
	if err := json.Unmarshal(hello.Data, &c.hello); err != nil || c.hello.Protocol != protocol.Version {
		t.Fatalf("hello %s: %v", hello.Data, err)
	}
	c.next(protocol.TypeSnapshot)
	return c
}

func (c *liveClient) readLoop() {
	defer close(c.msgs)
	for {
		_, data, err := c.conn.Read(context.Background())
		if err != nil {
			c.fail(err)
			return
		}
		envs, err := protocol.DecodeMessage(data)
		if err != nil {
			c.fail(err)
			return
		}
		for _, env := range envs {
			if err := c.apply(env); err != nil {
				c.fail(err)
				return
			}
			c.msgs <- env
		}
	}
}

func (c *liveClient) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// apply keeps the client's picture, as the UI does.
func (c *liveClient) apply(env protocol.Envelope) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch env.Type {
	case protocol.TypeHello:
		return nil
	case protocol.TypeSnapshot:
		var s protocol.Snapshot
		if err := json.Unmarshal(env.Data, &s); err != nil {
			return err
		}
		c.seq = s.Seq
		for _, ctr := range s.Containers {
			c.containers[ctr.ID] = ctr
		}
		if len(s.Engines) > 0 {
			c.engine = s.Engines[0]
		}
		return nil
	case protocol.TypeHeartbeat:
		if env.Seq != c.seq {
			return fmt.Errorf("heartbeat seq %d, client at %d", env.Seq, c.seq)
		}
		return nil
	}
	if env.Seq != c.seq+1 {
		return fmt.Errorf("gap: %s has seq %d after %d", env.Type, env.Seq, c.seq)
	}
	c.seq = env.Seq
	switch env.Type {
	case protocol.TypeContainerUpsert:
		var ctr model.Container
		if err := json.Unmarshal(env.Data, &ctr); err != nil {
			return err
		}
		c.containers[ctr.ID] = ctr
	case protocol.TypeContainerRemove:
		var k model.Key
		if err := json.Unmarshal(env.Data, &k); err != nil {
			return err
		}
		delete(c.containers, k.ID)
	case protocol.TypeEngine:
		if err := json.Unmarshal(env.Data, &c.engine); err != nil {
			return err
		}
	}
	return nil
}

// next returns the next message of one of the given types (any type if
// none), failing the test after a timeout.
func (c *liveClient) next(types ...string) protocol.Envelope {
	c.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case env, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("connection ended: %v", c.error())
			}
			if len(types) == 0 || contains(types, env.Type) {
				return env
			}
		case <-timeout:
			c.t.Fatalf("no %v message within 20s", types)
		}
	}
}

func (c *liveClient) error() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// picture returns "name=state" of every container the client knows, sorted.
func (c *liveClient) picture() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ctr := range c.containers {
		out = append(out, ctr.ID[:12]+":"+ctr.Name+"="+ctr.State)
	}
	sort.Strings(out)
	return out
}

func (c *liveClient) engineStatus() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.engine.Status
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
