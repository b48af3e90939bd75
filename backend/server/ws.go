package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if n := s.conns.Add(1); n > int64(s.cfg.MaxConns) {
		s.conns.Add(-1)
		writeError(w, http.StatusServiceUnavailable, "too many connections")
		return
	}
	defer s.conns.Add(-1)
	s.wg.Add(1)
	defer s.wg.Done()

	// The read loop's cancel, set before the first read: the ping callback
	// runs inside reads, so it always sees it.
	var cancelConn context.CancelCauseFunc
	pings := newPingLimiter(time.Now)
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// The guard has already checked Origin against the allow-list and
		// Host against loopback; the library's own check knows neither.
		InsecureSkipVerify: true,
		OnPingReceived: func(context.Context, []byte) bool {
			if pings.allow() {
				return true
			}
			cancelConn(errPingFlood)
			return false
		},
	})
	if err != nil {
		s.log.Info("websocket handshake failed", zap.String("remote", r.RemoteAddr), zap.Error(err))
		return
	}
	conn.SetReadLimit(s.cfg.ReadLimit)
	log := s.log.With(zap.String("remote", r.RemoteAddr))

	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	cancelConn = cancel
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		// Not ctx: cancelling the context of a Read that has just returned
		// can still close the connection (the library watches it a moment
		// longer), which would cut the close frame we want to send.
		s.readLoop(r.Context(), conn, cancel)
	}()
	defer func() {
		conn.CloseNow()
		<-readerDone
	}()

	err = s.stream(ctx, conn, log)
	if cause := context.Cause(ctx); errors.Is(cause, errClientMessage) || errors.Is(cause, errPingFlood) {
		err = cause // whatever the writer tripped over, this is why
	}
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce) || errors.Is(err, context.Canceled):
		log.Debug("client left", zap.Error(err))
	case errors.Is(err, errClientMessage):
		log.Info("client sent a message", zap.Error(err))
		_ = conn.Close(websocket.StatusPolicyViolation, "clients send no messages in protocol v1") // best effort
	case errors.Is(err, errPingFlood):
		log.Info("client flooded pings", zap.Error(err))
		_ = conn.Close(websocket.StatusPolicyViolation, "too many pings") // best effort
	case errors.Is(err, hub.ErrTooSlow):
		log.Warn("client dropped", zap.Error(err))
		_ = conn.Close(websocket.StatusPolicyViolation, "too slow: reconnect to resync") // best effort to a stuck peer
	case errors.Is(err, hub.ErrClosed):
		_ = conn.Close(websocket.StatusGoingAway, "server shutting down") // best effort
	case err != nil:
		log.Info("connection ended", zap.Error(err))
	}
}

// errClientMessage ends a connection whose client sent a data message.
var errClientMessage = errors.New("unexpected client message")

// errPingFlood ends a connection whose client sends pings faster than
// pingRate (after a burst of pingBurst).
var errPingFlood = errors.New("client sent too many pings")

// A client needs no pings at all (the server pings it, and a browser cannot
// send them); a native client may check the connection now and then. Each
// ping costs a pong write, so a client that floods them is cut rather than
// answered at wire speed.
const (
	pingBurst = 20
	pingRate  = 5 // per second, sustained
)

// pingLimiter is a token bucket for one connection's pings. It is used only
// by the connection's read loop, so it needs no lock.
type pingLimiter struct {
	now    func() time.Time
	tokens float64
	last   time.Time
}

func newPingLimiter(now func() time.Time) *pingLimiter {
	return &pingLimiter{now: now, tokens: pingBurst, last: now()}
}

// allow takes a token for one ping, reporting false when none is left.
func (l *pingLimiter) allow() bool {
	t := l.now()
	l.tokens = min(pingBurst, l.tokens+t.Sub(l.last).Seconds()*pingRate)
	l.last = t
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// readLoop reads so that pongs and close frames are processed. Protocol v1
// has no client messages, so any data message ends the connection.
//
// Not conn.CloseRead: in coder/websocket v1.8.15 its goroutine, on a data
// message, calls Close, which waits for that same goroutine to exit and so
// hangs for 15 s.
func (s *Server) readLoop(ctx context.Context, conn *websocket.Conn, cancel context.CancelCauseFunc) {
	typ, _, err := conn.Read(ctx)
	if err != nil {
		cancel(err)
		return
	}
	cancel(fmt.Errorf("%w (%v frame)", errClientMessage, typ))
}

// stream runs one client: hello, snapshot, then deltas and heartbeats.
func (s *Server) stream(ctx context.Context, conn *websocket.Conn, log *zap.Logger) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	sub, snap := s.store.Subscribe(s.cfg.QueueSize)
	defer s.hub.Unsubscribe(sub)

	hello, err := protocol.Encode(protocol.TypeHello, snap.Seq, protocol.Hello{
		Server:            "dockpulse",
		Version:           s.cfg.Version,
		Protocol:          protocol.Version,
		HeartbeatMillis:   s.cfg.Heartbeat.Milliseconds(),
		StatsIntervalMsec: s.cfg.StatsInterval.Milliseconds(),
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
	for {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-sub.Done():
			return sub.Err()
		case frame := <-sub.Queue():
			if err := s.write(conn, frame); err != nil {
				return fmt.Errorf("write delta %d: %w", last+1, err)
			}
			last++
		case now := <-beat.C:
			frame, err := protocol.Encode(protocol.TypeHeartbeat, last, protocol.Heartbeat{Time: now.UnixMilli()})
			if err != nil {
				return err
			}
			if err := s.write(conn, frame); err != nil {
				return fmt.Errorf("write heartbeat: %w", err)
			}
		}
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
