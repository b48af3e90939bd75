package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// LogSource reads containers' logs from the engines, for the logs socket
// (GET /ws/logs), the polling route and last words. Its errors wrap
// model.ErrNoEngine for an engine it does not know, model.ErrNotFound for a
// container that does not exist, model.ErrInvalid for a query it cannot
// take (a malformed cursor) and model.ErrUnavailable for an engine that
// cannot be reached.
type LogSource interface {
	// Logs is one page of a container's lines, as the polling route
	// answers it.
	Logs(ctx context.Context, engine, id string, q logs.Query) (logs.Page, error)
	// FollowLogs streams the lines of the containers ids of one engine,
	// from the tail or the time from names, until ctx ends or every one of
	// them is removed; emit gets batches in time order and state each
	// change of a container's stream. Neither may be called after it
	// returns, and neither waits on the client.
	FollowLogs(ctx context.Context, engine string, ids []string, from logs.Query, emit func([]logs.Line), state func(logs.State)) error
	// LastWords is what was kept of a container that died: an error
	// wrapping model.ErrNotFound when nothing was.
	LastWords(engine, id string) (logs.LastWords, error)
	// LogTargets describes the containers ids of one engine, asked of the
	// engine, for the socket's hello: an ID that is not a container's full
	// one is an error wrapping model.ErrInvalid.
	LogTargets(ctx context.Context, engine string, ids []string) ([]protocol.LogsContainer, error)
}

// Defaults and bounds of the logs socket (docs/protocol.md, "Logs").
const (
	// DefaultMaxLogConns is Config.MaxLogConns unless set.
	DefaultMaxLogConns = 16
	// MaxLogContainers caps the containers one logs socket follows (a
	// compose project's).
	MaxLogContainers = 64
	// DefaultLogQueueLines and DefaultLogQueueBytes bound a logs socket's
	// queue unless Config says otherwise.
	DefaultLogQueueLines = 4096
	DefaultLogQueueBytes = 8 << 20
)

// A flood's messages: while lines keep coming (a message of lines written
// within floodGap of the one before), the writer waits fillWait after each
// for the next to fill up, so that a flood goes out in fewer, fuller
// messages (fewer writes, and a wakeup of the writer per message rather
// than per read of the engine's stream). A line after a quiet spell goes
// out at once; one during a flood waits at most fillWait more. fillWait is
// a frame at 60 Hz: a browser shows no line sooner than its next frame,
// and each message costs its renderer's main thread about as much to
// receive as to parse, whatever its size (docs/performance.md).
const (
	floodGap = 10 * time.Millisecond
	fillWait = 16 * time.Millisecond
)

// errLogsRemoved ends a logs socket once every container it followed was
// removed, errServerClosing when the server shuts down, and
// errFollowFailed one whose follow failed.
var (
	errLogsRemoved   = errors.New("every container followed was removed")
	errServerClosing = errors.New("server shutting down")
	errFollowFailed  = errors.New("follow logs")
)

// logsRequest is what a logs socket was asked for.
type logsRequest struct {
	engine string
	ids    []string
	from   logs.Query
}

// parseLogsRequest checks the parameters of GET /ws/logs; the error names
// the parameter at fault.
func parseLogsRequest(r *http.Request) (logsRequest, error) {
	q := r.URL.Query()
	req := logsRequest{engine: q.Get("engine"), ids: q["id"]}
	if req.engine == "" {
		return req, errors.New("engine: missing (the engine of the containers)")
	}
	if len(req.ids) == 0 {
		return req, errors.New("id: missing (at least one container)")
	}
	if len(req.ids) > MaxLogContainers {
		return req, fmt.Errorf("id: %d containers, at most %d", len(req.ids), MaxLogContainers)
	}
	seen := make(map[string]bool, len(req.ids))
	for _, id := range req.ids {
		if id == "" {
			return req, errors.New("id: empty")
		}
		if seen[id] {
			return req, fmt.Errorf("id: %q named twice", model.Cut(id, model.MaxWord))
		}
		seen[id] = true
	}
	if q.Has("tail") && q.Has("since") {
		return req, errors.New("tail and since: give one or the other")
	}
	req.from.Tail = logs.DefaultTail
	if q.Has("tail") {
		n, err := intParam(q.Get("tail"), "tail", 0, logs.MaxTail)
		if err != nil {
			return req, err
		}
		req.from.Tail = n
		if n == 0 {
			// No earlier line: the lines written from now on, by this
			// machine's clock (a Query's Tail 0 is the default tail).
			req.from = logs.Query{Since: time.Now().UTC().Format(logTimeLayout)}
		}
	}
	if q.Has("since") {
		t, err := timeParam(q.Get("since"), "since")
		if err != nil {
			return req, err
		}
		req.from = logs.Query{Since: t}
	}
	return req, nil
}

// intParam parses a whole number in [lo, hi].
func intParam(v, name string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, model.Cut(v, model.MaxWord), lo, hi)
	}
	return n, nil
}

// timeParam checks a line time (RFC 3339, as logs.Line has it) and gives it
// back in the lines' own form, UTC with nine fraction digits.
func timeParam(v, name string) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return "", fmt.Errorf("%s=%q: want a time as the lines have it, RFC 3339 (2026-12-02T06:43:20.558123456Z)", name, model.Cut(v, model.MaxWord))
	}
	return t.UTC().Format(logTimeLayout), nil
}

// logTimeLayout is the form of every line's time: fixed width, so that
// string order is time order.
const logTimeLayout = "2006-01-02T15:04:05.000000000Z"

// serveLogsWS runs one logs socket: logs.hello, then the containers' lines
// as they come, with skip notices and state changes, until every container
// is removed, the client leaves, or the server shuts down.
func (s *Server) serveLogsWS(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Logs == nil {
		writeError(w, http.StatusNotImplemented, "logs are not available here")
		return
	}
	req, err := parseLogsRequest(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ictx, icancel := context.WithTimeout(r.Context(), InspectTimeout)
	targets, err := s.cfg.Logs.LogTargets(ictx, req.engine, req.ids)
	icancel()
	if err != nil {
		s.log.Info("logs socket refused", zap.String("engine", s.guard.redact(req.engine)), zap.String("error", s.guard.redact(err.Error())))
		writeError(w, statusOf(err), err.Error())
		return
	}
	hello := protocol.LogsHello{Containers: targets, MaxLineBytes: logs.MaxLineBytes}
	conn, ctx, cancel, release, ok := s.openSocket(w, r, &s.logConns, s.cfg.MaxLogConns)
	if !ok {
		return
	}
	defer release()
	log := s.log.With(zap.String("remote", r.RemoteAddr), zap.String("socket", "logs"))
	readerDone := s.startReading(r.Context(), conn, cancel, func(typ websocket.MessageType, _ []byte) error {
		return fmt.Errorf("%w: a %v message", errClientMessage, typ)
	})
	defer func() {
		conn.CloseNow()
		<-readerDone
	}()

	err = endCause(ctx, s.streamLogs(ctx, conn, req, hello, log), readerDone)
	switch {
	case errors.Is(err, errLogsRemoved):
		log.Debug("logs socket ended", zap.Error(err))
		_ = conn.Close(websocket.StatusNormalClosure, "every container was removed") // best effort
		return
	case errors.Is(err, errFollowFailed):
		msg := s.guard.redact(err.Error())
		log.Info("logs socket ended", zap.String("error", msg))
		// A close reason holds at most 123 bytes.
		_ = conn.Close(websocket.StatusInternalError, model.Cut(msg, 120)) // best effort
		return
	}
	s.ended(conn, err, log, "invalid client message: clients send nothing on /ws/logs")
}

// streamLogs follows the containers into the socket's queue and writes the
// queue to the client. The reader only ever queues or counts, so a client
// that cannot keep up costs its own queue and nothing else.
func (s *Server) streamLogs(ctx context.Context, conn *websocket.Conn, req logsRequest, hello protocol.LogsHello, log *zap.Logger) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	q := newLogQueue(s.cfg.LogQueueLines, s.cfg.LogQueueBytes)
	var seq uint64
	send := func(typ string, data any) error {
		seq++
		frame, err := protocol.Encode(typ, seq, data)
		if err != nil {
			return err
		}
		if err := s.write(conn, frame); err != nil {
			return fmt.Errorf("write %s %d: %w", typ, seq, err)
		}
		return nil
	}
	if err := send(protocol.TypeLogsHello, hello); err != nil {
		return err
	}
	log.Debug("logs socket open", zap.String("engine", s.guard.redact(req.engine)), zap.Int("containers", len(req.ids)))

	followed := make(chan error, 1)
	go func() {
		followed <- s.cfg.Logs.FollowLogs(ctx, req.engine, req.ids, req.from, q.push, func(st logs.State) {
			q.pushState(protocol.LogsState{Engine: st.Engine, ID: st.ID, State: st.State, Reason: st.Reason})
		})
	}()
	// Whatever ends the socket, the follow ends with it before the queue
	// is let go.
	over := false
	defer func() {
		cancel(nil)
		if !over {
			<-followed
		}
	}()
	go s.pinger(ctx, cancel, conn)

	var buf []byte        // the lines' messages, reused
	var batch []logs.Line // the lines of one message, reused
	var lastLines time.Time
	fill := time.NewTimer(time.Hour)
	fill.Stop()
	defer fill.Stop()
	for {
		lines, other := q.next(batch, protocol.MaxLogsBatchLines, protocol.MaxLogsBatchBytes)
		var err error
		switch {
		case lines != nil:
			seq++
			buf = protocol.AppendLogsLines(buf[:0], seq, lines)
			if err = s.write(conn, buf); err != nil {
				err = fmt.Errorf("write %s %d: %w", protocol.TypeLogsLines, seq, err)
			}
			if cap(buf) > 1<<20 {
				buf = nil // a batch of long lines: not kept for the next
			}
			clear(lines) // their text is sent: not held until the next batch
			batch = lines
			now := time.Now()
			flooding := now.Sub(lastLines) < floodGap
			lastLines = now
			if err == nil && flooding && !q.holds(protocol.MaxLogsBatchLines, protocol.MaxLogsBatchBytes) {
				// Lines keep coming: the next message waits a moment to
				// fill up rather than go out with the next read's few.
				fill.Reset(fillWait)
				select {
				case <-ctx.Done():
					return context.Cause(ctx)
				case <-s.closing:
					return errServerClosing
				case <-fill.C:
				}
			}
		case other.skip != nil:
			err = send(protocol.TypeLogsSkipped, other.skip)
		case other.state != nil:
			err = send(protocol.TypeLogsState, other.state)
		case over:
			// The follow is over and every line and notice is sent.
			return errLogsRemoved
		default:
			select {
			case <-ctx.Done():
				return context.Cause(ctx)
			case <-s.closing:
				return errServerClosing
			case <-q.Ready():
			case ferr := <-followedOrNil(followed, over):
				over = true
				if ferr != nil && ctx.Err() == nil {
					return fmt.Errorf("%w: %w", errFollowFailed, ferr)
				}
				// Every container was removed: what is queued still goes.
				q.flushSkips()
			}
		}
		if err != nil {
			return err
		}
	}
}

// followedOrNil is the follow's end while it has not been received, then
// nil (a channel that never delivers).
func followedOrNil(ch <-chan error, over bool) <-chan error {
	if over {
		return nil
	}
	return ch
}

// serveLogs answers GET /api/engines/{engine}/containers/{id}/logs with a
// logs.Page.
func (s *Server) serveLogs(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Logs == nil {
		writeError(w, http.StatusNotImplemented, "logs are not available here")
		return
	}
	engine, id := r.PathValue("engine"), r.PathValue("id")
	q, err := parseLogsQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	release, ok := s.heavySlot(w)
	if !ok {
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), LogsTimeout)
	defer cancel()
	page, err := s.cfg.Logs.Logs(ctx, engine, id, q)
	if err != nil {
		s.log.Info("logs refused", zap.String("engine", s.guard.redact(engine)),
			zap.String("container", s.guard.redact(id)), zap.String("error", s.guard.redact(err.Error())))
		writeError(w, statusOf(err), err.Error())
		return
	}
	s.writeJSON(w, r, page)
}

// LogsTimeout bounds one page of logs, from either transport.
const LogsTimeout = 30 * time.Second

// parseLogsQuery reads the parameters of the polling route into a
// logs.Query and checks it (CheckLogsQuery); the error names the parameter
// at fault. A number given must be at least 1: 0 is the zero value, which
// a query leaves to its default.
func parseLogsQuery(r *http.Request) (logs.Query, error) {
	v := r.URL.Query()
	var q logs.Query
	var err error
	for _, p := range []struct {
		name string
		to   *int
		max  int
	}{{"tail", &q.Tail, logs.MaxTail}, {"limit", &q.Limit, logs.MaxLimit}} {
		if v.Has(p.name) {
			if *p.to, err = intParam(v.Get(p.name), p.name, 1, p.max); err != nil {
				return q, err
			}
		}
	}
	if v.Has("cursor") && v.Get("cursor") == "" {
		return q, errors.New("cursor: empty")
	}
	q.Since, q.Until, q.Cursor = v.Get("since"), v.Get("until"), v.Get("cursor")
	return CheckLogsQuery(q)
}

// CheckLogsQuery checks a query of the polling route or the bound Logs
// method and fills in its defaults: without Since or Cursor, the last Tail
// lines (default logs.DefaultTail); from Since or Cursor, at most Limit
// lines (default logs.DefaultLimit); either up to Until (the last lines
// before a time: what "load earlier" asks). Since and Until come back
// in the lines' own time form. The error wraps model.ErrInvalid and names
// the parameter at fault.
func CheckLogsQuery(q logs.Query) (logs.Query, error) {
	q, err := checkLogsQuery(q)
	if err != nil {
		return q, fmt.Errorf("%w (%w)", err, model.ErrInvalid)
	}
	return q, nil
}

func checkLogsQuery(q logs.Query) (logs.Query, error) {
	var err error
	from := q.Since != "" || q.Cursor != ""
	switch {
	case q.Tail < 0 || q.Tail > logs.MaxTail:
		return q, fmt.Errorf("tail=%d: want a whole number from 1 to %d", q.Tail, logs.MaxTail)
	case q.Limit < 0 || q.Limit > logs.MaxLimit:
		return q, fmt.Errorf("limit=%d: want a whole number from 1 to %d", q.Limit, logs.MaxLimit)
	case q.Tail > 0 && from:
		return q, errors.New("tail: not with since or cursor (tail is the last lines; since and cursor start from a point)")
	case q.Since != "" && q.Cursor != "":
		return q, errors.New("since and cursor: give one or the other (the cursor already says where to go on)")
	case q.Limit > 0 && !from:
		return q, errors.New("limit: needs since or cursor (without them, tail says how many)")
	}
	if q.Since != "" {
		if q.Since, err = timeParam(q.Since, "since"); err != nil {
			return q, err
		}
	}
	if q.Until != "" {
		until := q.Until
		if q.Until, err = timeParam(until, "until"); err != nil {
			return q, err
		}
		if q.Since != "" && q.Until < q.Since {
			return q, fmt.Errorf("until=%q: before since", model.Cut(until, model.MaxWord))
		}
	}
	if !from {
		q.Tail = cmp.Or(q.Tail, logs.DefaultTail)
	} else {
		q.Limit = cmp.Or(q.Limit, logs.DefaultLimit)
	}
	return q, nil
}

// serveLastWords answers GET /api/engines/{engine}/containers/{id}/lastwords
// with a logs.LastWords, 404 when none were kept.
func (s *Server) serveLastWords(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Logs == nil {
		writeError(w, http.StatusNotImplemented, "logs are not available here")
		return
	}
	engine, id := r.PathValue("engine"), r.PathValue("id")
	lw, err := s.cfg.Logs.LastWords(engine, id)
	if err != nil {
		writeError(w, statusOf(err), err.Error())
		return
	}
	s.jsonOf(func() any { return lw })(w, r)
}
