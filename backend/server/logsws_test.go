package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/store"
)

// fakeLogs is a LogSource of containers on engine "local". Each follow
// it is asked for waits, until it ends, for the test to feed it.
type fakeLogs struct {
	names   map[string]string // id -> name; the containers it has
	follows chan *fakeFollow

	mu        sync.Mutex
	queries   []logs.Query
	page      logs.Page
	lastWords map[string]logs.LastWords
}

// fakeFollow is one FollowLogs call in progress.
type fakeFollow struct {
	ids   []string
	from  logs.Query
	emit  func([]logs.Line)
	state func(logs.State)
	ctx   context.Context
	end   chan error // what FollowLogs returns
	done  chan struct{}
}

func newFakeLogs(ids ...string) *fakeLogs {
	f := &fakeLogs{names: map[string]string{}, follows: make(chan *fakeFollow, 64), lastWords: map[string]logs.LastWords{}}
	for _, id := range ids {
		f.names[id] = id + "-name"
	}
	return f
}

func (f *fakeLogs) known(engine, id string) error {
	if engine != "local" {
		return fmt.Errorf("no such engine %q: %w", engine, model.ErrNoEngine)
	}
	if _, ok := f.names[id]; !ok {
		return fmt.Errorf("no such container %q: %w", id, model.ErrNotFound)
	}
	return nil
}

func (f *fakeLogs) Logs(_ context.Context, engine, id string, q logs.Query) (logs.Page, error) {
	if err := f.known(engine, id); err != nil {
		return logs.Page{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, q)
	return f.page, nil
}

func (f *fakeLogs) FollowLogs(ctx context.Context, engine string, ids []string, from logs.Query, emit func([]logs.Line), state func(logs.State)) error {
	ff := &fakeFollow{ids: ids, from: from, emit: emit, state: state, ctx: ctx, end: make(chan error, 1), done: make(chan struct{})}
	defer close(ff.done)
	f.follows <- ff
	select {
	case <-ctx.Done():
		return nil
	case err := <-ff.end:
		return err
	}
}

func (f *fakeLogs) LastWords(engine, id string) (logs.LastWords, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	lw, ok := f.lastWords[id]
	if !ok || engine != "local" {
		return lw, fmt.Errorf("no last words kept of %s: %w", id, model.ErrNotFound)
	}
	return lw, nil
}

func (f *fakeLogs) LogTargets(_ context.Context, engine string, ids []string) ([]protocol.LogsContainer, error) {
	var out []protocol.LogsContainer
	for _, id := range ids {
		if err := f.known(engine, id); err != nil {
			return nil, err
		}
		out = append(out, protocol.LogsContainer{Engine: engine, ID: id, Name: f.names[id], TTY: id == "tty"})
	}
	return out, nil
}

// follow is the next follow the server asked for.
func (f *fakeLogs) follow(t *testing.T) *fakeFollow {
	t.Helper()
	select {
	case ff := <-f.follows:
		return ff
	case <-time.After(5 * time.Second):
		t.Fatal("the server asked for no follow")
		return nil
	}
}

func logsURL(f *fixture, engine string, ids []string, extra url.Values) string {
	return protocoltest.LogsURL(f.srv.WebSocketURL(), engine, ids, extra)
}

func dialLogs(t *testing.T, f *fixture, ids []string, extra url.Values, opts *protocoltest.LogsOptions) *protocoltest.LogsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := protocoltest.DialLogs(ctx, logsURL(f, "local", ids, extra), f.srv.Token(), opts)
	if err != nil {
		t.Fatalf("dial logs: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func waitLogs(t *testing.T, c *protocoltest.LogsClient, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if err := c.Wait(within, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestLogsSocketStream: logs.hello names the containers, lines arrive in
// batches, states in their place, and the socket closes normally once the
// follow is over (every container removed), after everything queued.
func TestLogsSocketStream(t *testing.T) {
	src := newFakeLogs("a", "tty")
	f := start(t, Config{Logs: src})
	c := dialLogs(t, f, []string{"a", "tty"}, nil, nil)
	h := c.Hello()
	if len(h.Containers) != 2 || h.Containers[0] != (protocol.LogsContainer{Engine: "local", ID: "a", Name: "a-name"}) ||
		!h.Containers[1].TTY || h.MaxLineBytes != logs.MaxLineBytes {
		t.Fatalf("hello %+v", h)
	}
	ff := src.follow(t)
	if strings.Join(ff.ids, ",") != "a,tty" || ff.from != (logs.Query{Tail: logs.DefaultTail}) {
		t.Fatalf("follow of %v from %+v, want a,tty from the default tail", ff.ids, ff.from)
	}
	ff.emit(testLines("a", 1, 3))
	waitLogs(t, c, 5*time.Second, "three lines", func() bool { return c.LineCount() == 3 })
	ff.state(logs.State{Engine: "local", ID: "a", State: logs.Removed})
	ff.emit([]logs.Line{testLine("tty", 4)})
	ff.state(logs.State{Engine: "local", ID: "tty", State: logs.Removed, Reason: "gone"})
	ff.end <- nil
	<-c.Done()
	var ce websocket.CloseError
	if !errors.As(c.Err(), &ce) || ce.Code != websocket.StatusNormalClosure {
		t.Fatalf("the socket ended with %v, want a normal closure", c.Err())
	}
	var got []string
	for _, it := range c.Items() {
		switch {
		case it.Lines != nil:
			var ns []string
			for _, l := range it.Lines {
				ns = append(ns, fmt.Sprintf("%s%d", l.ID, lineNumber(l)))
			}
			got = append(got, "lines "+strings.Join(ns, ","))
		case it.State != nil:
			got = append(got, fmt.Sprintf("state %s %s %q", it.State.ID, it.State.State, it.State.Reason))
		}
	}
	want := `lines a1,a2,a3 | state a removed "" | lines tty4 | state tty removed "gone"`
	if strings.Join(got, " | ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " | "), want)
	}
	waitFor(t, 5*time.Second, "the socket uncounted", func() bool { return f.srv.LogConnections() == 0 })
}

// TestLogsSocketStartingPoint: tail and since reach the follow as asked;
// tail=0 is "from now on".
func TestLogsSocketStartingPoint(t *testing.T) {
	src := newFakeLogs("a")
	f := start(t, Config{Logs: src})
	for _, tt := range []struct {
		params url.Values
		check  func(q logs.Query) bool
	}{
		{url.Values{"tail": {"20"}}, func(q logs.Query) bool { return q == logs.Query{Tail: 20} }},
		{url.Values{"since": {"2026-12-02T07:43:20.5+01:00"}}, func(q logs.Query) bool {
			return q == logs.Query{Since: "2026-12-02T06:43:20.500000000Z"}
		}},
		{url.Values{"tail": {"0"}}, func(q logs.Query) bool {
			t0, err := time.Parse(time.RFC3339Nano, q.Since)
			return q.Tail == 0 && err == nil && time.Since(t0) < time.Minute && time.Since(t0) >= 0
		}},
	} {
		c := dialLogs(t, f, []string{"a"}, tt.params, nil)
		if ff := src.follow(t); !tt.check(ff.from) {
			t.Errorf("%v: the follow starts from %+v", tt.params, ff.from)
		}
		c.Close()
	}
}

// TestLogsSocketRefusals: a bad parameter is a 400 naming it, an unknown
// engine or container a 404, and the guard's refusals are the /ws ones.
func TestLogsSocketRefusals(t *testing.T) {
	src := newFakeLogs("a")
	f := start(t, Config{Logs: src})
	many := make([]string, MaxLogContainers+1)
	for i := range many {
		many[i] = fmt.Sprint("c", i)
	}
	tests := []struct {
		name   string
		url    string
		token  string
		origin string
		status int
		says   string
	}{
		{"no engine", logsURL(f, "", []string{"a"}, nil), f.srv.Token(), "", 400, "engine"},
		{"no id", logsURL(f, "local", nil, nil), f.srv.Token(), "", 400, "id"},
		{"too many", logsURL(f, "local", many, nil), f.srv.Token(), "", 400, "id"},
		{"twice", logsURL(f, "local", []string{"a", "a"}, nil), f.srv.Token(), "", 400, "id"},
		{"tail not a number", logsURL(f, "local", []string{"a"}, url.Values{"tail": {"x"}}), f.srv.Token(), "", 400, "tail"},
		{"tail too large", logsURL(f, "local", []string{"a"}, url.Values{"tail": {"10001"}}), f.srv.Token(), "", 400, "tail"},
		{"since not a time", logsURL(f, "local", []string{"a"}, url.Values{"since": {"yesterday"}}), f.srv.Token(), "", 400, "since"},
		{"tail and since", logsURL(f, "local", []string{"a"}, url.Values{"since": {"2026-12-02T06:43:20Z"}, "tail": {"1"}}), f.srv.Token(), "", 400, "tail and since"},
		{"unknown engine", logsURL(f, "elsewhere", []string{"a"}, nil), f.srv.Token(), "", 404, "no such engine"},
		{"unknown container", logsURL(f, "local", []string{"a", "b"}, nil), f.srv.Token(), "", 404, "no such container"},
		{"no token", logsURL(f, "local", []string{"a"}, nil), "", "", 401, "token"},
		{"wrong token", logsURL(f, "local", []string{"a"}, nil), "x" + f.srv.Token(), "", 401, "token"},
		{"foreign origin", logsURL(f, "local", []string{"a"}, nil), f.srv.Token(), "https://evil.example", 403, "origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, resp, err := protocoltest.DialLogs(ctx, tt.url, tt.token, &protocoltest.LogsOptions{DialOptions: protocoltest.DialOptions{Origin: tt.origin}})
			if err == nil {
				c.Close()
				t.Fatal("the socket opened")
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("response %v (%v), want %d", resp, err, tt.status)
			}
			body, _ := io.ReadAll(resp.Body)
			if !strings.Contains(string(body), tt.says) {
				t.Fatalf("body %s does not say %q", body, tt.says)
			}
		})
	}
	select {
	case ff := <-src.follows:
		t.Fatalf("a refused socket started a follow of %v", ff.ids)
	default:
	}
}

func TestLogsSocketNotAvailable(t *testing.T) {
	f := start(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := protocoltest.DialLogs(ctx, logsURL(f, "local", []string{"a"}, nil), f.srv.Token(), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusNotImplemented {
		t.Fatalf("response %v (%v), want 501", resp, err)
	}
}

// TestLogsSocketClosesOnClientMessage: the client sends nothing; anything
// it sends closes the socket with 1008, and its follow ends.
func TestLogsSocketClosesOnClientMessage(t *testing.T) {
	src := newFakeLogs("a")
	f := start(t, Config{Logs: src})
	c := dialLogs(t, f, []string{"a"}, nil, nil)
	ff := src.follow(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Conn().Write(ctx, websocket.MessageText, []byte(`{"v":2,"type":"view","seq":0,"data":{"containers":[]}}`)); err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	var ce websocket.CloseError
	if !errors.As(c.Err(), &ce) || ce.Code != websocket.StatusPolicyViolation || !strings.Contains(ce.Reason, "clients send nothing") {
		t.Fatalf("the socket ended with %v, want 1008", c.Err())
	}
	select {
	case <-ff.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the follow did not end with the socket")
	}
}

// TestLogsSocketCap: at most MaxLogConns logs sockets; past them a 503,
// while /ws, counted apart, still opens.
func TestLogsSocketCap(t *testing.T) {
	src := newFakeLogs("a")
	f := start(t, Config{Logs: src, MaxLogConns: 3, MaxConns: 1})
	for range 3 {
		dialLogs(t, f, []string{"a"}, nil, nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := protocoltest.DialLogs(ctx, logsURL(f, "local", []string{"a"}, nil), f.srv.Token(), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a fourth logs socket: %v (%v), want 503", resp, err)
	}
	ws, _, err := dial(t, f, "")
	if err != nil {
		t.Fatalf("/ws beside three logs sockets: %v", err)
	}
	ws.CloseNow()
}

// TestLogsSocketShutdown: the server's shutdown closes a logs socket,
// going away, and waits for it.
func TestLogsSocketShutdown(t *testing.T) {
	src := newFakeLogs("a")
	h := hub.New()
	st := store.New(h, store.Config{}, zap.NewNop())
	srv, err := New(Config{Logs: src}, st, h, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	c := dialLogs(t, &fixture{srv: srv, store: st}, []string{"a"}, nil, nil)
	ff := src.follow(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	var ce websocket.CloseError
	if !errors.As(c.Err(), &ce) || ce.Code != websocket.StatusGoingAway {
		t.Fatalf("the socket ended with %v, want going away", c.Err())
	}
	<-ff.done
}

// TestLogsSocketFollowError: a follow that fails ends the socket with the
// reason, not as a normal end.
func TestLogsSocketFollowError(t *testing.T) {
	src := newFakeLogs("a")
	f := start(t, Config{Logs: src})
	c := dialLogs(t, f, []string{"a"}, nil, nil)
	src.follow(t).end <- fmt.Errorf("inspect a: %w", model.ErrUnavailable)
	<-c.Done()
	var ce websocket.CloseError
	if !errors.As(c.Err(), &ce) || ce.Code != websocket.StatusInternalError || !strings.Contains(ce.Reason, "follow logs: inspect a") {
		t.Fatalf("the socket ended with %v, want 1011 with the reason", c.Err())
	}
}

// TestLogsSocketClientLeavesMidFlood: a client that closes its logs
// socket while the server is writing a flood to it has left, and is logged
// so (at debug), never as a connection that failed. The writer usually
// finds the connection closed under it before the read loop has reported
// the client's close frame, so each round is a fresh try at that race.
func TestLogsSocketClientLeavesMidFlood(t *testing.T) {
	for round := range 20 {
		core, logged := observer.New(zap.InfoLevel)
		src := newFakeLogs("a")
		f := startLogged(t, Config{Logs: src}, zap.New(core))
		c := dialLogs(t, f, []string{"a"}, nil, nil)
		ff := src.follow(t)
		flooded := make(chan struct{})
		go func() {
			defer close(flooded)
			for n := 1; ff.ctx.Err() == nil; n += 100 {
				ff.emit(testLines("a", n, n+99))
			}
		}()
		waitLogs(t, c, 5*time.Second, "a flood under way", func() bool { return c.LineCount() > 1000 })
		logged.TakeAll() // the server's start
		if err := c.Conn().Close(websocket.StatusGoingAway, "tab closed"); err != nil {
			t.Logf("round %d: close: %v", round, err)
		}
		<-flooded
		waitFor(t, 5*time.Second, "the socket uncounted", func() bool { return f.srv.LogConnections() == 0 })
		for _, e := range logged.TakeAll() {
			t.Errorf("round %d: logged %q %v after the client left", round, e.Message, e.ContextMap())
		}
		if t.Failed() {
			return
		}
	}
}

// TestLogsWriterFillsMessagesDuringAFlood: while lines keep coming, the
// writer lets each message fill for fillWait rather than send every read
// of the engine on its own; a line after a quiet spell goes out at once.
func TestLogsWriterFillsMessagesDuringAFlood(t *testing.T) {
	src := newFakeLogs("a")
	f := start(t, Config{Logs: src})
	c := dialLogs(t, f, []string{"a"}, nil, nil)
	ff := src.follow(t)
	const n = 400
	for i := 1; i <= n; i++ {
		ff.emit([]logs.Line{testLine("a", i)})
		time.Sleep(time.Millisecond)
	}
	waitLogs(t, c, 5*time.Second, "every line", func() bool { return c.LineCount() == n })
	messages := 0
	for i, l := range c.Lines() {
		if lineNumber(l) != i+1 {
			t.Fatalf("line %d is %d: out of order", i+1, lineNumber(l))
		}
	}
	for _, it := range c.Items() {
		if it.Lines != nil {
			messages++
		}
	}
	// A line a millisecond (more on a busy machine), a message at most
	// every fillWait: a small part as many messages as lines (25 to 60
	// seen); one a line without the wait.
	t.Logf("%d lines in %d messages", n, messages)
	if messages > n/2 {
		t.Fatalf("%d lines went in %d messages: the writer did not wait for them to fill", n, messages)
	}

	// After a quiet spell a line goes at once, not fillWait later.
	time.Sleep(5 * floodGap)
	sent := time.Now()
	ff.emit([]logs.Line{testLine("a", n+1)})
	waitLogs(t, c, 5*time.Second, "the line after the quiet spell", func() bool { return c.LineCount() == n+1 })
	items := c.Items()
	last := items[len(items)-1]
	if len(last.Lines) != 1 || lineNumber(last.Lines[0]) != n+1 {
		t.Fatalf("the line after the quiet spell came as %+v", last)
	}
	t.Logf("the line after the quiet spell reached the client %v after it was emitted", last.At.Sub(sent))
}

// TestLogsFloodSlowReader is the flow control: during a flood, a client
// that stops reading is told exactly which lines it skipped (count, first
// and last time), before that container's next lines; another client of
// the same container gets every line; a /ws client's sequence stays
// unbroken and its deltas keep arriving on time.
func TestLogsFloodSlowReader(t *testing.T) {
	src := newFakeLogs("a")
	// Long timeouts: the stalled client must stay connected, stuck.
	f := start(t, Config{Logs: src, LogQueueLines: 1000, WriteTimeout: time.Minute, Heartbeat: time.Minute})
	ws := newHealthyClient(t, &attackFixture{srv: f.srv, store: f.store})

	slow := dialLogs(t, f, []string{"a"}, nil, &protocoltest.LogsOptions{Paused: true})
	slowFollow := src.follow(t)
	fast := dialLogs(t, f, []string{"a"}, nil, nil)
	fastFollow := src.follow(t)

	// Lines of 1 KiB, far more than the kernel's socket buffers take on
	// the stalled client's behalf, at the pace the reading client keeps up
	// with (never more than half its queue ahead of it); an event every 8
	// batches meanwhile.
	const total, batch = 24000, 60
	text := strings.Repeat("x", 1000)
	published := 0
	for n := 0; n < total; n += batch {
		waitLogs(t, fast, 30*time.Second, "the reading client keeps up", func() bool { return fast.LineCount() >= n-500 })
		lines := make([]logs.Line, batch)
		for i := range lines {
			lines[i] = testLine("a", n+i)
			lines[i].Text = text
		}
		slowFollow.emit(lines)
		fastFollow.emit(lines)
		if n%(batch*8) == 0 {
			f.store.RecordEvent(model.Event{Engine: "local", Type: "container", Action: "start", ActorID: "pub", TimeNano: time.Now().UnixNano()})
			published++
		}
	}
	waitLogs(t, fast, 30*time.Second, "the reading client gets every line", func() bool { return fast.LineCount() == total })
	slow.Resume()

	// The stalled client: lines and notices cover 0..total-1 exactly once,
	// in order, each notice exact.
	var skipped, notices int
	waitLogs(t, slow, 30*time.Second, "the stalled client accounts for every line", func() bool {
		skipped, notices = 0, 0
		n := 0
		for _, it := range slow.Items() {
			for _, l := range it.Lines {
				if lineNumber(l) != n {
					t.Fatalf("line %d after %d", lineNumber(l), n-1)
				}
				n++
			}
			if s := it.Skipped; s != nil {
				if timeNumber(s.From) != n || timeNumber(s.To) != n+s.Count-1 || s.ID != "a" || s.Engine != "local" {
					t.Fatalf("notice %+v after line %d", *s, n-1)
				}
				n += s.Count
				skipped += s.Count
				notices++
			}
		}
		return n == total
	})
	if notices == 0 {
		t.Fatal("the stalled client skipped nothing: the flood did not fill its queue")
	}
	t.Logf("stalled client: %d lines skipped in %d notices, %d received", skipped, notices, slow.LineCount())
	for _, it := range fast.Items() {
		if it.Skipped != nil {
			t.Fatalf("the reading client was told it skipped lines: %+v", *it.Skipped)
		}
	}

	// The /ws client: unbroken (it checks every seq), every delta on time.
	waitFor(t, 10*time.Second, "every delta at the /ws client", func() bool { return len(ws.Events()) == published })
	if err := ws.Err(); err != nil {
		t.Fatalf("/ws client: %v", err)
	}
	var worst time.Duration
	for _, ev := range ws.Events() {
		worst = max(worst, ev.At.Sub(time.Unix(0, ev.TimeNano)))
	}
	t.Logf("/ws client: %d events during the flood, the slowest %v after its publish", published, worst)
	if worst > time.Second {
		t.Errorf("a /ws delta took %v to arrive during the flood", worst)
	}
}

// TestLogsPollingRoute: the parameters reach the source as a logs.Query,
// bad ones are a 400 naming them, and the page is the answer.
func TestLogsPollingRoute(t *testing.T) {
	src := newFakeLogs("a")
	src.page = logs.Page{Lines: testLines("a", 1, 2), Cursor: "c2", More: true}
	f := start(t, Config{Logs: src})
	get := func(path string) (int, string) {
		t.Helper()
		return call(t, f.srv, http.MethodGet, path, f.srv.Token())
	}
	base := "/api/engines/local/containers/a/logs"
	good := []struct {
		query string
		want  logs.Query
	}{
		{"", logs.Query{Tail: logs.DefaultTail}},
		{"?tail=7", logs.Query{Tail: 7}},
		{"?tail=7&until=2026-12-02T06:43:20Z", logs.Query{Tail: 7, Until: "2026-12-02T06:43:20.000000000Z"}},
		{"?since=2026-12-02T06:43:20Z", logs.Query{Since: "2026-12-02T06:43:20.000000000Z", Limit: logs.DefaultLimit}},
		{"?since=2026-12-02T06:43:20Z&until=2026-12-02T06:43:21.5Z&limit=10", logs.Query{Since: "2026-12-02T06:43:20.000000000Z", Until: "2026-12-02T06:43:21.500000000Z", Limit: 10}},
		{"?cursor=c1", logs.Query{Cursor: "c1", Limit: logs.DefaultLimit}},
		{"?cursor=c1&until=2026-12-02T06:43:21Z&limit=5", logs.Query{Cursor: "c1", Until: "2026-12-02T06:43:21.000000000Z", Limit: 5}},
	}
	for _, g := range good {
		status, body := get(base + g.query)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", g.query, status, body)
		}
		var page logs.Page
		if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Lines) != 2 || page.Cursor != "c2" || !page.More {
			t.Fatalf("%s: page %s (%v)", g.query, body, err)
		}
		src.mu.Lock()
		q := src.queries[len(src.queries)-1]
		src.mu.Unlock()
		if q != g.want {
			t.Errorf("%s: query %+v, want %+v", g.query, q, g.want)
		}
	}
	bad := []struct{ query, names string }{
		{"?tail=0", "tail"},
		{"?tail=-1", "tail"},
		{"?tail=10001", "tail"},
		{"?tail=5&since=2026-12-02T06:43:20Z", "tail"},
		{"?tail=5&cursor=c", "tail"},
		{"?since=x", "since"},
		{"?since=2026-12-02T06:43:20Z&until=x", "until"},
		{"?since=2026-12-02T06:43:20Z&until=2026-12-02T06:43:19Z", "until"},
		{"?limit=5", "limit"},
		{"?since=2026-12-02T06:43:20Z&limit=0", "limit"},
		{"?since=2026-12-02T06:43:20Z&limit=10001", "limit"},
		{"?since=2026-12-02T06:43:20Z&cursor=c", "since and cursor"},
		{"?cursor=", "cursor"},
	}
	for _, b := range bad {
		status, body := get(base + b.query)
		var e struct{ Error string }
		if status != http.StatusBadRequest || json.Unmarshal([]byte(body), &e) != nil || !strings.HasPrefix(e.Error, b.names) {
			t.Errorf("%s: %d %s, want 400 naming %s", b.query, status, body, b.names)
		}
	}
	for _, path := range []string{"/api/engines/local/containers/b/logs", "/api/engines/elsewhere/containers/a/logs"} {
		if status, body := get(path); status != http.StatusNotFound || !strings.Contains(body, "no such") {
			t.Errorf("%s: %d %s, want 404", path, status, body)
		}
	}
}

func TestLastWordsRoute(t *testing.T) {
	src := newFakeLogs("a")
	src.lastWords["gone"] = logs.LastWords{Engine: "local", ID: "gone", Name: "job-1", ExitCode: 1, ExitCause: model.ExitUnasked, FinishedAt: 1796193826742, Lines: testLines("gone", 1, 2), Removed: true}
	f := start(t, Config{Logs: src})
	for _, tt := range []struct {
		path   string
		status int
		says   string
	}{
		{"/api/engines/local/containers/gone/lastwords", 200, `"name":"job-1","exitCode":1,"exitCause":"unasked","finishedAt":1796193826742,"lines":[{"engine":"local","id":"gone","time":"2026-12-02T06:43:20.000000001Z"`},
		{"/api/engines/local/containers/a/lastwords", 404, "no last words"},
		{"/api/engines/elsewhere/containers/gone/lastwords", 404, "no last words"},
	} {
		status, body := call(t, f.srv, http.MethodGet, tt.path, f.srv.Token())
		if status != tt.status || !strings.Contains(body, tt.says) {
			t.Errorf("%s: %d %s, want %d saying %s", tt.path, status, body, tt.status, tt.says)
		}
	}
}
