package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
)

// recordingViewer is a Viewer that remembers what each view was told.
type recordingViewer struct {
	mu    sync.Mutex
	views []*recordingView
}

type recordingView struct {
	mu     sync.Mutex
	shown  [][]model.Key
	closed bool
}

func (r *recordingViewer) OpenView() View {
	r.mu.Lock()
	defer r.mu.Unlock()
	v := &recordingView{}
	r.views = append(r.views, v)
	return v
}

func (r *recordingViewer) Background() time.Duration { return 5 * time.Second }

func (r *recordingViewer) view(i int) *recordingView {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= len(r.views) {
		return nil
	}
	return r.views[i]
}

func (v *recordingView) Show(keys []model.Key) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.shown = append(v.shown, keys)
}

func (v *recordingView) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closed = true
}

func (v *recordingView) state() (shown [][]model.Key, closed bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.shown), v.closed
}

func sendView(t *testing.T, c *protocoltest.Conn, keys ...model.Key) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.SendView(ctx, keys...); err != nil {
		t.Fatal(err)
	}
}

func helloOf(t *testing.T, c *protocoltest.Conn) protocol.Hello {
	t.Helper()
	env := read(t, c)
	var h protocol.Hello
	if err := json.Unmarshal(env.Data, &h); err != nil || env.Type != protocol.TypeHello {
		t.Fatalf("first message %s %s (%v), want hello", env.Type, env.Data, err)
	}
	read(t, c) // the snapshot
	return h
}

// With a Viewer, each connection has its own view: hello says so, every
// view message reaches it in order, and the view closes with the
// connection. A client sending views as fast as the UI does stays
// connected.
func TestViewsReachTheViewer(t *testing.T) {
	viewer := &recordingViewer{}
	f := start(t, Config{Viewer: viewer})
	c, _, err := dial(t, f, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	h := helloOf(t, c)
	if h.StatsMode != protocol.StatsVisible || h.BackgroundMs != 5000 {
		t.Fatalf("hello statsMode %q backgroundMs %d, want %q 5000", h.StatsMode, h.BackgroundMs, protocol.StatsVisible)
	}
	go func() { // keep reading so that pongs and the close are processed
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	}()

	var want [][]model.Key
	for i := range 3 * rateBurst {
		keys := []model.Key{{Engine: "local", ID: fmt.Sprint("c", i)}}
		if i%7 == 0 {
			keys = []model.Key{} // a hidden window
		}
		sendView(t, c, keys...)
		want = append(want, keys)
		time.Sleep(time.Second / (rateLimit - 1)) // the UI's pace, with room for scheduling
	}
	waitFor(t, 5*time.Second, "every view reaches the viewer", func() bool {
		shown, _ := viewer.view(0).state()
		return len(shown) == len(want)
	})
	shown, closed := viewer.view(0).state()
	for i := range want {
		if !slices.Equal(shown[i], want[i]) {
			t.Fatalf("view %d: %v, want %v", i, shown[i], want[i])
		}
	}
	if closed || f.srv.Connections() != 1 {
		t.Fatalf("a client sending views at the UI's pace was disconnected")
	}

	c.Close(websocket.StatusNormalClosure, "")
	waitFor(t, 5*time.Second, "the view closes with its connection", func() bool {
		_, closed := viewer.view(0).state()
		return closed
	})
}

// Without a Viewer every container is sampled: hello says so, and a client
// that sends views anyway is not cut for it.
func TestViewsWithoutAViewerAreAccepted(t *testing.T) {
	f := start(t, Config{})
	c, _, err := dial(t, f, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if h := helloOf(t, c); h.StatsMode != protocol.StatsAll || h.BackgroundMs != 0 {
		t.Fatalf("hello statsMode %q backgroundMs %d, want %q 0", h.StatsMode, h.BackgroundMs, protocol.StatsAll)
	}
	sendView(t, c, model.Key{Engine: "local", ID: "a"})
	f.store.Upsert(model.Container{Engine: "local", ID: "a", Name: "web", State: "running"})
	if env := readDelta(t, c); env.Type != protocol.TypeContainerUpsert {
		t.Fatalf("after a view: %s, want the next delta", env.Type)
	}
}
