package integration

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/service"
)

// logReader is a logs.Reader of the test engine on a client of its own,
// which the test closes before it counts goroutines.
func logReader(t *testing.T, e *enginetest.Engine) (*logs.Reader, *client.Client) {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.WithHost(e.Host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return logs.NewReader(service.EngineName, cli, zaptest.NewLogger(t)), cli
}

// runLogging runs a test container whose shell script writes the log.
func runLogging(t *testing.T, e *enginetest.Engine, script string, adjust func(*container.Config, *container.HostConfig)) string {
	t.Helper()
	name := "dp-logs-" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	return runWith(t, e, name, []string{"sh", "-c", script}, func(c *container.Config, h *container.HostConfig) {
		if adjust != nil {
			adjust(c, h)
		}
	})
}

// waitExited waits until the container has exited.
func waitExited(t *testing.T, cli *client.Client, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	okc, errc := cli.ContainerWait(ctx, id, container.WaitConditionNotRunning)
	select {
	case <-okc:
	case err := <-errc:
		t.Fatalf("wait for %s to exit: %v", id[:12], err)
	}
}

// allLines is the whole log as Page gives it, page by page from the start.
func allLines(t *testing.T, r *logs.Reader, id string) []logs.Line {
	t.Helper()
	var out []logs.Line
	q := logs.Query{Since: "1970-01-01T00:00:00Z", Limit: logs.MaxLimit}
	for {
		p, err := r.Page(t.Context(), id, q)
		if err != nil {
			t.Fatalf("page %+v: %v", q, err)
		}
		out = append(out, p.Lines...)
		if !p.More {
			return out
		}
		q = logs.Query{Cursor: p.Cursor, Limit: logs.MaxLimit}
	}
}

// engineLog is the container's log as the engine's own stdcopy splits it,
// "TIME STREAM TEXT" a line, in time order: the reference for logs of
// short lines.
func engineLog(t *testing.T, cli *client.Client, id string) []string {
	t.Helper()
	body, err := cli.ContainerLogs(t.Context(), id, container.LogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true})
	if err != nil {
		t.Fatalf("docker logs: %v", err)
	}
	defer body.Close()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, body); err != nil {
		t.Fatalf("docker logs: %v", err)
	}
	var out []string
	for stream, b := range map[string]*bytes.Buffer{logs.Stdout: &stdout, logs.Stderr: &stderr} {
		sc := bufio.NewScanner(b)
		for sc.Scan() {
			ts, text, _ := strings.Cut(sc.Text(), " ")
			out = append(out, ts+" "+stream+" "+text)
		}
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func lineKeys(lines []logs.Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Time + " " + l.Stream + " " + l.Text
	}
	return out
}

func texts(lines []logs.Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Stream + ":" + l.Text
	}
	return out
}

// checkTimes checks that every time is in the wire's layout and the lines
// in time order.
func checkTimes(t *testing.T, lines []logs.Line) {
	t.Helper()
	for i, l := range lines {
		if _, err := time.Parse("2006-01-02T15:04:05.000000000Z", l.Time); err != nil || len(l.Time) != 30 {
			t.Errorf("line %d: time %q is not RFC 3339 UTC with 9 digits", i, l.Time)
		}
		if i > 0 && l.Time < lines[i-1].Time {
			t.Errorf("line %d at %s comes after one at %s", i, l.Time, lines[i-1].Time)
		}
		if l.Engine != service.EngineName || len(l.ID) != 64 {
			t.Errorf("line %d: engine %q id %q", i, l.Engine, l.ID)
		}
	}
}

func TestLogsStdoutAndStderr(t *testing.T) {
	e := enginetest.Require(t)
	r, cli := logReader(t, e)
	// Each stream's lines keep their order; across streams the engine's
	// copiers stamp each their own, so only lines written apart in time
	// have a sure order.
	id := runLogging(t, e, `echo out1; echo err1 >&2; echo out2; sleep 0.1; echo err2 >&2; sleep 0.1; echo out3`, nil)
	waitExited(t, cli, id)
	p, err := r.Page(t.Context(), id, logs.Query{})
	if err != nil {
		t.Fatal(err)
	}
	checkTimes(t, p.Lines)
	got := texts(p.Lines)
	var outs, errs []string
	for _, s := range got {
		if strings.HasPrefix(s, "stdout:") {
			outs = append(outs, s)
		} else {
			errs = append(errs, s)
		}
	}
	if want := []string{"stdout:out1", "stdout:out2", "stdout:out3"}; !slices.Equal(outs, want) {
		t.Errorf("stdout %q, want %q", outs, want)
	}
	if want := []string{"stderr:err1", "stderr:err2"}; !slices.Equal(errs, want) {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	// err2 came 0.1 s after out1, out2 and err1, and 0.1 s before out3.
	if i := slices.Index(got, "stderr:err2"); i != 3 || got[4] != "stdout:out3" {
		t.Errorf("order %q: want err2 fourth, out3 last", got)
	}
	if got := lineKeys(p.Lines); !slices.Equal(sorted(got), engineLog(t, cli, id)) {
		t.Errorf("lines %q, the engine's %q", lineKeys(p.Lines), engineLog(t, cli, id))
	}
}

func TestLogsTTY(t *testing.T) {
	e := enginetest.Require(t)
	r, cli := logReader(t, e)
	// A TTY stream has no frames: a line Docker cut into 16 KiB partial
	// messages has their timestamps inside it.
	id := runLogging(t, e, `echo one; echo two >&2; printf 'three\r\n'; head -c 40000 /dev/zero | tr '\0' y; echo; printf 'no newline'`,
		func(c *container.Config, _ *container.HostConfig) { c.Tty = true })
	waitExited(t, cli, id)
	p, err := r.Page(t.Context(), id, logs.Query{})
	if err != nil {
		t.Fatal(err)
	}
	checkTimes(t, p.Lines)
	long := "stdout:" + strings.Repeat("y", 40000)
	if got, want := texts(p.Lines), []string{"stdout:one", "stdout:two", "stdout:three", long, "stdout:no newline"}; !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	if n := len(p.Lines); n == 0 || !p.Lines[n-1].Partial {
		t.Errorf("the last line without a newline is not partial: %+v", p.Lines)
	}
}

func TestLogsNoTrailingNewline(t *testing.T) {
	e := enginetest.Require(t)
	r, cli := logReader(t, e)
	id := runLogging(t, e, `echo first; printf 'last words'`, nil)
	waitExited(t, cli, id)
	p, err := r.Page(t.Context(), id, logs.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 2 || p.Lines[1].Text != "last words" || !p.Lines[1].Partial || p.Lines[0].Partial {
		t.Fatalf("lines %+v: want first, then partial \"last words\"", p.Lines)
	}
	// The container stopped: the partial line is final, the cursor passes it.
	after, err := r.Page(t.Context(), id, logs.Query{Cursor: p.Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Lines) != 0 {
		t.Errorf("after the cursor %s: %+v, want nothing", p.Cursor, after.Lines)
	}
	// A follow sends it too, then says stopped.
	got, states := followUntil(t, r, []string{id}, logs.Query{}, func(lines []logs.Line, states []logs.State) bool {
		return len(states) > 0 && states[len(states)-1].State == logs.Stopped
	})
	if len(got) != 2 || got[1].Text != "last words" {
		t.Errorf("followed %+v (states %+v)", got, states)
	}
}

func TestLogsLongLine(t *testing.T) {
	e := enginetest.Require(t)
	r, cli := logReader(t, e)
	id := runLogging(t, e, `echo before; head -c 1048576 /dev/zero | tr '\0' x; echo; echo after`, nil)
	waitExited(t, cli, id)
	p, err := r.Page(t.Context(), id, logs.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 3 {
		t.Fatalf("%d lines, want 3: %s", len(p.Lines), texts(p.Lines)[0])
	}
	long := p.Lines[1]
	if long.Text != strings.Repeat("x", logs.MaxLineBytes) || long.Cut != 1<<20-logs.MaxLineBytes {
		t.Errorf("the 1 MiB line: %d bytes kept, %d cut; want %d and %d", len(long.Text), long.Cut, logs.MaxLineBytes, 1<<20-logs.MaxLineBytes)
	}
	if p.Lines[0].Text != "before" || p.Lines[2].Text != "after" {
		t.Errorf("around it: %q, %q", p.Lines[0].Text, p.Lines[2].Text)
	}
	got, _ := followUntil(t, r, []string{id}, logs.Query{}, func(lines []logs.Line, _ []logs.State) bool { return len(lines) >= 3 })
	if got[1].Cut != long.Cut || got[2].Text != "after" {
		t.Errorf("followed: cut %d, then %q", got[1].Cut, got[2].Text)
	}
}

func TestLogsInvalidUTF8AndHTML(t *testing.T) {
	e := enginetest.Require(t)
	r, cli := logReader(t, e)
	for _, tty := range []bool{false, true} {
		id := runLogging(t, e, `printf '\377\376bad \342\202\n'; printf '<script>alert("x")</script> &amp; \033[31mred\033[0m\n'`,
			func(c *container.Config, _ *container.HostConfig) { c.Tty = tty })
		waitExited(t, cli, id)
		p, err := r.Page(t.Context(), id, logs.Query{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"stdout:\ufffd\ufffdbad \ufffd\ufffd", "stdout:<script>alert(\"x\")</script> &amp; \x1b[31mred\x1b[0m"}
		if got := texts(p.Lines); !slices.Equal(got, want) {
			t.Errorf("tty %v: %q, want %q", tty, got, want)
		}
		if err := cli.ContainerRemove(t.Context(), id, container.RemoveOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogsTailSinceUntilCursor(t *testing.T) {
	e := enginetest.Require(t)
	r, cli := logReader(t, e)
	id := runLogging(t, e, `i=0; while [ $i -lt 40 ]; do echo "line $i"; [ $((i%3)) = 0 ] && sleep 0.005 && echo "err $i" >&2 && sleep 0.005; i=$((i+1)); done`, nil)
	waitExited(t, cli, id)
	all := allLines(t, r, id)
	if want := engineLog(t, cli, id); !slices.Equal(sorted(lineKeys(all)), want) {
		t.Fatalf("all lines %q, the engine's %q", lineKeys(all), want)
	}
	if len(all) != 54 {
		t.Fatalf("%d lines, want 54", len(all))
	}
	checkTimes(t, all)
	page := func(q logs.Query) logs.Page {
		t.Helper()
		p, err := r.Page(t.Context(), id, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		return p
	}
	if p := page(logs.Query{Tail: 5}); !slices.Equal(lineKeys(p.Lines), lineKeys(all[49:])) || p.More {
		t.Errorf("tail 5: %q", texts(p.Lines))
	}
	if p := page(logs.Query{Since: all[10].Time, Limit: 7}); !slices.Equal(lineKeys(p.Lines), lineKeys(all[10:17])) || !p.More {
		t.Errorf("since line 10, limit 7: %q more %v", texts(p.Lines), p.More)
	}
	if p := page(logs.Query{Since: all[10].Time, Until: all[20].Time}); !slices.Equal(lineKeys(p.Lines), lineKeys(all[10:21])) || p.More {
		t.Errorf("since line 10 until line 20: %q more %v", texts(p.Lines), p.More)
	}
	if p := page(logs.Query{Tail: 5, Until: all[20].Time}); !slices.Equal(lineKeys(p.Lines), lineKeys(all[16:21])) {
		t.Errorf("tail 5 until line 20: %q", texts(p.Lines))
	}
	// A tail page says whether it holds the log's start.
	for _, c := range []struct {
		tail  int
		until string
		start bool
	}{{5, "", false}, {53, "", false}, {54, "", true}, {logs.MaxTail, "", true}, {20, all[20].Time, false}, {21, all[20].Time, true}, {1, all[0].Time, true}} {
		if p := page(logs.Query{Tail: c.tail, Until: c.until}); p.Start != c.start {
			t.Errorf("tail %d until %q: %d lines, start %v, want %v", c.tail, c.until, len(p.Lines), p.Start, c.start)
		}
	}
	// A cursor walk in pages of every size gives each line once, in order.
	for limit := 1; limit <= 4; limit++ {
		var walked []logs.Line
		p := page(logs.Query{Tail: 1, Until: all[0].Time})
		walked = append(walked, p.Lines...)
		for {
			p = page(logs.Query{Cursor: p.Cursor, Limit: limit})
			walked = append(walked, p.Lines...)
			if !p.More {
				break
			}
		}
		if !slices.Equal(lineKeys(walked), lineKeys(all)) {
			t.Errorf("cursor walk by %d: %d lines, want %d", limit, len(walked), len(all))
		}
	}
	for _, q := range []logs.Query{{Tail: -1}, {Tail: logs.MaxTail + 1}, {Since: "yesterday"}, {Cursor: "nope"}, {Limit: logs.MaxLimit + 1}} {
		if _, err := r.Page(t.Context(), id, q); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%+v: %v, want an error wrapping model.ErrInvalid", q, err)
		}
	}
	if _, err := r.Page(t.Context(), "dp-no-such-container", logs.Query{}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown container: %v, want an error wrapping model.ErrNotFound", err)
	}
}

// follower collects what a Follow emits.
type follower struct {
	mu     sync.Mutex
	lines  []logs.Line
	states []logs.State
	done   chan error
	cancel context.CancelFunc
}

func startFollow(t *testing.T, r *logs.Reader, ids []string, from logs.Query) *follower {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &follower{done: make(chan error, 1), cancel: cancel}
	go func() {
		f.done <- r.Follow(ctx, ids, from, func(lines []logs.Line) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.lines = append(f.lines, lines...)
		}, func(s logs.State) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.states = append(f.states, s)
		})
	}()
	t.Cleanup(f.stop)
	return f
}

func (f *follower) stop() {
	f.cancel()
	<-f.done
	f.done <- nil
}

func (f *follower) snapshot() ([]logs.Line, []logs.State) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.lines), slices.Clone(f.states)
}

func (f *follower) waitFor(t *testing.T, within time.Duration, what string, cond func([]logs.Line, []logs.State) bool) {
	t.Helper()
	var lines []logs.Line
	var states []logs.State
	deadline := time.Now().Add(within)
	for {
		lines, states = f.snapshot()
		if cond(lines, states) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s (%d lines, states %+v)", within, what, len(lines), states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// followUntil follows until cond holds, then stops.
func followUntil(t *testing.T, r *logs.Reader, ids []string, from logs.Query, cond func([]logs.Line, []logs.State) bool) ([]logs.Line, []logs.State) {
	t.Helper()
	f := startFollow(t, r, ids, from)
	f.waitFor(t, 20*time.Second, "follow", cond)
	f.stop()
	return f.snapshot()
}

func lastState(states []logs.State, id string) string {
	for i := len(states) - 1; i >= 0; i-- {
		if states[i].ID == id {
			return states[i].State
		}
	}
	return ""
}

func countText(lines []logs.Line, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l.Text, prefix) {
			n++
		}
	}
	return n
}

// counting writes "tick N" lines until stopped.
const counting = `i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.02; done`

func TestLogsFollowRestartedAndRemoved(t *testing.T) {
	e := enginetest.Require(t)
	leaks := goleak.IgnoreCurrent()
	// Registered first, so run last: once the containers are removed and
	// every client closed.
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })
	r, cli := logReader(t, e)
	a := runLogging(t, e, counting, nil)
	b := runWith(t, e, "dp-logs-follow-b", []string{"sh", "-c", `i=0; while true; do echo "other $i" >&2; i=$((i+1)); sleep 0.03; done`}, func(*container.Config, *container.HostConfig) {})
	f := startFollow(t, r, []string{a, b}, logs.Query{})
	f.waitFor(t, 10*time.Second, "both followed", func(lines []logs.Line, states []logs.State) bool {
		return countText(lines, "tick") > 10 && countText(lines, "other") > 10
	})
	timeout := 0
	if err := cli.ContainerRestart(t.Context(), a, container.StopOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, 10*time.Second, "a stopped and followed again", func(lines []logs.Line, states []logs.State) bool {
		n := 0
		for _, l := range lines {
			if l.ID == a && l.Text == "tick 0" {
				n++
			}
		}
		return n == 2 && countText(lines[len(lines)-20:], "tick") > 0
	})
	if err := cli.ContainerRemove(t.Context(), b, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, 10*time.Second, "b removed", func(_ []logs.Line, states []logs.State) bool { return lastState(states, b) == logs.Removed })
	if err := cli.ContainerStop(t.Context(), a, container.StopOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, 10*time.Second, "a stopped", func(_ []logs.Line, states []logs.State) bool { return lastState(states, a) == logs.Stopped })
	lines, states := f.snapshot()
	var ofA []logs.Line
	for _, l := range lines {
		if l.ID == a {
			ofA = append(ofA, l)
		}
	}
	if want := engineLog(t, cli, a); !slices.Equal(sorted(lineKeys(ofA)), want) {
		t.Errorf("a's lines followed through a restart differ from its log: %d followed, %d logged; states %+v", len(ofA), len(want), states)
	}
	checkBatchesOrdered(t, lines)
	if err := cli.ContainerRemove(t.Context(), a, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-f.done:
		f.done <- err
		if err != nil {
			t.Errorf("follow: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the follow of two removed containers did not end; states %+v", states)
	}
}

// checkBatchesOrdered checks each container's lines are in time order.
func checkBatchesOrdered(t *testing.T, lines []logs.Line) {
	t.Helper()
	last := map[string]string{}
	for _, l := range lines {
		if l.Time < last[l.ID] {
			t.Errorf("%s: a line at %s after one at %s", l.ID[:12], l.Time, last[l.ID])
		}
		last[l.ID] = l.Time
	}
}

func TestLogsFollowEngineKilled(t *testing.T) {
	e := enginetest.Require(t)
	e.RequireRestartable(t)
	r, cli := logReader(t, e)
	id := runLogging(t, e, counting, func(_ *container.Config, h *container.HostConfig) {
		h.RestartPolicy = container.RestartPolicy{Name: container.RestartPolicyAlways}
	})
	f := startFollow(t, r, []string{id}, logs.Query{})
	f.waitFor(t, 10*time.Second, "followed", func(lines []logs.Line, _ []logs.State) bool { return len(lines) > 10 })
	e.Kill(t)
	f.waitFor(t, 10*time.Second, "interrupted", func(_ []logs.Line, states []logs.State) bool { return lastState(states, id) == logs.Interrupted })
	e.Start(t)
	before, _ := f.snapshot()
	f.waitFor(t, 30*time.Second, "following again, with new lines", func(lines []logs.Line, states []logs.State) bool {
		return lastState(states, id) == logs.Following && len(lines) > len(before)+10
	})
	timeout := 0
	if err := cli.ContainerStop(t.Context(), id, container.StopOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, 10*time.Second, "stopped", func(_ []logs.Line, states []logs.State) bool { return lastState(states, id) == logs.Stopped })
	lines, states := f.snapshot()
	want := engineLog(t, cli, id)
	if got := sorted(lineKeys(lines)); !slices.Equal(got, want) {
		t.Errorf("followed through an engine kill: %d lines, the log has %d (states %+v)", len(got), len(want), states)
		missing, extra := diff(want, got)
		t.Errorf("missing %q, extra %q", missing, extra)
	}
}

// diff is what a lacks of b and what it has more, at most 10 of each.
func diff(want, got []string) (missing, extra []string) {
	count := map[string]int{}
	for _, s := range got {
		count[s]++
	}
	for _, s := range want {
		if count[s] == 0 && len(missing) < 10 {
			missing = append(missing, s)
		}
		count[s]--
	}
	for s, n := range count {
		if n > 0 && len(extra) < 10 {
			extra = append(extra, fmt.Sprintf("%s ×%d", s, n))
		}
	}
	return missing, extra
}

func TestLastWords(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	// A --rm container that writes more than is kept and crashes; the
	// engine removes it at once.
	rm := runLogging(t, e, `sleep 1; i=0; while [ $i -lt 300 ]; do echo "rm line $i"; i=$((i+1)); done; sleep 0.5; echo "dying" >&2; exit 3`,
		func(_ *container.Config, h *container.HostConfig) { h.AutoRemove = true })
	// A plain one, removed by hand after it died.
	plain := runWith(t, e, "dp-logs-lastwords-plain", []string{"sh", "-c", `echo "plain 1"; printf 'plain 2'; exit 1`}, func(*container.Config, *container.HostConfig) {})
	var lw logs.LastWords
	eventually(t, 20*time.Second, "the --rm container's last words, removed", func() bool {
		var err error
		lw, err = svc.LastWords(service.EngineName, rm)
		return err == nil && lw.Removed
	})
	if _, err := cli.ContainerInspect(t.Context(), rm); !cerrdefs.IsNotFound(err) {
		t.Fatalf("the --rm container is still there: %v", err)
	}
	if len(lw.Lines) != logs.KeptLines || lw.Lines[0].Text != "rm line 101" || lw.Lines[198].Text != "rm line 299" ||
		lw.Lines[199].Text != "dying" || lw.Lines[199].Stream != logs.Stderr {
		t.Errorf("--rm last words: %d lines, first %q, last %q", len(lw.Lines), lw.Lines[0].Text, lw.Lines[len(lw.Lines)-1].Text)
	}
	if lw.ExitCode != 3 || lw.Name != "dp-logs-"+strings.ToLower(t.Name()) || lw.FinishedAt == 0 || lw.ExitCause != model.ExitUnasked {
		t.Errorf("--rm last words: name %q exit %d cause %q finished %d", lw.Name, lw.ExitCode, lw.ExitCause, lw.FinishedAt)
	}
	eventually(t, 20*time.Second, "the plain container's last words", func() bool {
		var err error
		lw, err = svc.LastWords(service.EngineName, plain)
		return err == nil
	})
	if err := cli.ContainerRemove(t.Context(), plain, container.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the plain container's last words say removed", func() bool {
		lw, _ = svc.LastWords(service.EngineName, plain)
		return lw.Removed
	})
	if got := texts(lw.Lines); !slices.Equal(got, []string{"stdout:plain 1", "stdout:plain 2"}) || !lw.Lines[1].Partial {
		t.Errorf("plain last words %q", got)
	}
	if lw.ExitCode != 1 || lw.Name != "dp-logs-lastwords-plain" {
		t.Errorf("plain last words: name %q exit %d", lw.Name, lw.ExitCode)
	}
}

func TestServiceLogs(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	id := runLogging(t, e, `echo hello`, nil)
	waitExited(t, cli, id)
	p, err := svc.Logs(t.Context(), service.EngineName, id, logs.Query{})
	if err != nil || len(p.Lines) != 1 || p.Lines[0].Text != "hello" {
		t.Errorf("Logs: %+v, %v", p, err)
	}
	var got []logs.Line
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	err = svc.FollowLogs(ctx, service.EngineName, []string{id}, logs.Query{}, func(lines []logs.Line) { got = append(got, lines...) },
		func(s logs.State) {
			if s.State == logs.Stopped {
				cancel()
			}
		})
	if err != nil || len(got) != 1 || got[0].Text != "hello" {
		t.Errorf("FollowLogs: %+v, %v", got, err)
	}
	for name, err := range map[string]error{
		"Logs of an unknown engine":          second(svc.Logs(t.Context(), "dp-no-such-engine", id, logs.Query{})),
		"Logs of an unknown container":       second(svc.Logs(t.Context(), service.EngineName, "dp-no-such-container", logs.Query{})),
		"FollowLogs of an unknown engine":    svc.FollowLogs(t.Context(), "dp-no-such-engine", []string{id}, logs.Query{}, nil, nil),
		"FollowLogs of an unknown container": svc.FollowLogs(t.Context(), service.EngineName, []string{"dp-no-such-container"}, logs.Query{}, nil, nil),
		"LastWords of an unknown engine":     second(svc.LastWords("dp-no-such-engine", id)),
		"LastWords kept of none":             second(svc.LastWords(service.EngineName, "dp-no-such-container")),
	} {
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("%s: %v, want an error wrapping model.ErrNotFound", name, err)
		}
	}
	if _, err := svc.Logs(t.Context(), "dp-no-such-engine", id, logs.Query{}); !errors.Is(err, model.ErrNoEngine) {
		t.Errorf("Logs of an unknown engine: %v, want model.ErrNoEngine", err)
	}
}

func second[T any](_ T, err error) error { return err }

// TestFollowLogsEngineSwitchedOff: a follow of an engine that is switched
// off ends, saying so.
func TestFollowLogsEngineSwitchedOff(t *testing.T) {
	e := enginetest.Require(t)
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("one", "host="+e.Host)
	cfg.Setenv(t)
	r := runService(t, "", service.Config{Engines: []engines.Endpoint{resolveContext(t, cfg, "one")}})
	id := runLogging(t, e, counting, nil)
	var mu sync.Mutex
	n := 0
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		done <- r.Service.FollowLogs(ctx, "one", []string{id}, logs.Query{}, func(lines []logs.Line) {
			mu.Lock()
			defer mu.Unlock()
			n += len(lines)
		}, func(logs.State) {})
	}()
	eventually(t, 10*time.Second, "lines followed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return n > 5
	})
	if err := r.Service.SetWatched("one", false); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, model.ErrNoEngine) {
			t.Errorf("the follow ended with %v, want an error wrapping model.ErrNoEngine", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the follow goes on after its engine was switched off")
	}
}

// TestPodmanLogs: Podman's Docker-compatible API stamps lines to the second
// (so lines share times, and the cursor counts them) and cuts long lines
// into pieces of 8 KiB; its own tail joins such a line to the line before
// it, even of the other stream, so the reader reads tails from the start.
func TestPodmanLogs(t *testing.T) {
	e := enginetest.RequirePodman(t)
	r, cli := logReader(t, e)
	id := runLogging(t, e, `echo out1; echo err1 >&2; sleep 0.1; printf 'x%.0s' $(seq 1 20000); echo; printf 'no newline'`, nil)
	waitExited(t, cli, id)
	want := []string{"stdout:out1", "stderr:err1", "stdout:" + strings.Repeat("x", 20000), "stdout:no newline"}
	p, err := r.Page(t.Context(), id, logs.Query{})
	if err != nil {
		t.Fatal(err)
	}
	checkTimes(t, p.Lines)
	if got := texts(p.Lines); !slices.Equal(got, want) || !p.Lines[3].Partial {
		t.Errorf("tail: %d lines %.60q", len(got), got)
	}
	if p, err := r.Page(t.Context(), id, logs.Query{Tail: 2}); err != nil || !slices.Equal(texts(p.Lines), want[2:]) || p.Start {
		t.Errorf("tail 2: %.60q, start %v, %v", texts(p.Lines), p.Start, err)
	}
	if p, err := r.Page(t.Context(), id, logs.Query{Tail: 4}); err != nil || !slices.Equal(texts(p.Lines), want) || !p.Start {
		t.Errorf("tail 4: %.60q, start %v, %v; want the whole log, the start", texts(p.Lines), p.Start, err)
	}
	var walked []logs.Line
	q := logs.Query{Since: "1970-01-01T00:00:00Z", Limit: 1}
	for {
		p, err := r.Page(t.Context(), id, q)
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, p.Lines...)
		if !p.More {
			break
		}
		q = logs.Query{Cursor: p.Cursor, Limit: 1}
	}
	if got := texts(walked); !slices.Equal(got, want) {
		t.Errorf("a cursor walk over lines of one second: %.60q", got)
	}
	got, _ := followUntil(t, r, []string{id}, logs.Query{}, func(lines []logs.Line, states []logs.State) bool {
		return lastState(states, id) == logs.Stopped
	})
	if !slices.Equal(texts(got), want) {
		t.Errorf("followed %.60q", texts(got))
	}
}
