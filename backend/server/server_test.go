package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type fixture struct {
	srv   *Server
	store *store.Store
}

func start(t *testing.T, cfg Config) *fixture {
	t.Helper()
	return startLogged(t, cfg, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
}

// startLogged is start with the server logging to log.
func startLogged(t *testing.T, cfg Config, log *zap.Logger) *fixture {
	t.Helper()
	h := hub.New()
	st := store.New(h, store.Config{}, zap.NewNop())
	srv, err := New(cfg, st, h, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return &fixture{srv: srv, store: st}
}

func dial(t *testing.T, f *fixture, origin string) (*protocoltest.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// coder/websocket's default read limit, which the server's batches of
	// deltas must fit.
	return protocoltest.DialConn(ctx, f.srv.WebSocketURL(), f.srv.Token(), &protocoltest.DialOptions{Origin: origin, ReadLimit: 32 << 10})
}

func read(t *testing.T, c *protocoltest.Conn) protocol.Envelope {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	env, err := c.Next(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return env
}

// readDelta skips heartbeats.
func readDelta(t *testing.T, c *protocoltest.Conn) protocol.Envelope {
	t.Helper()
	for {
		if env := read(t, c); env.Type != protocol.TypeHeartbeat {
			return env
		}
	}
}

func TestHelloSnapshotThenDeltas(t *testing.T) {
	f := start(t, Config{Version: "test"})
	f.store.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: "local"}, Version: "20.10"})
	f.store.Upsert(model.Container{Engine: "local", ID: "a", Name: "web", State: "running"})

	c, _, err := dial(t, f, "wails://wails")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()

	hello := read(t, c)
	var h protocol.Hello
	if err := json.Unmarshal(hello.Data, &h); err != nil || hello.Type != protocol.TypeHello || h.Protocol != protocol.Version || h.Version != "test" {
		t.Fatalf("hello = %s %s (%v)", hello.Type, hello.Data, err)
	}
	snapEnv := read(t, c)
	var snap protocol.Snapshot
	if err := json.Unmarshal(snapEnv.Data, &snap); err != nil {
		t.Fatal(err)
	}
	if snapEnv.Type != protocol.TypeSnapshot || snap.Seq != 2 || snapEnv.Seq != 2 || len(snap.Containers) != 1 || snap.Containers[0].Name != "web" || snap.Engines[0].Version != "20.10" {
		t.Fatalf("snapshot = %s seq %d: %s", snapEnv.Type, snapEnv.Seq, snapEnv.Data)
	}

	f.store.Upsert(model.Container{Engine: "local", ID: "a", Name: "web", State: "paused"})
	f.store.Remove(model.Key{Engine: "local", ID: "a"})
	want := []string{"3 container.upsert", "4 container.remove"}
	for _, w := range want {
		env := readDelta(t, c)
		if got := fmt.Sprintf("%d %s", env.Seq, env.Type); got != w {
			t.Fatalf("got delta %q, want %q", got, w)
		}
	}
}

func TestHeartbeatCarriesLastWrittenSeq(t *testing.T) {
	f := start(t, Config{Heartbeat: 50 * time.Millisecond})
	f.store.Upsert(model.Container{Engine: "local", ID: "a", State: "running"})
	c, _, err := dial(t, f, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	read(t, c) // hello
	read(t, c) // snapshot, seq 1
	for {
		env := read(t, c)
		if env.Type == protocol.TypeHeartbeat {
			if env.Seq != 1 {
				t.Fatalf("heartbeat seq %d, want 1", env.Seq)
			}
			return
		}
	}
}

func TestRefusedConnections(t *testing.T) {
	f := start(t, Config{})
	base := f.srv.WebSocketURL()
	tests := []struct {
		name   string
		url    string
		header http.Header
		want   int
	}{
		{"no token", base, nil, http.StatusUnauthorized},
		{"wrong token", base + "?token=wrong", nil, http.StatusUnauthorized},
		{"foreign origin", base + "?token=" + f.srv.Token(), http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"non-loopback host", base + "?token=" + f.srv.Token(), http.Header{"Host": {"evil.example"}}, http.StatusForbidden},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		opts := &websocket.DialOptions{HTTPHeader: tt.header}
		if h := tt.header.Get("Host"); h != "" {
			opts.Host = h
		}
		c, resp, err := websocket.Dial(ctx, tt.url, opts)
		cancel()
		if err == nil {
			c.CloseNow()
			t.Errorf("%s: connected, want refusal", tt.name)
			continue
		}
		if resp == nil || resp.StatusCode != tt.want {
			t.Errorf("%s: response %v, want status %d (err %v)", tt.name, resp, tt.want, err)
		}
	}
}

func TestAPIServesStoreAsJSON(t *testing.T) {
	f := start(t, Config{})
	f.store.Upsert(model.Container{Engine: "local", ID: "a", Name: "web", State: "exited"})
	req, err := http.NewRequest(http.MethodGet, f.srv.URL()+"/api/containers", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.srv.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []model.Container
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(got) != 1 || got[0].Name != "web" {
		t.Fatalf("status %d, containers %+v", resp.StatusCode, got)
	}
	resp2, err := http.Get(f.srv.URL() + "/api/containers")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var e map[string]string
	if err := json.NewDecoder(resp2.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp2.StatusCode != http.StatusUnauthorized || !strings.Contains(e["error"], "token") {
		t.Fatalf("without token: status %d, body %v", resp2.StatusCode, e)
	}
}

func TestStalledClientIsCutOthersKeepReceiving(t *testing.T) {
	f := start(t, Config{QueueSize: 4, WriteTimeout: 500 * time.Millisecond})
	stalled, _, err := dial(t, f, "")
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.CloseNow()
	healthy, _, err := dial(t, f, "")
	if err != nil {
		t.Fatal(err)
	}
	defer healthy.CloseNow()
	healthy.SetReadLimit(1 << 20)
	read(t, healthy)
	read(t, healthy)

	// Large deltas fill the stalled client's socket buffers, then its queue.
	// The healthy client reads each one before the next is published.
	// (About 30 KiB each: the store keeps labels within model.MaxListBytes.)
	big := strings.Repeat("x", 7<<10)
	const n = 400
	for i := range n {
		f.store.Upsert(model.Container{Engine: "local", ID: "a", State: "running", Labels: map[string]string{
			"i": fmt.Sprint(i), "pad0": big, "pad1": big, "pad2": big, "pad3": big}})
		env := readDeltaErr(healthy)
		if env.err != nil {
			t.Fatalf("healthy client, delta %d: %v", i+1, env.err)
		}
		if env.Seq != uint64(i+1) {
			t.Fatalf("healthy got seq %d, want %d", env.Seq, i+1)
		}
	}
	// The server has let the stalled client go; the healthy one remains.
	deadline := time.Now().Add(10 * time.Second)
	for f.srv.Connections() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("connections = %d, want 1: the stalled client was never cut", f.srv.Connections())
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.store.Upsert(model.Container{Engine: "local", ID: "b", State: "running"})
	if env := readDeltaErr(healthy); env.err != nil || env.Seq != n+1 {
		t.Fatalf("healthy after the cut: seq %d, err %v", env.Seq, env.err)
	}
}

type envErr struct {
	protocol.Envelope
	err error
}

func readDeltaErr(c *protocoltest.Conn) envErr {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	env, err := c.NextDelta(ctx)
	return envErr{Envelope: env, err: err}
}

func TestInvalidClientMessageClosesConnection(t *testing.T) {
	f := start(t, Config{})
	c, _, err := dial(t, f, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	read(t, c)
	read(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"hack"}`)); err != nil {
		t.Fatal(err)
	}
	for {
		if _, _, err := c.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Fatalf("closed with %v, want policy violation", err)
			}
			return
		}
	}
}

func TestNonLoopbackAddrNeedsAllowRemote(t *testing.T) {
	_, err := New(Config{Addr: "0.0.0.0:0"}, nil, hub.New(), zap.NewNop())
	if err == nil {
		t.Fatal("New accepted 0.0.0.0 without AllowRemote")
	}
}
