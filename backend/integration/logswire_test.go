package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
)

// openLogs opens a logs socket on the service for containers of its
// engine.
func openLogs(t *testing.T, svc *service.Service, ids []string, params url.Values, opts *protocoltest.LogsOptions) *protocoltest.LogsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	c, _, err := protocoltest.DialLogs(ctx, protocoltest.LogsURL(svc.Server.WebSocketURL(), service.EngineName, ids, params), svc.Server.Token(), opts)
	if err != nil {
		t.Fatalf("open logs socket: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func waitLogsClient(t *testing.T, c *protocoltest.LogsClient, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if err := c.Wait(within, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// numbered reads the number a test container's line starts with ("17 …"),
// -1 for another line.
func numbered(l logs.Line) int {
	word, _, _ := strings.Cut(l.Text, " ")
	n, err := strconv.Atoi(word)
	if err != nil {
		return -1
	}
	return n
}

// pageAll follows the polling route from q to its end (more:false), cursor
// by cursor.
func pageAll(t *testing.T, svc *service.Service, id string, q url.Values) []logs.Line {
	t.Helper()
	var out []logs.Line
	for range 1000 {
		var p logs.Page
		get(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/logs?"+q.Encode(), &p)
		out = append(out, p.Lines...)
		if !p.More {
			return out
		}
		if p.Cursor == "" {
			t.Fatalf("more lines, and no cursor to go on from")
		}
		next := url.Values{"cursor": {p.Cursor}}
		if u := q.Get("until"); u != "" {
			next.Set("until", u)
		}
		if l := q.Get("limit"); l != "" {
			next.Set("limit", l)
		}
		q = next
	}
	t.Fatal("the pages never ended")
	return nil
}

// TestLogsWireLineArrives: a line the container writes while a client
// follows arrives over /ws/logs, within moments of its engine time, and
// the socket says it follows a running container by its name.
func TestLogsWireLineArrives(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	id := runLogging(t, e, `i=0; while :; do echo "$i tick"; i=$((i+1)); sleep 0.1; done`, nil)
	c := openLogs(t, svc, []string{id}, url.Values{"tail": {"0"}}, nil)
	h := c.Hello()
	if len(h.Containers) != 1 || h.Containers[0].ID != id || h.Containers[0].Name != "dp-logs-testlogswirelinearrives" || h.Containers[0].TTY || h.MaxLineBytes != logs.MaxLineBytes {
		t.Fatalf("hello %+v", h)
	}
	opened := time.Now()
	waitLogsClient(t, c, 20*time.Second, "five lines", func() bool { return c.LineCount() >= 5 })
	var following bool
	for _, it := range c.Items() {
		if it.State != nil && it.State.State == logs.Following && it.State.ID == id {
			following = true
		}
		for _, l := range it.Lines {
			at, err := time.Parse(time.RFC3339Nano, l.Time)
			if err != nil {
				t.Fatalf("line time %q: %v", l.Time, err)
			}
			// tail=0: nothing written before the socket opened.
			if at.Before(opened.Add(-time.Second)) {
				t.Errorf("line %q of %s, before the socket opened at %s", l.Text, l.Time, opened.UTC().Format(time.RFC3339Nano))
			}
			if d := it.At.Sub(at); d > 2*time.Second {
				t.Errorf("line %q arrived %v after it was written", l.Text, d)
			}
			if l.Engine != service.EngineName || l.ID != id || l.Stream != logs.Stdout || numbered(l) < 0 {
				t.Errorf("line %+v", l)
			}
		}
	}
	if !following {
		t.Errorf("no logs.state following among %d messages", len(c.Items()))
	}
}

// TestLogsWireProjectMerge: one socket for two containers, as for a
// compose project: every line of both, each batch in time order.
func TestLogsWireProjectMerge(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	script := func(who string) string {
		return fmt.Sprintf(`i=0; while [ $i -lt 40 ]; do echo "$i %s"; i=$((i+1)); sleep 0.02; done; sleep 1000`, who)
	}
	t0 := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	a := runWith(t, e, "dp-logs-merge-a", []string{"sh", "-c", script("a")}, func(*container.Config, *container.HostConfig) {})
	b := runWith(t, e, "dp-logs-merge-b", []string{"sh", "-c", script("b")}, func(*container.Config, *container.HostConfig) {})
	c := openLogs(t, svc, []string{a, b}, url.Values{"since": {t0}}, nil)
	if h := c.Hello(); len(h.Containers) != 2 || h.Containers[0].Name != "dp-logs-merge-a" || h.Containers[1].Name != "dp-logs-merge-b" {
		t.Fatalf("hello %+v", h)
	}
	waitLogsClient(t, c, 30*time.Second, "80 lines", func() bool { return c.LineCount() >= 80 })
	next := map[string]int{a: 0, b: 0}
	for _, it := range c.Items() {
		for i, l := range it.Lines {
			if i > 0 && l.Time < it.Lines[i-1].Time {
				t.Errorf("batch %d: %s at %s after %s", it.Seq, l.Text, l.Time, it.Lines[i-1].Time)
			}
			if numbered(l) != next[l.ID] {
				t.Errorf("line %q of %s, want number %d", l.Text, l.ID[:12], next[l.ID])
			}
			next[l.ID] = numbered(l) + 1
		}
	}
	if next[a] != 40 || next[b] != 40 {
		t.Fatalf("lines up to %d of a and %d of b, want 40 each", next[a], next[b])
	}
	// The two interleave: the merge is in time, not one container after
	// the other.
	lines := c.Lines()
	switches := 0
	for i := 1; i < len(lines); i++ {
		if lines[i].ID != lines[i-1].ID {
			switches++
		}
	}
	if switches < 10 {
		t.Errorf("the two containers' lines alternate only %d times: not merged in time", switches)
	}
}

// TestLogsWireFlood: a container writes fast while one client follows and
// another stops reading. The one that stopped is told, per gap, how many
// lines it skipped and their first and last times, and fetching each gap
// from the polling route (since=from&until=to) gives exactly the lines it
// misses; the reading client gets every line; a /ws client's sequence
// stays unbroken and its events keep arriving.
func TestLogsWireFlood(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	// Long timeouts: the stalled client must stay connected through the
	// flood, stuck, rather than be closed for it.
	svc := startService(t, e, service.Config{Server: server.Config{WriteTimeout: 2 * time.Minute, Heartbeat: 2 * time.Minute}})
	ws := connect(t, svc)
	const total = 8000
	// Lines of 4 KB: 32 MB, far more than the kernel's socket buffers and
	// the socket's queue take on the stalled client's behalf, at 8 MB a
	// second (100 lines every 50 ms), which the reading client keeps up
	// with; under the race detector, which slows it several times over, at
	// 2 MB a second.
	pause := "0.05"
	if raceDetector {
		pause = "0.2"
	}
	id := runLogging(t, e, fmt.Sprintf(`p=$(printf '%%04000d' 0); sleep 2; i=0; while [ $i -lt %d ]; do echo "$i $p"; i=$((i+1)); [ $((i %% 100)) -eq 0 ] && sleep %s; done; sleep 1000`, total, pause), nil)
	since := url.Values{"since": {time.Now().UTC().Add(-time.Minute).Format(time.RFC3339Nano)}}
	slow := openLogs(t, svc, []string{id}, since, &protocoltest.LogsOptions{Paused: true})
	fast := openLogs(t, svc, []string{id}, since, nil)
	pinger := runWith(t, e, "dp-logs-flood-pinger", []string{"sleep", "1000"}, func(*container.Config, *container.HostConfig) {})

	// Events on another container meanwhile: each must reach the /ws client.
	seen := countEvents(t, cli, pinger, "pause", "unpause")
	flips := 0
	deadline := time.Now().Add(2 * time.Minute)
	for fast.LineCount() < total && time.Now().Before(deadline) {
		if err := cli.ContainerPause(t.Context(), pinger); err != nil {
			t.Fatal(err)
		}
		if err := cli.ContainerUnpause(t.Context(), pinger); err != nil {
			t.Fatal(err)
		}
		flips++
		time.Sleep(100 * time.Millisecond)
	}
	if err := fast.Wait(10*time.Second, func() bool { return fast.LineCount() == total }); err != nil {
		var notices []protocol.LogsSkipped
		for _, it := range fast.Items() {
			if it.Skipped != nil {
				notices = append(notices, *it.Skipped)
			}
		}
		t.Fatalf("the reading client has %d lines of %d (%v), notices %+v", fast.LineCount(), total, err, notices)
	}
	for i, l := range fast.Lines() {
		if numbered(l) != i {
			t.Fatalf("the reading client's line %d is %q", i, l.Text[:min(20, len(l.Text))])
		}
	}
	for _, it := range fast.Items() {
		if it.Skipped != nil {
			t.Fatalf("the reading client was told it skipped %+v", *it.Skipped)
		}
	}
	t.Logf("flood: %d lines in %d pause/unpause pairs", total, flips)

	slow.Resume()
	var notices []protocol.LogsSkipped
	var after []int // the number of the line received after each notice (-1: none yet)
	waitLogsClient(t, slow, time.Minute, "the stalled client accounts for every line", func() bool {
		notices, after = nil, nil
		n := 0
		for _, it := range slow.Items() {
			for _, l := range it.Lines {
				if len(after) > 0 && after[len(after)-1] < 0 {
					after[len(after)-1] = numbered(l)
				}
				if numbered(l) != n {
					t.Fatalf("stalled client: line %d after %d, with %d notices", numbered(l), n-1, len(notices))
				}
				n++
			}
			if it.Skipped != nil {
				notices = append(notices, *it.Skipped)
				after = append(after, -1)
				n += it.Skipped.Count
			}
		}
		return n == total
	})
	if len(notices) == 0 {
		t.Fatal("the stalled client skipped nothing: the flood did not fill its queue")
	}
	// Each gap, from the polling route, is exactly the lines missing.
	received := slow.Lines()
	skipped := 0
	for i, s := range notices {
		got := pageAll(t, svc, id, url.Values{"since": {s.From}, "until": {s.To}, "limit": {"5000"}})
		if len(got) != s.Count || got[0].Time != s.From || got[len(got)-1].Time != s.To {
			t.Fatalf("notice %+v: the route gives %d lines from %s to %s", s, len(got), got[0].Time, got[len(got)-1].Time)
		}
		first := numbered(got[0])
		for j, l := range got {
			if numbered(l) != first+j {
				t.Fatalf("notice %d: line %d of the gap is %d", i, j, numbered(l))
			}
		}
		if after[i] >= 0 && after[i] != first+s.Count {
			t.Errorf("notice %d covers %d-%d, the next line received is %d", i, first, first+s.Count-1, after[i])
		}
		skipped += s.Count
	}
	t.Logf("stalled client: %d lines received, %d skipped in %d notices", len(received), skipped, len(notices))

	// The /ws client: its sequence unbroken (it checks every seq), and
	// every pause and unpause reached it, promptly.
	want := 0
	pauses := func() int {
		got := 0
		for _, ev := range ws.Events() {
			if ev.ActorID == pinger && (ev.Action == "pause" || ev.Action == "unpause") {
				got++
			}
		}
		return got
	}
	// The engine's own count, as a direct subscriber has it, not 2 ×
	// flips: the engine does not always send exactly one event a call
	// (runs here saw a few more).
	eventually(t, 10*time.Second, "every pause and unpause the engine sent at the /ws client", func() bool {
		want = seen()
		return want > 0 && pauses() == want
	})
	if err := ws.Err(); err != nil {
		t.Fatalf("/ws client: %v", err)
	}
	var worst time.Duration
	for _, ev := range ws.Events() {
		if ev.ActorID == pinger && !ev.Backfill {
			worst = max(worst, ev.At.Sub(time.Unix(0, ev.TimeNano)))
		}
	}
	t.Logf("/ws client: the slowest of %d events (%d pause/unpause pairs asked) took %v", want, flips, worst)
	if worst > 2*time.Second {
		t.Errorf("an event took %v to reach the /ws client during the flood", worst)
	}
}

// countEvents counts, from now on, the engine's own events of the given
// actions on the container id, as a direct /events subscriber sees them.
func countEvents(t *testing.T, cli *client.Client, id string, actions ...string) func() int {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	args := filters.NewArgs(filters.Arg("container", id))
	for _, a := range actions {
		args.Add("event", a)
	}
	msgs, errs := cli.Events(ctx, events.ListOptions{Filters: args})
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-msgs:
				n.Add(1)
			case <-errs:
				return
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() int { return int(n.Load()) }
}

// TestLogsWirePollingCursor: paging from the start goes through every
// line once, and polling with the cursor alone, as the UI does while the
// socket is down, continues with no duplicate and no gap.
func TestLogsWirePollingCursor(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	id := runLogging(t, e, `i=0; while [ $i -lt 2500 ]; do echo "$i early"; i=$((i+1)); done; while :; do echo "$i late"; i=$((i+1)); sleep 0.01; done`, nil)
	eventually(t, 20*time.Second, "2600 lines written", func() bool {
		var p logs.Page
		get(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/logs?tail=1", &p)
		return len(p.Lines) == 1 && numbered(p.Lines[0]) >= 2600
	})
	all := pageAll(t, svc, id, url.Values{"since": {"1970-01-01T00:00:00Z"}, "limit": {"1000"}})
	if len(all) < 2600 {
		t.Fatalf("paged %d lines, want at least 2600", len(all))
	}
	for i, l := range all {
		if numbered(l) != i {
			t.Fatalf("paged line %d is %q", i, l.Text)
		}
	}

	var p logs.Page
	get(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/logs?tail=10", &p)
	if len(p.Lines) != 10 || p.Cursor == "" {
		t.Fatalf("tail=10: %d lines, cursor %q", len(p.Lines), p.Cursor)
	}
	next := numbered(p.Lines[9]) + 1
	cursor := p.Cursor
	polled := 0
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		var q logs.Page
		get(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/logs?cursor="+url.QueryEscape(cursor), &q)
		for _, l := range q.Lines {
			if numbered(l) != next {
				t.Fatalf("polled line %q, want number %d", l.Text, next)
			}
			next++
			polled++
		}
		if q.Cursor != "" {
			cursor = q.Cursor
		}
	}
	if polled < 20 {
		t.Fatalf("polling with the cursor brought %d lines in 2 s of a line every 10 ms", polled)
	}
}

// TestLogsWireRefusals: /ws/logs refuses what /ws refuses (no token, a
// foreign Origin), a container the engine does not have, and an ID that
// is not the full one; the polling routes say 404 for what is not there.
func TestLogsWireRefusals(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{})
	id := runLogging(t, e, `echo "0 bye"; exit 3`, nil)
	for _, tt := range []struct {
		name   string
		ids    []string
		token  string
		origin string
		status int
	}{
		{"no token", []string{id}, "", "", http.StatusUnauthorized},
		{"wrong token", []string{id}, "not-the-token", "", http.StatusUnauthorized},
		{"foreign origin", []string{id}, svc.Server.Token(), "https://evil.example", http.StatusForbidden},
		{"no such container", []string{strings.Repeat("0", 64)}, svc.Server.Token(), "", http.StatusNotFound},
		{"short ID", []string{id[:12]}, svc.Server.Token(), "", http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			u := protocoltest.LogsURL(svc.Server.WebSocketURL(), service.EngineName, tt.ids, nil)
			c, resp, err := protocoltest.DialLogs(ctx, u, tt.token, &protocoltest.LogsOptions{DialOptions: protocoltest.DialOptions{Origin: tt.origin}})
			if err == nil {
				c.Close()
				t.Fatal("the socket opened")
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("%v (%v), want %d", resp, err, tt.status)
			}
		})
	}
	for _, path := range []string{
		"/api/engines/" + service.EngineName + "/containers/" + strings.Repeat("0", 64) + "/logs",
		"/api/engines/dp-no-such-engine/containers/" + id + "/logs",
		"/api/engines/" + service.EngineName + "/containers/" + strings.Repeat("0", 64) + "/lastwords",
	} {
		resp := call(t, svc, http.MethodGet, path)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	// The container died: its last words are there, through the route.
	var lw logs.LastWords
	eventually(t, 20*time.Second, "last words kept", func() bool {
		resp := call(t, svc, http.MethodGet, "/api/engines/"+service.EngineName+"/containers/"+id+"/lastwords")
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	get(t, svc, "/api/engines/"+service.EngineName+"/containers/"+id+"/lastwords", &lw)
	if lw.ID != id || lw.ExitCode != 3 || len(lw.Lines) != 1 || lw.Lines[0].Text != "0 bye" {
		t.Errorf("last words %+v", lw)
	}
}
