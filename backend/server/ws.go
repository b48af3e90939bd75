package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, ctx, cancel, release, ok := s.openSocket(w, r, &s.conns, s.cfg.MaxConns)
	if !ok {
		return
	}
	defer release()
	log := s.log.With(zap.String("remote", r.RemoteAddr))

	var view View
	if s.cfg.Viewer != nil {
		view = s.cfg.Viewer.OpenView()
		defer view.Close()
	}
	views := newRateLimiter(time.Now)
	readerDone := s.startReading(r.Context(), conn, cancel, func(typ websocket.MessageType, frame []byte) error {
		if typ != websocket.MessageText {
			return fmt.Errorf("%w: %v frame", errClientMessage, typ)
		}
		if !views.allow() {
			return errMessageFlood
		}
		v, err := protocol.DecodeView(frame)
		if err != nil {
			return fmt.Errorf("%w: %v", errClientMessage, err)
		}
		log.Debug("client view", zap.Int("containers", len(v.Containers)))
		if view != nil {
			view.Show(v.Containers)
		}
		return nil
	})
	defer func() {
		conn.CloseNow()
		<-readerDone
	}()

	s.ended(conn, endCause(ctx, s.stream(ctx, conn, log), readerDone), log, "invalid client message: clients send only views")
}

// admit counts one more connection in conns unless that would pass max, in
// which case it answers 503 itself; leave uncounts it.
func admit(w http.ResponseWriter, conns *atomic.Int64, max int) (leave func(), ok bool) {
	if n := conns.Add(1); n > int64(max) {
		conns.Add(-1)
		writeError(w, http.StatusServiceUnavailable, "too many connections")
		return nil, false
	}
	return func() { conns.Add(-1) }, true
}

// openSocket admits one more connection of a kind counted in conns, at
// most max, and upgrades the request to it (accept). When it cannot, it has
// answered and ok is false; otherwise release, once the connection is
// over, cancels its context and uncounts it, and Shutdown waits for that.
func (s *Server) openSocket(w http.ResponseWriter, r *http.Request, conns *atomic.Int64, max int) (conn *websocket.Conn, ctx context.Context, cancel context.CancelCauseFunc, release func(), ok bool) {
	leave, ok := admit(w, conns, max)
	if !ok {
		return nil, nil, nil, nil, false
	}
	s.wg.Add(1)
	conn, ctx, cancel, ok = s.accept(w, r)
	if !ok {
		s.wg.Done()
		leave()
		return nil, nil, nil, nil, false
	}
	return conn, ctx, cancel, func() {
		cancel(nil)
		s.wg.Done()
		leave()
	}, true
}

// accept upgrades an authorised request to a WebSocket. The context it
// returns is the connection's: cancelled, with the reason as its cause, by
// cancel or by a client that floods pings (errPingFlood). When the
// handshake fails it has answered and logged, and ok is false.
func (s *Server) accept(w http.ResponseWriter, r *http.Request) (conn *websocket.Conn, ctx context.Context, cancel context.CancelCauseFunc, ok bool) {
	// Made before the handshake: the ping callback runs inside reads, so it
	// always sees it.
	ctx, cancel = context.WithCancelCause(r.Context())
	pings := newRateLimiter(time.Now)
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// The guard has already checked Origin against the allow-list and
		// Host against loopback; the library's own check knows neither.
		InsecureSkipVerify: true,
		OnPingReceived: func(context.Context, []byte) bool {
			if pings.allow() {
				return true
			}
			cancel(errPingFlood)
			return false
		},
	})
	if err != nil {
		cancel(nil)
		// The library's error quotes the client's headers, which could hold
		// the token.
		s.log.Info("websocket handshake failed", zap.String("remote", r.RemoteAddr), zap.String("error", s.guard.redact(err.Error())))
		return nil, nil, nil, false
	}
	conn.SetReadLimit(s.cfg.ReadLimit)
	return conn, ctx, cancel, true
}

// startReading runs the connection's read loop until the connection ends,
// and returns a channel closed when it has.
//
// Its context is the request's, not the connection's: cancelling the
// context of a Read that has just returned can still close the connection
// (the library watches it a moment longer), which would cut the close frame
// we want to send.
func (s *Server) startReading(ctx context.Context, conn *websocket.Conn, cancel context.CancelCauseFunc, handle func(websocket.MessageType, []byte) error) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		readLoop(ctx, conn, cancel, handle)
	}()
	return done
}

// endCause is why a connection ended: what its read loop or a flood
// detector gave as the context's cause, when it did (whatever the writer
// tripped over then, that is why), else err, the writer's. readerDone is
// closed when the read loop has ended.
//
// A writer that finds the connection closed under it (net.ErrClosed) waits
// up to closeWait for the read loop: coder/websocket closes the connection
// inside Read as soon as the client's close frame arrives, so a write at
// that moment fails before the read loop has reported the client's close
// as the cause. Without the wait a client that left mid-flood would be
// logged as a connection that failed.
func endCause(ctx context.Context, err error, readerDone <-chan struct{}) error {
	if errors.Is(err, net.ErrClosed) {
		select {
		case <-readerDone:
		case <-time.After(closeWait):
		}
	}
	var ce websocket.CloseError
	if cause := context.Cause(ctx); errors.As(cause, &ce) || errors.Is(cause, errClientMessage) || errors.Is(cause, errPingFlood) || errors.Is(cause, errMessageFlood) {
		return cause
	}
	return err
}

// closeWait bounds endCause's wait for the read loop.
const closeWait = time.Second

// ended logs why a connection ended and closes it with the status that
// says so; invalid is the close reason for a client message the server
// does not take.
func (s *Server) ended(conn *websocket.Conn, err error, log *zap.Logger, invalid string) {
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce) || errors.Is(err, context.Canceled):
		log.Debug("client left", zap.Error(err))
	case errors.Is(err, errClientMessage):
		// The error may quote the client's message, which could hold the token.
		log.Info("client sent an invalid message", zap.String("error", s.guard.redact(err.Error())))
		_ = conn.Close(websocket.StatusPolicyViolation, invalid) // best effort
	case errors.Is(err, errPingFlood):
		log.Info("client flooded pings", zap.Error(err))
		_ = conn.Close(websocket.StatusPolicyViolation, "too many pings") // best effort
	case errors.Is(err, errMessageFlood):
		log.Info("client flooded messages", zap.Error(err))
		_ = conn.Close(websocket.StatusPolicyViolation, "too many messages") // best effort
	case errors.Is(err, hub.ErrTooSlow):
		log.Warn("client dropped", zap.Error(err))
		_ = conn.Close(websocket.StatusPolicyViolation, "too slow: reconnect to resync") // best effort to a stuck peer
	case errors.Is(err, hub.ErrClosed) || errors.Is(err, errServerClosing):
		_ = conn.Close(websocket.StatusGoingAway, "server shutting down") // best effort
	case err != nil:
		log.Info("connection ended", zap.Error(err))
	}
}

// errClientMessage ends a connection whose client sent something other than
// a valid view.
var errClientMessage = errors.New("invalid client message")

// errPingFlood ends a connection whose client sends pings faster than the
// rate limit allows; errMessageFlood one that sends views faster.
var (
	errPingFlood    = errors.New("client sent too many pings")
	errMessageFlood = errors.New("client sent too many messages")
)

// A client needs no pings at all (the server pings it, and a browser cannot
// send them); a native client may check the connection now and then. A view
// changes as the user scrolls, and the UI sends at most one every 250 ms.
// Each ping costs a pong write and each view a refocus of the collector, so
// a client that floods either is cut rather than served at wire speed.
// Pings and views have a bucket each, of this size and refill rate.
const (
	rateBurst = 20
	rateLimit = 5 // per second, sustained
)

// rateLimiter is a token bucket for one connection's pings or views. It is
// used only by the connection's read loop, so it needs no lock.
type rateLimiter struct {
	now    func() time.Time
	tokens float64
	last   time.Time
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, tokens: rateBurst, last: now()}
}

// allow takes a token, reporting false when none is left.
func (l *rateLimiter) allow() bool {
	t := l.now()
	l.tokens = min(rateBurst, l.tokens+t.Sub(l.last).Seconds()*rateLimit)
	l.last = t
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// readLoop reads the client's messages (and, inside Read, its pongs, pings
// and close frame) until the connection ends, giving each to handle; an
// error from handle ends the connection with it as the cause.
//
// Not conn.CloseRead: in coder/websocket v1.8.15 its goroutine, on a data
// message, calls Close, which waits for that same goroutine to exit and so
// hangs for 15 s.
func readLoop(ctx context.Context, conn *websocket.Conn, cancel context.CancelCauseFunc, handle func(websocket.MessageType, []byte) error) {
	for {
		typ, frame, err := conn.Read(ctx)
		if err != nil {
			cancel(err)
			return
		}
		if err := handle(typ, frame); err != nil {
			cancel(err)
			return
		}
	}
}

// stream runs one client: hello, snapshot, then deltas and heartbeats.
func (s *Server) stream(ctx context.Context, conn *websocket.Conn, log *zap.Logger) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	sub, snap := s.store.Subscribe(s.cfg.QueueSize)
	defer s.hub.Unsubscribe(sub)

	statsMode, background := protocol.StatsAll, time.Duration(0)
	if s.cfg.Viewer != nil {
		statsMode, background = protocol.StatsVisible, s.cfg.Viewer.Background()
	}
	hello, err := protocol.Encode(protocol.TypeHello, snap.Seq, protocol.Hello{
		Server:          "dockpulse",
		Version:         s.cfg.Version,
		Protocol:        protocol.Version,
		HeartbeatMs:     s.cfg.Heartbeat.Milliseconds(),
		StatsIntervalMs: s.cfg.StatsInterval.Milliseconds(),
		StatsMode:       statsMode,
		BackgroundMs:    background.Milliseconds(),
	})
	if err != nil {
		return err
	}
	if err := s.write(conn, hello); err != nil {
		return fmt.Errorf("write hello: %w", err)
	}
	frame, err := protocol.Encode(protocol.TypeSnapshot, snap.Seq, snap)
	if err != nil {
		return err
	}
	if err := s.write(conn, frame); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	log.Debug("client connected", zap.Uint64("seq", snap.Seq), zap.Int("containers", len(snap.Containers)))

	go s.pinger(ctx, cancel, conn)

	// Deltas are consecutive, so the last one written is known without
	// decoding; heartbeats report it, never a later one still queued.
	last := snap.Seq
	beat := time.NewTicker(s.cfg.Heartbeat)
	defer beat.Stop()
	var batch batcher
	for {
		frame := batch.carried()
		if frame == nil {
			select {
			case <-ctx.Done():
				return context.Cause(ctx)
			case <-sub.Done():
				return sub.Err()
			case frame = <-sub.Queue():
			case now := <-beat.C:
				frame, err := protocol.Encode(protocol.TypeHeartbeat, last, protocol.Heartbeat{Time: now.UnixMilli()})
				if err != nil {
					return err
				}
				if err := s.write(conn, frame); err != nil {
					return fmt.Errorf("write heartbeat: %w", err)
				}
				continue
			}
		}
		msg, n := batch.join(sub.Queue(), frame)
		if err := s.write(conn, msg); err != nil {
			return fmt.Errorf("write deltas %d-%d: %w", last+1, last+uint64(n), err)
		}
		last += uint64(n)
	}
}

// maxBatch caps one message of several deltas: large enough that a burst
// to many clients costs a write per few dozen deltas instead of one each,
// small enough for a client's default read limit (coder/websocket: 32 KiB).
const maxBatch = 16 << 10

// batcher joins the deltas waiting in a client's queue into one message, so
// that a client that fell behind (a burst, a slow network) catches up with a
// write per batch rather than a write per delta. It never waits: a client
// that keeps up gets each delta on its own, at once.
type batcher struct {
	buf   []byte // the joined message, reused
	carry []byte // a delta taken from the queue that did not fit: next message's first
}

// carried returns the delta held over from the last message, if any.
func (b *batcher) carried() []byte {
	f := b.carry
	b.carry = nil
	return f
}

// join returns first joined (protocol.Separator between them) with the
// deltas already queued behind it, up to maxBatch bytes, and how many deltas
// the message holds. A delta that would not fit waits for the next message;
// a first delta larger than maxBatch goes alone.
func (b *batcher) join(queue <-chan []byte, first []byte) ([]byte, int) {
	msg, n := first, 1
	for {
		var next []byte
		select {
		case next = <-queue:
		default:
			return msg, n
		}
		if len(msg)+1+len(next) > maxBatch {
			b.carry = next
			return msg, n
		}
		if n == 1 {
			b.buf = append(b.buf[:0], first...)
		}
		b.buf = append(append(b.buf, protocol.Separator), next...)
		msg, n = b.buf, n+1
	}
}

// pinger notices a peer that stopped answering without closing (a dead
// network path, a frozen process), which no write would reveal while the
// kernel's buffers still take data.
func (s *Server) pinger(ctx context.Context, cancel context.CancelCauseFunc, conn *websocket.Conn) {
	t := time.NewTicker(s.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, pcancel := context.WithTimeout(ctx, s.cfg.Heartbeat)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				cancel(fmt.Errorf("ping: %w", err))
				return
			}
		}
	}
}

// write sends one frame within WriteTimeout. Its context only times out: it
// is never cancelled with the connection's, because coder/websocket closes
// the connection when a write's context ends even a moment after the write
// completed, which would cut the close frame that explains the end.
func (s *Server) write(conn *websocket.Conn, frame []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.WriteTimeout)
	defer cancel()
	return conn.Write(ctx, websocket.MessageText, frame)
}
