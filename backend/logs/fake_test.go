package logs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"go.uber.org/goleak"
	"go.uber.org/zap"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeEngine serves one non-TTY container's log as Docker does: since and
// until inclusive, tail from the end, follow until the container stops.
// Its lines may share timestamps, which a real engine's rarely do.
type fakeEngine struct {
	mu      sync.Mutex
	id      string
	entries []fakeEntry
	running bool
	gone    bool
	down    bool          // the engine does not answer
	anyID   bool          // every ID names the container (with its own ID)
	podman  bool          // it says it is Podman
	rm      bool          // started with --rm (HostConfig.AutoRemove)
	changed chan struct{} // closed and replaced on every change
	// breakAfter, when > 0, ends the next follow stream with an error
	// after that many entries, as a lost connection does.
	breakAfter int
	opens      []container.LogsOptions
}

type fakeEntry struct {
	time   time.Time
	stream byte
	text   string // with its newline, if it has one
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{id: "c0ffee", running: true, changed: make(chan struct{})}
}

func (f *fakeEngine) changedLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fakeEngine) write(t time.Time, stream byte, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = append(f.entries, fakeEntry{t, stream, text})
	f.changedLocked()
}

func (f *fakeEngine) set(change func(*fakeEngine)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
	f.changedLocked()
}

var errDown = errors.New("connection refused")

func (f *fakeEngine) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.down:
		return container.InspectResponse{}, errDown
	case f.gone || (id != f.id && !f.anyID):
		return container.InspectResponse{}, cerrdefs.ErrNotFound.WithMessage("no such container: " + id)
	}
	return container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{ID: id, State: &container.State{Running: f.running}, HostConfig: &container.HostConfig{AutoRemove: f.rm}},
		Config:            &container.Config{},
	}, nil
}

func (f *fakeEngine) ServerVersion(context.Context) (types.Version, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.podman {
		return types.Version{Components: []types.ComponentVersion{{Name: "Podman Engine"}}}, nil
	}
	return types.Version{Components: []types.ComponentVersion{{Name: "Engine"}}}, nil
}

func (f *fakeEngine) Events(ctx context.Context, _ events.ListOptions) (<-chan events.Message, <-chan error) {
	msgs, errs := make(chan events.Message), make(chan error, 1)
	f.mu.Lock()
	changed := f.changed
	f.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-changed:
			select {
			case msgs <- events.Message{Action: events.ActionStart}:
			case <-ctx.Done():
			}
		}
	}()
	return msgs, errs
}

func (f *fakeEngine) ContainerLogs(ctx context.Context, id string, opts container.LogsOptions) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, errDown
	}
	if f.gone || (id != f.id && !f.anyID) {
		return nil, cerrdefs.ErrNotFound.WithMessage("no such container: " + id)
	}
	f.opens = append(f.opens, opts)
	parse := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	since, until := parse(opts.Since), parse(opts.Until)
	var sel []fakeEntry
	for _, e := range f.entries {
		if (since.IsZero() || !e.time.Before(since)) && (until.IsZero() || !e.time.After(until)) {
			sel = append(sel, e)
		}
	}
	if opts.Tail != "" && opts.Tail != "all" {
		n := 0
		for _, c := range opts.Tail {
			n = n*10 + int(c-'0')
		}
		sel = sel[max(0, len(sel)-n):]
	}
	pr, pw := io.Pipe()
	from := len(f.entries)
	breakAfter := f.breakAfter
	if opts.Follow {
		f.breakAfter = 0
	}
	go func() {
		sent := 0
		send := func(e fakeEntry) bool {
			if opts.Follow && breakAfter > 0 && sent == breakAfter {
				pw.CloseWithError(io.ErrUnexpectedEOF)
				return false
			}
			sent++
			_, err := pw.Write(frame(e.stream, e.time.UTC().Format(timeLayout)+" "+e.text))
			return err == nil
		}
		for _, e := range sel {
			if !send(e) {
				return
			}
		}
		for opts.Follow {
			f.mu.Lock()
			more, running, changed := f.entries[from:], f.running && !f.down && !f.gone, f.changed
			from = len(f.entries)
			f.mu.Unlock()
			for _, e := range more {
				if !send(e) {
					return
				}
			}
			if !running {
				break
			}
			select {
			case <-ctx.Done():
				pw.CloseWithError(ctx.Err())
				return
			case <-changed:
			}
		}
		pw.Close()
	}()
	return pr, nil
}

func fakeReader(f *fakeEngine) *Reader { return NewReader("e", f, zap.NewNop()) }

// base is the fake log's first time; at(ms) a time after it.
var base = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }

// sharedLog writes 12 lines, in groups of 1 to 5 that share a time.
func sharedLog(f *fakeEngine) []string {
	var want []string
	n := 0
	for g, size := range []int{1, 3, 5, 2, 1} {
		for range size {
			text := "line " + string(rune('a'+n))
			stream := byte(1 + n%2)
			f.write(at(g), stream, text+"\n")
			want = append(want, at(g).Format(timeLayout)+" "+text)
			n++
		}
	}
	return want
}

func keys(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Time + " " + l.Text
	}
	return out
}

func TestCursorOverSharedTimes(t *testing.T) {
	f := newFakeEngine()
	want := sharedLog(f)
	r := fakeReader(f)
	for limit := 1; limit <= 6; limit++ {
		var got []Line
		q := Query{Since: base.Format(time.RFC3339), Limit: limit}
		for {
			p, err := r.Page(t.Context(), f.id, q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p.Lines...)
			if !p.More {
				break
			}
			q = Query{Cursor: p.Cursor, Limit: limit}
		}
		if !equal(keys(got), want) {
			t.Errorf("limit %d:\n got %q\nwant %q", limit, keys(got), want)
		}
	}
}

// TestCursorOverReorderedStreams: the log's order puts a stderr line after
// a stdout line a few microseconds younger (each stream's copier stamps its
// own lines); a cursor between the two loses neither.
func TestCursorOverReorderedStreams(t *testing.T) {
	f := newFakeEngine()
	f.write(at(1), 1, "a\n")
	f.write(at(2), 1, "b\n")
	f.write(at(2).Add(-3*time.Microsecond), 2, "b-err, stamped before b\n")
	f.write(at(3), 1, "c\n")
	r := fakeReader(f)
	var got []Line
	p, err := r.Page(t.Context(), f.id, Query{Since: base.Format(time.RFC3339), Limit: 2})
	for err == nil {
		got = append(got, p.Lines...)
		if !p.More {
			break
		}
		p, err = r.Page(t.Context(), f.id, Query{Cursor: p.Cursor, Limit: 1})
	}
	if err != nil {
		t.Fatal(err)
	}
	if texts := textsOf(got); !equal(texts, []string{"a", "b", "b-err, stamped before b", "c"}) {
		t.Errorf("paged %q", texts)
	}
	// A follow that resumes after b, from the engine's loss.
	f.set(func(f *fakeEngine) { f.breakAfter = 2 })
	var c collected
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error)
	go func() { done <- r.Follow(ctx, []string{f.id}, Query{Tail: 10}, c.emit, c.state) }()
	c.waitFor(t, "every line", func() bool { return len(c.lines) >= 4 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if texts := textsOf(c.lines); len(texts) != 4 || texts[3] != "c" {
		t.Errorf("followed %q (states %q)", texts, c.states)
	}
}

func textsOf(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}

func TestTailCursorCountsTheWholeGroup(t *testing.T) {
	f := newFakeEngine()
	for range 5 {
		f.write(at(1), 1, "same\n")
	}
	r := fakeReader(f)
	p, err := r.Page(t.Context(), f.id, Query{Tail: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 3 || p.Cursor != at(1).Format(timeLayout)+"~5" {
		t.Fatalf("tail 3 of 5 lines of one time: %d lines, cursor %s; want 3, ~5", len(p.Lines), p.Cursor)
	}
	f.write(at(1), 1, "same time, new\n")
	f.write(at(2), 1, "later\n")
	next, err := r.Page(t.Context(), f.id, Query{Cursor: p.Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(next.Lines); len(got) != 2 || next.Lines[0].Text != "same time, new" || next.Lines[1].Text != "later" {
		t.Errorf("after the cursor: %q", got)
	}
}

func TestPartialLineOfARunningContainer(t *testing.T) {
	f := newFakeEngine()
	f.write(at(1), 1, "whole\n")
	f.write(at(2), 1, "half")
	r := fakeReader(f)
	p, err := r.Page(t.Context(), f.id, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 2 || !p.Lines[1].Partial || p.Cursor != at(1).Format(timeLayout)+"~1" {
		t.Fatalf("%+v, cursor %s: want the partial line returned, the cursor before it", p.Lines, p.Cursor)
	}
	f.set(func(f *fakeEngine) { f.running = false })
	p, err = r.Page(t.Context(), f.id, Query{Cursor: p.Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 1 || p.Cursor != at(2).Format(timeLayout)+"~1" {
		t.Fatalf("%+v, cursor %s: a stopped container's partial line is final", p.Lines, p.Cursor)
	}
	p, err = r.Page(t.Context(), f.id, Query{Cursor: p.Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(p); string(b) != `{"lines":[],"cursor":"`+p.Cursor+`","more":false,"start":false}` {
		t.Errorf("an empty page on the wire: %s", b)
	}
}

// collected gathers what a Follow emits.
type collected struct {
	mu      sync.Mutex
	lines   []Line
	batches []int
	states  []string
}

func (c *collected) emit(lines []Line) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, lines...)
	c.batches = append(c.batches, len(lines))
}

func (c *collected) state(s State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.states = append(c.states, s.State)
}

func (c *collected) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		ok := cond()
		c.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			c.mu.Lock()
			defer c.mu.Unlock()
			t.Fatalf("not within 5 s: %s (lines %q, states %q)", what, keys(c.lines), c.states)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFollowResumesInsideASharedTime(t *testing.T) {
	f := newFakeEngine()
	want := sharedLog(f)
	// The first stream breaks in the middle of the group of five.
	f.set(func(f *fakeEngine) { f.breakAfter = 6 })
	r := fakeReader(f)
	var c collected
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() {
		done <- r.Follow(ctx, []string{f.id}, Query{Since: base.Format(time.RFC3339Nano)}, c.emit, c.state)
	}()
	c.waitFor(t, "all the lines", func() bool { return len(c.lines) >= len(want) })
	f.write(at(4), 1, "line m\n")
	want = append(want, at(4).Format(timeLayout)+" line m")
	c.waitFor(t, "the next line", func() bool { return len(c.lines) >= len(want) })
	// The engine goes away, and comes back after the container stopped.
	f.set(func(f *fakeEngine) { f.down = true })
	c.waitFor(t, "interrupted", func() bool { return last(c.states) == Interrupted })
	f.write(at(4), 2, "line n\n")
	f.write(at(5), 1, "line o")
	want = append(want, at(4).Format(timeLayout)+" line n", at(5).Format(timeLayout)+" line o")
	f.set(func(f *fakeEngine) { f.down, f.running = false, false })
	c.waitFor(t, "stopped", func() bool { return last(c.states) == Stopped })
	f.set(func(f *fakeEngine) { f.running = true })
	f.write(at(6), 1, "line p\n")
	want = append(want, at(6).Format(timeLayout)+" line p")
	c.waitFor(t, "following after the start", func() bool { return len(c.lines) >= len(want) })
	f.set(func(f *fakeEngine) { f.gone = true })
	if err := <-done; err != nil {
		t.Fatalf("follow: %v", err)
	}
	cancel()
	if !equal(keys(c.lines), want) {
		t.Errorf("followed:\n got %q\nwant %q", keys(c.lines), want)
	}
	if got := c.states; !equal(got, []string{Following, Interrupted, Following, Interrupted, Stopped, Following, Removed}) {
		t.Errorf("states %q", got)
	}
	if !c.lines[len(c.lines)-2].Partial {
		t.Errorf("the line without a newline before the stop is not partial")
	}
}

func TestFollowBatchesAndClose(t *testing.T) {
	f := newFakeEngine()
	big := string(bytes.Repeat([]byte("b"), 100<<10))
	for i := range 2000 {
		text := "short\n"
		if i%500 == 0 {
			text = big + "\n"
		}
		f.write(at(i), 1, text)
	}
	r := fakeReader(f)
	var c collected
	done := make(chan error)
	go func() { done <- r.Follow(context.Background(), []string{f.id}, Query{Tail: MaxTail}, c.emit, c.state) }()
	c.waitFor(t, "every line", func() bool { return len(c.lines) == 2000 })
	for i, n := range c.batches {
		if n > BatchLines {
			t.Errorf("batch %d: %d lines", i, n)
		}
	}
	r.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a follow ended by Close: no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close does not end the follow")
	}
	if _, err := r.Page(t.Context(), f.id, Query{}); err == nil {
		t.Error("a page after Close: no error")
	}
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPodmanTailsReadFromTheStart: on Podman, whose own tail is wrong, a
// tail is read from the log's start, in a page and in a follow.
func TestPodmanTailsReadFromTheStart(t *testing.T) {
	f := newFakeEngine()
	f.podman = true
	want := sharedLog(f)
	r := fakeReader(f)
	p, err := r.Page(t.Context(), f.id, Query{Tail: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !equal(keys(p.Lines), want[len(want)-4:]) {
		t.Errorf("tail 4: %q", keys(p.Lines))
	}
	var c collected
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- r.Follow(ctx, []string{f.id}, Query{Tail: 3}, c.emit, c.state) }()
	c.waitFor(t, "the tail", func() bool { return len(c.lines) == 3 })
	f.write(at(9), 1, "new\n")
	c.waitFor(t, "a new line", func() bool { return len(c.lines) == 4 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := keys(c.lines); !equal(got, append(want[len(want)-3:], at(9).Format(timeLayout)+" new")) {
		t.Errorf("followed %q", got)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.opens {
		if o.Tail != "" {
			t.Errorf("asked Podman for a tail: %+v", o)
		}
	}
}

// TestTailPageSaysWhenItHoldsTheStart: a tail page says Start exactly when
// no line of the log comes before its first, with lines sharing times, with
// until, on Docker and on Podman (whose tails are read from the start).
func TestTailPageSaysWhenItHoldsTheStart(t *testing.T) {
	for _, podman := range []bool{false, true} {
		f := newFakeEngine()
		f.podman = podman
		want := sharedLog(f) // 12 lines at 0, 1, 2, 3, 4 ms: 1, 3, 5, 2, 1 of them
		r := fakeReader(f)
		for _, c := range []struct {
			until string
			upTo  int // lines up to until
		}{{"", 12}, {at(2).Format(timeLayout), 9}, {at(0).Format(timeLayout), 1}} {
			for tail := 1; tail <= 13; tail++ {
				p, err := r.Page(t.Context(), f.id, Query{Tail: tail, Until: c.until})
				if err != nil {
					t.Fatalf("podman %v: tail %d until %q: %v", podman, tail, c.until, err)
				}
				if got := keys(p.Lines); !equal(got, want[max(0, c.upTo-tail):c.upTo]) {
					t.Errorf("podman %v: tail %d until %q: %q", podman, tail, c.until, got)
				}
				if start := tail >= c.upTo; p.Start != start {
					t.Errorf("podman %v: tail %d of the %d lines up to %q: start %v, want %v", podman, tail, c.upTo, c.until, p.Start, start)
				}
			}
		}
		// No line up to until: the start is before it.
		if p, err := r.Page(t.Context(), f.id, Query{Tail: 5, Until: base.Add(-time.Second).Format(timeLayout)}); err != nil || len(p.Lines) != 0 || !p.Start {
			t.Errorf("podman %v: before the first line: %d lines, start %v, %v", podman, len(p.Lines), p.Start, err)
		}
		// A page from since never claims the start.
		if p, err := r.Page(t.Context(), f.id, Query{Since: base.Format(timeLayout)}); err != nil || p.Start {
			t.Errorf("podman %v: since the first line: start %v, %v", podman, p.Start, err)
		}
	}
}

// TestTailStartOutOfTimeOrder: a stderr line stamped a little before the
// stdout line written just before it is still a line before the page.
func TestTailStartOutOfTimeOrder(t *testing.T) {
	f := newFakeEngine()
	f.write(at(20), 1, "out\n")
	f.write(at(15), 2, "err, stamped earlier\n")
	r := fakeReader(f)
	p, err := r.Page(t.Context(), f.id, Query{Tail: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 1 || p.Lines[0].Text != "err, stamped earlier" || p.Start {
		t.Errorf("tail 1: %q, start %v; want the stderr line, not the start", keys(p.Lines), p.Start)
	}
	if p, err := r.Page(t.Context(), f.id, Query{Tail: 2}); err != nil || len(p.Lines) != 2 || !p.Start {
		t.Errorf("tail 2: %q, start %v, %v; want both, the start", keys(p.Lines), p.Start, err)
	}
}
