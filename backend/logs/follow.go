package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Bounds of one batch Follow emits.
const (
	BatchLines = 512
	// BatchBytes bounds a batch's lines' text and names (their JSON is
	// larger only by what escaping adds).
	BatchBytes = 256 << 10
)

// Timing of a follow.
const (
	// mergeWait is how long lines of several containers wait for the
	// others' before a batch goes out, so that a batch is in time order.
	mergeWait = 15 * time.Millisecond
	// historyWait is how long the first batch of several containers waits
	// for the others' first lines (their tails).
	historyWait = 250 * time.Millisecond
	// minRetry and maxRetry bound the delay between tries after the engine
	// failed; a stream open for steadyAfter resets it.
	minRetry    = 250 * time.Millisecond
	maxRetry    = 5 * time.Second
	steadyAfter = 5 * time.Second
)

// Follow streams lines of the containers ids (one engine) from tail/since until ctx ends; emit gets
// batches in time order and state changes; it resumes after engine loss; it returns when ctx ends or all are removed.
//
// from is a Query: its Tail, Since or Cursor say where each container's
// lines begin (as for Page; Until and Limit are not used). Every container
// is inspected first: an unknown one is an error wrapping model.ErrNotFound
// before anything is emitted, a bad from one wrapping model.ErrInvalid.
// emit and state are called from Follow's goroutine, never at once, and
// may keep what they are given; a batch holds at most BatchLines lines and
// BatchBytes, the lines of all the containers merged in time order (each
// container's are always in its order). A slow emit holds up the reading
// of the engine's streams, never loses lines.
//
// How a follow learns what became of a container: Docker ends a follow
// stream when the container stops (and when it is removed or the engine
// goes), so the end of the stream is the signal, and an inspect then says
// which it was (running again: reopen; not running: stopped; no such
// container: removed; no answer: interrupted, retried with backoff). While
// the container is stopped, the engine's events for it (a start, its
// removal) say when to look again; they are subscribed before the container is
// inspected once more, so that a start between the two is not missed.
// Reading the events of every container instead would cost each follow the
// whole engine's event stream. Every stream after the first is opened from
// a cursor just after the last line emitted (see cursor: from a little
// before its time, the lines up to it skipped in the engine's order), so a
// restart, an engine restart or a reconnection neither repeats nor loses a
// line. emit and state must not be nil.
func (r *Reader) Follow(ctx context.Context, ids []string, from Query, emit func(lines []Line), state func(State)) error {
	if len(ids) == 0 {
		return fmt.Errorf("follow logs: no container: %w", model.ErrInvalid)
	}
	from.Until, from.Limit = "", 0
	pq, err := parseQuery(from)
	if err != nil {
		return fmt.Errorf("follow logs: %w", err)
	}
	ctx, release := r.bind(ctx)
	defer release()
	if r.closed() {
		return r.closedError()
	}
	targets := make([]target, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		t, err := r.inspect(ctx, id)
		if err != nil {
			return fmt.Errorf("follow logs: %w", r.whyEnded(ctx, err))
		}
		if !seen[t.id] {
			seen[t.id] = true
			targets = append(targets, t)
		}
	}
	newFollower := func(t target) *follower {
		f := &follower{r: r, id: t.id, tty: t.tty, cur: cursor{time: epoch}, tail: pq.tail}
		if pq.from != nil {
			f.cur, f.tail = *pq.from, 0
		}
		return f
	}
	m := merger{emit: emit}
	if len(targets) == 1 {
		// Nothing to merge: the one follower runs here and hands its
		// batches on itself, with no goroutine between the engine's reads
		// and emit (a flood's batch then costs one wakeup less).
		f := newFollower(targets[0])
		f.direct = func(msg followMsg) { m.take(msg, state) }
		f.run(ctx, targets[0])
		return r.whyEnded(ctx, nil)
	}
	ctx, cancel := context.WithCancel(ctx)
	in := make(chan followMsg, 4*len(targets))
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for _, t := range targets {
		f := newFollower(t)
		f.out = in
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.run(ctx, t)
		}()
	}
	m.wait, m.several = historyWait, true
	return r.whyEnded(ctx, m.run(ctx, in, len(targets), state))
}

// followMsg is what a follower tells Follow's goroutine: lines, a state,
// or that it is over.
type followMsg struct {
	lines []Line
	state *State
	done  bool
}

// flushLines is the most lines the merger holds before a batch goes out
// whatever the wait.
const flushLines = 8 * BatchLines

// merger batches the followers' lines in time order. With one container
// each of its batches goes out as it comes (cut to BatchLines and
// BatchBytes), never copied: there is nothing to merge; with several,
// lines wait up to mergeWait for the others' (historyWait for the first
// batch, which holds their tails).
type merger struct {
	emit    func([]Line)
	wait    time.Duration
	several bool
	pending []Line
}

func (m *merger) run(ctx context.Context, in <-chan followMsg, live int, state func(State)) error {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var fire <-chan time.Time
	flush := func() {
		fire = nil
		m.flush()
	}
	for live > 0 {
		select {
		case <-ctx.Done():
			return nil
		case <-fire:
			flush()
		case msg := <-in:
			if msg.done {
				live--
				continue
			}
			switch {
			case !m.take(msg, state):
				fire = nil
			case m.wait > 0 && fire == nil:
				timer.Reset(m.wait)
				fire = timer.C
			}
		}
	}
	m.flush()
	return nil
}

// take handles a follower's lines or state (not its end): a state goes out
// after the lines before it; lines go out at once with one container, or
// when the merger holds flushLines. It reports whether lines wait.
func (m *merger) take(msg followMsg, state func(State)) (waiting bool) {
	switch {
	case msg.state != nil:
		m.flush()
		state(*msg.state)
	case len(msg.lines) == 0:
	case len(m.pending) == 0:
		// The follower lets go of a batch it sent: taken as is, not
		// copied (a flood is tens of thousands of lines a second, and
		// each copy is garbage to collect).
		m.pending = msg.lines
	default:
		m.pending = append(m.pending, msg.lines...)
	}
	if len(m.pending) >= flushLines || !m.several {
		m.flush()
	}
	return len(m.pending) > 0
}

// flush emits the pending lines in time order, in batches.
func (m *merger) flush() {
	if len(m.pending) == 0 {
		return
	}
	if m.several {
		m.wait = mergeWait
		sortLines(m.pending) // one container's lines are in its order already
	}
	for len(m.pending) > 0 {
		n, size := 0, 0
		for n < len(m.pending) && n < BatchLines {
			s := lineSize(m.pending[n])
			if n > 0 && size+s > BatchBytes {
				break
			}
			size += s
			n++
		}
		m.emit(m.pending[:n:n])
		m.pending = m.pending[n:]
	}
	m.pending = nil
}

// lineSize is about what a line weighs in a batch.
func lineSize(l Line) int { return len(l.Text) + len(l.ID) + len(l.Engine) + len(l.Time) + 64 }

// follower follows one container's log for Follow, resuming where it left.
type follower struct {
	r   *Reader
	id  string
	tty bool
	// out takes what the follower sends, or direct, called in its own
	// goroutine (one container: nothing to merge).
	out    chan<- followMsg
	direct func(followMsg)
	cur    cursor // just after the last line sent
	tail   int    // the first stream's tail; 0: from cur

	state string  // the last state sent
	p     *parser // the current stream's, with its line without a newline
	// slab holds the lines read, those from sent on not yet sent: each
	// batch is cut from it, so a flood allocates one slab of slabLines
	// lines for several batches, not a slice grown line by line for each
	// (the reads of a follow stream, and so its batches, vary in size).
	// The lines sent stay in it (their batches are its parts), so a new
	// slab begins after BatchBytes of them too: a slab of long lines
	// holds no more than a batch does.
	slab      []Line
	sent      int
	slabBytes int // lineSize of the lines in slab
}

// slabLines is the size of a follower's slab of lines.
const slabLines = BatchLines

// add adds a line read to the lines to send.
func (f *follower) add(l Line) {
	if len(f.slab) == cap(f.slab) || (f.sent > 0 && f.slabBytes >= BatchBytes) {
		// A new slab, the lines not yet sent carried over.
		pending := f.slab[f.sent:]
		slab := make([]Line, len(pending), max(slabLines, 2*len(pending)))
		copy(slab, pending)
		f.slab, f.sent, f.slabBytes = slab, 0, 0
		for i := range pending {
			f.slabBytes += lineSize(pending[i])
		}
	}
	f.slab = append(f.slab, l)
	f.slabBytes += lineSize(l)
}

func (f *follower) run(ctx context.Context, t target) {
	defer f.send(ctx, followMsg{done: true})
	retry := minRetry
	for ctx.Err() == nil {
		began := time.Now()
		var err error
		if t.running {
			err = f.follow(ctx)
		} else {
			err = f.stopped(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > steadyAfter {
			retry = minRetry
		}
		for {
			next, ierr := f.r.inspect(ctx, f.id)
			if ctx.Err() != nil {
				return
			}
			if errors.Is(ierr, model.ErrNotFound) {
				if f.p != nil {
					f.p.flush()
				}
				f.sendBatch(ctx)
				f.setState(ctx, Removed, "")
				return
			}
			if ierr == nil && err == nil {
				t = next
				break
			}
			reason := ierr
			if reason == nil {
				reason = err
			}
			if f.state != Interrupted {
				f.r.log.Info("log stream interrupted; resuming", zap.String("id", model.Cut(f.id, model.MaxWord)), zap.Error(reason))
			}
			f.setState(ctx, Interrupted, reason.Error())
			wait(ctx, retry)
			retry = min(2*retry, maxRetry)
			if ierr == nil {
				t = next
				break
			}
		}
		if t.running && time.Since(began) < minRetry {
			// A stream that ends at once while the container runs: do not
			// spin on it.
			wait(ctx, retry)
			retry = min(2*retry, maxRetry)
		}
	}
}

// follow reads one follow stream to its end.
func (f *follower) follow(ctx context.Context) error {
	if err := f.history(ctx, true); err != nil {
		return err
	}
	opts := container.LogsOptions{Follow: true, Since: f.cur.since()}
	if f.tail > 0 {
		opts = container.LogsOptions{Follow: true, Tail: fmt.Sprint(f.tail)}
	}
	return f.stream(ctx, opts, false, func() { f.setState(ctx, Following, "") })
}

// stopped sends the lines up to the exit of a container that is not
// running, says stopped and waits until it starts or is removed (or the
// events fail). The caller then inspects it.
func (f *follower) stopped(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Any event of the container is worth a look (a start, its removal:
	// Docker's destroy is Podman's remove).
	evs, errs := f.r.api.Events(ctx, events.ListOptions{Filters: filters.NewArgs(
		filters.Arg("type", string(events.ContainerEventType)),
		filters.Arg("container", f.id),
	)})
	if err := f.history(ctx, false); err != nil {
		return err
	}
	opts := container.LogsOptions{Since: f.cur.since()}
	if f.tail > 0 {
		opts = container.LogsOptions{Tail: fmt.Sprint(f.tail)}
	}
	if err := f.stream(ctx, opts, true, nil); err != nil {
		return err
	}
	t, err := f.r.inspect(ctx, f.id)
	if err != nil || t.running {
		return nil // the caller inspects again and says what it is
	}
	f.setState(ctx, Stopped, "")
	select {
	case <-ctx.Done():
		return nil
	case <-evs:
		return nil
	case err := <-errs:
		return fmt.Errorf("engine events: %w", err)
	}
}

// history sends the first stream's tail itself, read from the log's start,
// where the engine's own tail is wrong (Podman: podman.go); the stream
// then goes on from the cursor. A running container's last line without a
// newline is left for the stream.
func (f *follower) history(ctx context.Context, running bool) error {
	if f.tail == 0 || f.r.tailsRight(ctx) {
		return nil
	}
	lines, _, err := f.r.lastUntil(ctx, target{id: f.id, tty: f.tty}, query{tail: f.tail})
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil // the inspect after says removed
		}
		return err
	}
	for running && len(lines) > 0 && lines[len(lines)-1].Partial {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		f.cur = f.cur.advance(l)
	}
	f.tail = 0
	if len(lines) > 0 {
		f.send(ctx, followMsg{lines: lines})
	}
	return nil
}

// stream reads one log stream from the cursor, sending the lines after it;
// opened is called once the engine answered; flush sends the line without
// a newline at the end too (the container stopped: it is final).
func (f *follower) stream(ctx context.Context, opts container.LogsOptions, flush bool, opened func()) error {
	opts.ShowStdout, opts.ShowStderr, opts.Timestamps = true, true, true
	body, err := f.r.api.ContainerLogs(ctx, f.id, opts)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return nil // the inspect after says removed
		}
		return fmt.Errorf("logs of %s: %w", model.Cut(f.id, model.MaxWord), err)
	}
	defer body.Close()
	if opened != nil {
		opened()
	}
	skip := newSkipper(f.cur)
	if f.tail > 0 {
		skip = newSkipper(cursor{time: epoch})
	}
	f.tail = 0
	f.p = newParser(f.r.engine, f.id, f.tty, nil)
	err = readLines(sendingReader{body, func() { f.sendBatch(ctx) }, newPacer()}, f.p, flush, func(l Line) error {
		if skip.skip(l) {
			return nil
		}
		f.add(l)
		f.cur = f.cur.advance(l)
		return nil
	})
	f.sendBatch(ctx)
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("logs of %s: %w", model.Cut(f.id, model.MaxWord), err)
	}
	return nil
}

// sendingReader sends the lines read before each read that may block,
// and paces the reads during a flood (pace.go).
type sendingReader struct {
	r      io.Reader
	before func()
	pace   *pacer
}

func (s sendingReader) Read(p []byte) (int, error) {
	s.before()
	s.pace.wait()
	n, err := s.r.Read(p)
	s.pace.read(n)
	return n, err
}

func (f *follower) sendBatch(ctx context.Context) {
	n := len(f.slab)
	if n == f.sent {
		return
	}
	batch := f.slab[f.sent:n:n] // the capacity cut: the slab's rest is for the next lines
	f.sent = n
	f.send(ctx, followMsg{lines: batch})
}

// setState sends a state, once per change.
func (f *follower) setState(ctx context.Context, state, reason string) {
	if state == f.state {
		return
	}
	f.sendBatch(ctx)
	f.state = state
	f.send(ctx, followMsg{state: &State{Engine: f.r.engine, ID: f.id, State: state, Reason: reason}})
}

func (f *follower) send(ctx context.Context, msg followMsg) {
	if f.direct != nil {
		if !msg.done {
			f.direct(msg)
		}
		return
	}
	select {
	case f.out <- msg:
	case <-ctx.Done():
	}
}

// wait waits for d or until ctx is done.
func wait(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
