package protocoltest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/store"
)

// frame encodes one envelope.
func frame(t *testing.T, typ string, seq uint64, data any) []byte {
	t.Helper()
	f, err := protocol.Encode(typ, seq, data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// message joins envelopes into one server message.
func message(frames ...[]byte) []byte {
	return bytes.Join(frames, []byte{protocol.Separator})
}

// scripted serves a WebSocket that requires token, writes msgs and then
// passes each view the client sends to views until the client leaves.
func scripted(t *testing.T, token string, views chan<- protocol.View, msgs ...[]byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("token") != token {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		for _, m := range msgs {
			if err := conn.Write(r.Context(), websocket.MessageText, m); err != nil {
				return
			}
		}
		for {
			_, data, err := conn.Read(r.Context())
			if err != nil {
				return
			}
			v, err := protocol.DecodeView(data)
			if err != nil {
				conn.Close(websocket.StatusPolicyViolation, err.Error())
				return
			}
			views <- v
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var (
	up    = model.EngineInfo{EngineStatus: model.EngineStatus{Engine: "local", Status: model.EngineUp}, Version: "27"}
	other = model.EngineInfo{EngineStatus: model.EngineStatus{Engine: "other", Status: model.EngineUp}}
	down  = model.EngineInfo{EngineStatus: model.EngineStatus{Engine: "other", Status: model.EngineDown, Reason: "gone"}}
	far   = model.Container{Engine: "other", ID: "x", Name: "far", State: model.StateRunning}
	web   = model.Container{Engine: "local", ID: "a", Name: "web", State: model.StateRunning}
	db    = model.Container{Engine: "local", ID: "b", Name: "db", State: model.StateRunning}
	hello = protocol.Hello{Server: "dockpulse", Protocol: protocol.Version, StatsMode: protocol.StatsVisible, BackgroundMs: 5000}
)

func TestClientKeepsThePicture(t *testing.T) {
	snap := protocol.Snapshot{Seq: 4, Engines: []model.EngineInfo{up, other}, Containers: []model.Container{web, db, far},
		Stats:  []model.Stats{{Engine: "local", ID: "a", Read: 1}, {Engine: "local", ID: "b", Read: 1}, {Engine: "other", ID: "x", Read: 1}},
		Events: []model.Event{{Engine: "local", Action: "start", ActorID: "a"}}}
	stopped := web
	stopped.State = model.StateExited
	url := scripted(t, "tok", nil,
		frame(t, protocol.TypeHello, 4, hello),
		// Deltas may share the snapshot's message.
		message(frame(t, protocol.TypeSnapshot, 4, snap),
			frame(t, protocol.TypeStats, 5, protocol.StatsBatch{Samples: []model.Stats{{Engine: "local", ID: "a", Read: 2}, {Engine: "local", ID: "b", Read: 2}}})),
		message(frame(t, protocol.TypeEvent, 6, model.Event{Engine: "local", Action: "die", ActorID: "a"}),
			frame(t, protocol.TypeContainerUpsert, 7, stopped),
			frame(t, protocol.TypeHeartbeat, 7, protocol.Heartbeat{Time: 1}),
			frame(t, "container.future", 8, map[string]int{"x": 1})),
		frame(t, protocol.TypeStats, 9, protocol.StatsBatch{Samples: []model.Stats{{Engine: "local", ID: "b", Read: 3}}}),
		frame(t, protocol.TypeContainerRemove, 10, model.Key{Engine: "local", ID: "b"}),
		frame(t, protocol.TypeContainerUpsert, 11, model.Container{Engine: "local", ID: "c", Name: "cache", State: model.StateRunning}),
		frame(t, protocol.TypeStats, 12, protocol.StatsBatch{Samples: []model.Stats{{Engine: "local", ID: "c", Read: 4}}}),
		frame(t, protocol.TypeEngine, 13, down),
	)
	c, resp, err := protocoltest.Dial(ctxFor(t), url, "tok", &protocoltest.Options{Queue: 100, MaxEvents: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols || c.Hello() != hello {
		t.Fatalf("handshake %d, hello %+v", resp.StatusCode, c.Hello())
	}
	if s := c.Snapshot(); s.Containers != 3 || s.Bytes == 0 || s.At.IsZero() {
		t.Fatalf("snapshot info %+v", s)
	}
	var types []string
	for {
		env, err := c.Next(ctxFor(t))
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, env.Type)
		if env.Type == protocol.TypeEngine {
			break
		}
	}
	if got := strings.Join(types, " "); got != "stats event container.upsert heartbeat container.future stats container.remove container.upsert stats engine" {
		t.Fatalf("envelopes after the snapshot: %s", got)
	}
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ctr := range c.Containers() {
		names = append(names, ctr.Name+"="+ctr.State)
	}
	if got := strings.Join(names, " "); got != "web=exited cache=running far=running" {
		t.Fatalf("containers %s", got)
	}
	// a stopped, b was removed, x's engine went down: c's sample is left.
	if st := c.Stats(); len(st) != 1 || st[0].ID != "c" || st[0].Read != 4 {
		t.Fatalf("stats %+v, want c's only", st)
	}
	if c.Samples(model.Key{Engine: "local", ID: "b"}) != 2 || c.SampleCount() != 4 || c.Deltas() != 9 || c.Seq() != 13 || c.Gaps() != 0 {
		t.Fatalf("samples of b %d, all %d, deltas %d, seq %d, gaps %d", c.Samples(model.Key{Engine: "local", ID: "b"}), c.SampleCount(), c.Deltas(), c.Seq(), c.Gaps())
	}
	if e := c.Engine("other"); e.Status != model.EngineDown || e.Reason != "gone" || len(c.Engines()) != 2 || c.FirstUp("other").IsZero() || c.FirstUp("none") != (time.Time{}) {
		t.Fatalf("engine %+v, first up %v", e, c.FirstUp("other"))
	}
	ev := c.Events()
	if len(ev) != 2 || ev[0].Action != "start" || ev[1].Action != "die" || ev[1].At.IsZero() {
		t.Fatalf("events %+v, want the snapshot's start and the die (MaxEvents 2)", ev)
	}
}

func TestClientRefusesBrokenOrder(t *testing.T) {
	snap := protocol.Snapshot{Seq: 3}
	tests := []struct {
		name      string
		msgs      [][]byte
		handshake bool // Dial fails
		want      string
	}{
		{"no hello", [][]byte{frame(t, protocol.TypeSnapshot, 3, snap)}, true, "first message is snapshot"},
		{"another protocol", [][]byte{frame(t, protocol.TypeHello, 0, protocol.Hello{Protocol: 1})}, true, "protocol 1"},
		{"delta before the snapshot", [][]byte{frame(t, protocol.TypeHello, 0, hello), frame(t, protocol.TypeStats, 1, protocol.StatsBatch{})}, true, "second message is stats"},
		{"snapshot seq mismatch", [][]byte{frame(t, protocol.TypeHello, 0, hello), frame(t, protocol.TypeSnapshot, 2, snap)}, true, "snapshot of seq 3"},
		{"gap", [][]byte{frame(t, protocol.TypeHello, 3, hello), frame(t, protocol.TypeSnapshot, 3, snap), frame(t, protocol.TypeStats, 5, protocol.StatsBatch{})}, false, "gap: stats has seq 5 after 3"},
		{"repeated seq", [][]byte{frame(t, protocol.TypeHello, 3, hello), frame(t, protocol.TypeSnapshot, 3, snap), frame(t, protocol.TypeEvent, 3, model.Event{})}, false, "gap: event has seq 3 after 3"},
		{"heartbeat ahead", [][]byte{frame(t, protocol.TypeHello, 3, hello), frame(t, protocol.TypeSnapshot, 3, snap), frame(t, protocol.TypeHeartbeat, 4, protocol.Heartbeat{})}, false, "heartbeat seq 4, client at 3"},
		{"second hello", [][]byte{frame(t, protocol.TypeHello, 3, hello), frame(t, protocol.TypeSnapshot, 3, snap), frame(t, protocol.TypeHello, 3, hello)}, false, "hello as message 3"},
		{"bad data", [][]byte{frame(t, protocol.TypeHello, 3, hello), frame(t, protocol.TypeSnapshot, 3, snap), frame(t, protocol.TypeContainerUpsert, 4, []int{1})}, false, "container.upsert data"},
		{"not an envelope", [][]byte{frame(t, protocol.TypeHello, 3, hello), frame(t, protocol.TypeSnapshot, 3, snap), []byte(`{"v":2}`)}, false, "missing type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := scripted(t, "tok", nil, tt.msgs...)
			c, _, err := protocoltest.Dial(ctxFor(t), url, "tok", nil)
			if tt.handshake {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					c.Close()
					t.Fatalf("dial: %v, want an error with %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			select {
			case <-c.Done():
			case <-ctxFor(t).Done():
				t.Fatal("the client reads on after the error")
			}
			if err := c.Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestClientCountsGapsWhenAsked(t *testing.T) {
	url := scripted(t, "tok", nil,
		frame(t, protocol.TypeHello, 1, hello),
		frame(t, protocol.TypeSnapshot, 1, protocol.Snapshot{Seq: 1}),
		frame(t, protocol.TypeContainerUpsert, 3, web),            // a gap
		frame(t, protocol.TypeHeartbeat, 2, protocol.Heartbeat{}), // behind
		frame(t, protocol.TypeContainerUpsert, 4, db),
	)
	c, _, err := protocoltest.Dial(ctxFor(t), url, "tok", &protocoltest.Options{CountGaps: true, Queue: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 3 {
		if _, err := c.Next(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
	}
	if c.Gaps() != 2 || c.Err() != nil || len(c.Containers()) != 2 || c.Seq() != 4 {
		t.Fatalf("gaps %d, err %v, containers %d, seq %d; want 2, nil, 2, 4", c.Gaps(), c.Err(), len(c.Containers()), c.Seq())
	}
}

func TestConnReadsEnvelopesAndSendsViews(t *testing.T) {
	views := make(chan protocol.View, 2)
	url := scripted(t, "a token/with+specials", views,
		message(frame(t, protocol.TypeHello, 0, hello), frame(t, protocol.TypeSnapshot, 0, protocol.Snapshot{})),
		frame(t, protocol.TypeHeartbeat, 0, protocol.Heartbeat{}),
		frame(t, protocol.TypeStats, 1, protocol.StatsBatch{}),
		[]byte(`{"v":2,`),
	)
	if _, resp, err := protocoltest.DialConn(ctxFor(t), url, "wrong", nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %v, %v; want a 401", resp, err)
	}
	conn, _, err := protocoltest.DialConn(ctxFor(t), url, "a token/with+specials", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	ctx := ctxFor(t)
	first, err := conn.Next(ctx)
	if err != nil || first.Type != protocol.TypeHello {
		t.Fatalf("first envelope %s (%v)", first.Type, err)
	}
	// The rest of the first message, then the next.
	m, err := conn.ReadMessage(ctx)
	if err != nil || len(m.Envelopes) != 1 || m.Envelopes[0].Type != protocol.TypeSnapshot || m.Bytes == 0 {
		t.Fatalf("rest of the first message: %+v (%v)", m, err)
	}
	if env, err := conn.NextDelta(ctx); err != nil || env.Type != protocol.TypeStats || env.Seq != 1 {
		t.Fatalf("next delta %s %d (%v), want stats 1 past the heartbeat", env.Type, env.Seq, err)
	}
	if _, err := conn.ReadMessage(ctx); !errors.Is(err, protocoltest.ErrInvalidMessage) {
		t.Fatalf("a message that is no envelope: %v, want ErrInvalidMessage", err)
	}
	if err := conn.SendView(ctx, model.Key{Engine: "local", ID: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := conn.SendView(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{1, 0} {
		if v := <-views; len(v.Containers) != want || v.Containers == nil {
			t.Fatalf("view %+v, want %d containers", v, want)
		}
	}
}

func TestURL(t *testing.T) {
	for _, tt := range []struct{ url, token, want string }{
		{"ws://127.0.0.1:1/ws", "abc", "ws://127.0.0.1:1/ws?token=abc"},
		{"ws://127.0.0.1:1/ws?x=1", "a+b", "ws://127.0.0.1:1/ws?x=1&token=a%2Bb"},
		{"ws://127.0.0.1:1/ws", "", "ws://127.0.0.1:1/ws"},
	} {
		if got := protocoltest.URL(tt.url, tt.token); got != tt.want {
			t.Errorf("URL(%q, %q) = %q, want %q", tt.url, tt.token, got, tt.want)
		}
	}
}

// TestClientAgainstTheServer runs the client against the real server: the
// Origin option reaches the guard, and the picture follows the store.
func TestClientAgainstTheServer(t *testing.T) {
	h := hub.New()
	st := store.New(h, store.Config{}, zap.NewNop())
	srv, err := server.New(server.Config{}, st, h, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Shutdown(ctxFor(t)); err != nil {
			t.Error(err)
		}
	})
	st.SetEngineUp(up)
	st.Upsert(web)

	if _, resp, err := protocoltest.Dial(ctxFor(t), srv.WebSocketURL(), srv.Token(), &protocoltest.Options{DialOptions: protocoltest.DialOptions{Origin: "https://evil.example"}}); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v, %v; want a 403", resp, err)
	}
	c, _, err := protocoltest.Dial(ctxFor(t), srv.WebSocketURL(), srv.Token(), &protocoltest.Options{DialOptions: protocoltest.DialOptions{Origin: server.WebviewOrigins[0]}, Queue: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Containers(); len(got) != 1 || got[0].Name != "web" || c.Engine("local").Version != "27" {
		t.Fatalf("picture from the snapshot: %+v, engine %+v", got, c.Engine("local"))
	}
	st.Upsert(db)
	st.Remove(web.Key())
	if _, err := c.Next(ctxFor(t), protocol.TypeContainerRemove); err != nil {
		t.Fatal(err)
	}
	if got := c.Containers(); len(got) != 1 || got[0].Name != "db" || c.Err() != nil {
		t.Fatalf("picture after the deltas: %+v (%v)", got, c.Err())
	}
}
