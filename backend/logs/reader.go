package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// API is what a Reader needs of the engine's SDK client
// (github.com/docker/docker/client.Client has it).
type API interface {
	ContainerLogs(ctx context.Context, id string, opts container.LogsOptions) (io.ReadCloser, error)
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	Events(ctx context.Context, opts events.ListOptions) (<-chan events.Message, <-chan error)
	ServerVersion(ctx context.Context) (types.Version, error)
}

// Reader reads one engine's logs (built from the engine's docker client).
// It is safe for concurrent use.
type Reader struct {
	engine string
	api    API
	log    *zap.Logger
	done   context.Context // ends at Close
	close  context.CancelFunc
	kind   engineKind // Docker or Podman (podman.go)
}

// NewReader reads the logs of the engine named engine through api.
func NewReader(engine string, api API, log *zap.Logger) *Reader {
	done, cancel := context.WithCancel(context.Background())
	return &Reader{engine: engine, api: api, done: done, close: cancel,
		log: log.With(zap.String("component", "logs"), zap.String("engine", engine))}
}

// Close ends the reader's follows and reads (its engine is no longer
// watched); they, and any later, end with an error wrapping
// model.ErrNoEngine. The caller closes the API's client after.
func (r *Reader) Close() { r.close() }

func (r *Reader) closed() bool { return r.done.Err() != nil }

// bind is ctx, also ended by Close; release it when done.
func (r *Reader) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if r.closed() {
		cancel(r.closedError())
		return ctx, func() {}
	}
	stop := context.AfterFunc(r.done, func() { cancel(r.closedError()) })
	return ctx, func() {
		stop()
		cancel(nil)
	}
}

func (r *Reader) closedError() error {
	return fmt.Errorf("logs: engine %s is no longer watched: %w", r.engine, model.ErrNoEngine)
}

// whyEnded is err, or the reader's closing if that ended ctx.
func (r *Reader) whyEnded(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && errors.Is(cause, model.ErrNoEngine) {
		return cause
	}
	return err
}

// Engine is the name of the reader's engine.
func (r *Reader) Engine() string { return r.engine }

// target is what reading a container's log needs to know of it.
type target struct {
	id         string // its full ID
	name       string // its name, without the engine's leading "/"
	tty        bool   // its stream is raw, not multiplexed
	running    bool   // it may still write
	autoRemove bool   // the engine removes it when it exits (docker run --rm)
}

// inspect finds the container id; an unknown one is an error wrapping
// model.ErrNotFound.
func (r *Reader) inspect(ctx context.Context, id string) (target, error) {
	in, err := r.api.ContainerInspect(ctx, id)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return target{}, notFound(r.engine, id, err)
		}
		return target{}, fmt.Errorf("inspect %s on engine %s: %w", model.Cut(id, model.MaxWord), r.engine, err)
	}
	t := target{id: id}
	if b := in.ContainerJSONBase; b != nil {
		t.id, t.name = b.ID, strings.TrimPrefix(b.Name, "/")
		if b.HostConfig != nil {
			t.autoRemove = b.HostConfig.AutoRemove
		}
		if b.State != nil {
			t.running = b.State.Running || b.State.Restarting
		}
	}
	if in.Config != nil {
		t.tty = in.Config.Tty
	}
	return t, nil
}

// Describe is what a logs client is told of the container id: its full ID,
// its name, and whether it has a TTY (its log is then one raw stream, every
// line stdout). An unknown one is an error wrapping model.ErrNotFound.
func (r *Reader) Describe(ctx context.Context, id string) (fullID, name string, tty bool, err error) {
	t, err := r.inspect(ctx, id)
	if err != nil {
		return "", "", false, err
	}
	return t.id, t.name, t.tty, nil
}

// read reads the container's log as opts say (always both streams, with
// timestamps), calling out with each line; flush hands on the lines
// without a newline at the end too. out may return errStop to end early.
func (r *Reader) read(ctx context.Context, t target, opts container.LogsOptions, flush bool, out func(Line) error) error {
	opts.ShowStdout, opts.ShowStderr, opts.Timestamps = true, true, true
	body, err := r.api.ContainerLogs(ctx, t.id, opts)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return notFound(r.engine, t.id, err)
		}
		return fmt.Errorf("logs of %s on engine %s: %w", model.Cut(t.id, model.MaxWord), r.engine, err)
	}
	defer body.Close()
	if err := readLines(body, newParser(r.engine, t.id, t.tty, nil), flush, out); err != nil {
		return fmt.Errorf("logs of %s on engine %s: %w", model.Cut(t.id, model.MaxWord), r.engine, err)
	}
	return nil
}

// Page answers q for the container id: lines in time order and a cursor to
// go on from. An unknown container is an error wrapping model.ErrNotFound;
// a bad query one wrapping model.ErrInvalid.
func (r *Reader) Page(ctx context.Context, id string, q Query) (Page, error) {
	pq, err := parseQuery(q)
	if err != nil {
		return Page{}, fmt.Errorf("logs of %s: %w", model.Cut(id, model.MaxWord), err)
	}
	ctx, release := r.bind(ctx)
	defer release()
	if r.closed() {
		return Page{}, r.closedError()
	}
	t, err := r.inspect(ctx, id)
	if err != nil {
		return Page{}, r.whyEnded(ctx, err)
	}
	var p Page
	if pq.from == nil {
		p, err = r.tailPage(ctx, t, pq)
	} else {
		p, err = r.fromPage(ctx, t, *pq.from, pq)
	}
	if err != nil {
		return Page{}, r.whyEnded(ctx, err)
	}
	if p.Lines == nil {
		p.Lines = []Line{} // "lines":[] on the wire, not null
	}
	return p, nil
}

// tailPage is the last pq.tail lines up to pq.until or now.
func (r *Reader) tailPage(ctx context.Context, t target, pq query) (Page, error) {
	var lines []Line
	var err error
	whole, known := false, false // whole: the lines are all the log has up to until
	if r.tailsRight(ctx) {
		lines, err = r.collect(ctx, t, container.LogsOptions{Tail: strconv.Itoa(pq.tail), Until: pq.until})
	} else {
		lines, whole, err = r.lastUntil(ctx, t, pq)
		known = true
	}
	if err != nil {
		return Page{}, err
	}
	if pq.until != "" && len(lines) < pq.tail && !known {
		// The engine takes the tail at the log's end, then drops the lines
		// after until: fewer than asked may mean lines after until took
		// their place. Read up to until and keep the last ones.
		if lines, whole, err = r.lastUntil(ctx, t, pq); err != nil {
			return Page{}, err
		}
		known = true
	}
	c := pageCursor(cursor{time: epoch}, lines, t.running && pq.until == "")
	if len(lines) == pq.tail && lines[0].Time == c.time && c.n > 0 {
		// Every line of the page shares the last one's time, and more at
		// that time may come before the page: count them all.
		if c.n, err = r.countAt(ctx, t, c.time); err != nil {
			return Page{}, err
		}
	}
	sortLines(lines)
	if !known {
		if whole, err = r.startsAt(ctx, t, lines, pq.until); err != nil {
			return Page{}, err
		}
	}
	return Page{Lines: lines, Cursor: c.String(), Start: whole}, nil
}

// startsAt says whether lines (a tail page in time order, up to until or
// now) begin at the log's first line. It reads the log from its start up
// to a little after the page's first line (cursorSlack: a line of the
// other stream may come a little out of time order) and counts: any line
// there that the page does not hold is older than the page, or came
// before it in the log's order.
func (r *Reader) startsAt(ctx context.Context, t target, lines []Line, until string) (bool, error) {
	if len(lines) == 0 {
		return true, nil // no line up to until, or none at all
	}
	bound := shift(lines[0].Time, cursorSlack)
	if until != "" && until < bound {
		bound = until
	}
	held := 0
	for _, l := range lines {
		if l.Time > bound {
			break
		}
		held++
	}
	seen := 0
	err := r.read(ctx, t, container.LogsOptions{Since: epoch, Until: bound}, true, func(l Line) error {
		if l.Time > bound {
			return nil
		}
		if seen++; seen > held {
			return errStop
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return seen <= held, nil
}

// collect reads every line opts give, those without a newline included.
func (r *Reader) collect(ctx context.Context, t target, opts container.LogsOptions) ([]Line, error) {
	var lines []Line
	err := r.read(ctx, t, opts, true, func(l Line) error {
		lines = append(lines, l)
		return nil
	})
	return lines, err
}

// lastUntil is the last pq.tail lines up to pq.until (or now), read from
// the start, and whether they are all the log has up to there.
func (r *Reader) lastUntil(ctx context.Context, t target, pq query) ([]Line, bool, error) {
	ring := make([]Line, 0, pq.tail)
	next, total := 0, 0
	err := r.read(ctx, t, container.LogsOptions{Since: epoch, Until: pq.until}, true, func(l Line) error {
		total++
		if len(ring) < pq.tail {
			ring = append(ring, l)
			return nil
		}
		ring[next] = l
		next = (next + 1) % pq.tail
		return nil
	})
	return append(ring[next:], ring[:next]...), total <= pq.tail, err
}

// countAt is how many lines at time the log holds, those without a newline
// at the end of a running container's log not counted: all of them come
// at or before the page's last line, since the page is the log's end and a
// later line has a later time.
func (r *Reader) countAt(ctx context.Context, t target, time string) (int, error) {
	all, err := r.collect(ctx, t, container.LogsOptions{Since: time, Until: time})
	if err != nil {
		return 0, err
	}
	return pageCursor(cursor{time: time}, all, t.running).n, nil
}

// fromPage is at most pq.limit lines after from, up to pq.until or now.
func (r *Reader) fromPage(ctx context.Context, t target, from cursor, pq query) (Page, error) {
	var lines []Line
	more, skip := false, newSkipper(from)
	err := r.read(ctx, t, container.LogsOptions{Since: from.since(), Until: pq.until}, true, func(l Line) error {
		if skip.skip(l) {
			return nil
		}
		if len(lines) == pq.limit {
			more = true
			return errStop
		}
		lines = append(lines, l)
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	c := pageCursor(from, lines, t.running && !more && pq.until == "")
	sortLines(lines)
	return Page{Lines: lines, Cursor: c.String(), More: more}, nil
}

// pageCursor is the cursor just after the last of lines (in the log's
// order), which follow c.
// The lines without a newline at the end of the log (pending: the page
// ends there and the container runs) are not passed: they are read again,
// whole once their newline came.
func pageCursor(c cursor, lines []Line, pending bool) cursor {
	end := len(lines)
	for pending && end > 0 && lines[end-1].Partial {
		end--
	}
	for _, l := range lines[:end] {
		c = c.advance(l)
	}
	return c
}
