// Package server is Dockpulse's local HTTP server: the WebSocket stream at
// /ws, the polling fallback as JSON under /api/, and in serve mode the
// built UI at /.
//
// It listens on loopback only unless told otherwise on purpose, and every
// request passes the guard (Host, Origin, token) first.
//
// Each WebSocket connection gets "hello", then the snapshot, then the
// deltas the store publishes after it, in order, and a heartbeat when quiet.
// A connection whose queue overflows (the client cannot keep up) is closed
// with a policy-violation status; the client reconnects and resyncs. Every
// write has its own timeout, so a stuck peer costs one goroutine until the
// timeout, never a delay for anyone else.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/store"
)

// DefaultActionTimeout bounds one container action, from the UI through
// either transport, unless Config.ActionTimeout says otherwise: a stop waits
// for the container's own stop timeout.
const DefaultActionTimeout = 2 * time.Minute

// Config tunes a Server.
type Config struct {
	// Addr is the listen address. Default "127.0.0.1:0": loopback, a port
	// the OS picks.
	Addr string
	// AllowRemote must be set to listen on a non-loopback address; it also
	// lifts the loopback Host check. Default false.
	AllowRemote bool
	// LoopbackHosts keeps the loopback Host check when AllowRemote lets the
	// server listen on a non-loopback address: for a server in a container,
	// which must listen on the container's own interface for a port that
	// is published on the host's loopback only. Default false.
	LoopbackHosts bool
	// Token is required on every request. Default: a fresh random one.
	Token string
	// UI, when set, is served at / with same-origin sockets allowed (serve
	// mode), and the page's routes are there: POST /api/session trades a
	// single-use code (Server.Code) for the token, GET /api/challenge
	// proves the server knows it. Default nil: the desktop app's webview
	// has its own UI and gets the token through a bound method.
	UI fs.FS
	// OnNewCode, when set, is called with the next single-use code each
	// time one is traded (serve prints a fresh address with it).
	OnNewCode func(code string)
	// Version is reported in hello. Default "dev".
	Version string
	// QueueSize is each client's queue, in messages. Default 1024: enough
	// for the first reconcile of a large engine to reach a client that
	// connected before it (frames are shared, so a slot costs a pointer).
	QueueSize int
	// WriteTimeout bounds every write to a client. Default 5s.
	WriteTimeout time.Duration
	// Heartbeat is the interval of heartbeat messages and pings; a client
	// that does not answer a ping within it is dropped. Default 5s.
	Heartbeat time.Duration
	// ReadLimit caps a client frame, in bytes. Default 16 KiB: a view of
	// protocol.MaxViewContainers containers with full IDs.
	ReadLimit int64
	// MaxConns caps concurrent WebSocket connections. Default 64.
	MaxConns int
	// StatsInterval is reported in hello. Default 1s.
	StatsInterval time.Duration
	// Actions performs container actions for
	// POST /api/engines/{engine}/containers/{id}/{action}.
	// Default nil: those requests answer 501.
	Actions Actor
	// ActionTimeout bounds one container action (a stop waits for the
	// container's own timeout). Default DefaultActionTimeout (2 minutes).
	ActionTimeout time.Duration
	// Inspector answers GET /api/engines/{engine}/containers/{id}/inspect.
	// Default nil: those requests answer 501.
	Inspector Inspector
	// Switcher answers GET /api/contexts and switches engines on and off
	// (PUT and DELETE /api/engines/{engine}/watch). Default nil: those
	// requests answer 501.
	Switcher Switcher
	// Viewer, when set, narrows stats sampling to what the clients show:
	// each connection opens a view, which its "view" messages update and
	// its end closes, and hello reports statsMode "visible". Default nil:
	// every running container is sampled and views are ignored.
	Viewer Viewer
	// Logs answers the logs routes: the logs socket GET /ws/logs, GET
	// /api/engines/{engine}/containers/{id}/logs and …/lastwords. Default
	// nil: those requests answer 501.
	Logs LogSource
	// MaxLogConns caps concurrent logs sockets, apart from MaxConns.
	// Default DefaultMaxLogConns (16).
	MaxLogConns int
	// LogQueueLines and LogQueueBytes bound each logs socket's queue: past
	// them its lines are counted, not queued, and the client is told how
	// many it skipped. Default DefaultLogQueueLines (4096) and
	// DefaultLogQueueBytes (8 MiB).
	LogQueueLines int
	LogQueueBytes int
}

// Viewer opens one View per connection.
type Viewer interface {
	OpenView() View
	// Background is how often a container outside every view is sampled.
	Background() time.Duration
}

// View is what one connection shows. A new view shows everything, so a
// client that never sends a view changes nothing.
type View interface {
	Show(keys []model.Key)
	Close()
}

// Actor performs container actions. Its errors wrap the model's ErrInvalid,
// ErrNotFound, ErrConflict or ErrUnavailable where one applies.
// An engine it does not know is an error wrapping model.ErrNotFound that
// names it.
type Actor interface {
	Act(ctx context.Context, engine, action, id string, opts model.ActOptions) error
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.QueueSize <= 0 {
		c.QueueSize = 1024
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 5 * time.Second
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = 16 << 10
	}
	if c.MaxConns <= 0 {
		c.MaxConns = 64
	}
	if c.StatsInterval <= 0 {
		c.StatsInterval = time.Second
	}
	if c.ActionTimeout <= 0 {
		c.ActionTimeout = DefaultActionTimeout
	}
	if c.MaxLogConns <= 0 {
		c.MaxLogConns = DefaultMaxLogConns
	}
	if c.LogQueueLines <= 0 {
		c.LogQueueLines = DefaultLogQueueLines
	}
	if c.LogQueueBytes <= 0 {
		c.LogQueueBytes = DefaultLogQueueBytes
	}
}

// Server serves one store.
type Server struct {
	cfg   Config
	store *store.Store
	hub   *hub.Hub
	guard *guard
	log   *zap.Logger
	mux   *http.ServeMux
	serve http.Handler // mux, wrapped by everyResponse

	refusals *refusalLog    // refused requests, logged at a bounded rate
	codes    *sessionCodes  // single-use codes for the page (serve mode)
	open     *lockedLimiter // the rate of requests to routes without a token
	heavy    chan struct{}  // a slot for each JSON answer in progress (heavySlot)

	conns    atomic.Int64
	logConns atomic.Int64   // logs sockets
	wg       sync.WaitGroup // live connections
	closing  chan struct{}  // closed by Shutdown: ends the logs sockets
	closeNow sync.Once

	mu   sync.Mutex
	http *http.Server
	ln   net.Listener
}

// New checks the configuration and builds a server; Start listens.
func New(cfg Config, st *store.Store, h *hub.Hub, log *zap.Logger) (*Server, error) {
	cfg.defaults()
	if !cfg.AllowRemote && !IsLoopbackAddr(cfg.Addr) {
		return nil, fmt.Errorf("listen address %q is not loopback: pass the allow-remote option to expose Docker control to the network", cfg.Addr)
	}
	cfg.Addr = pinLoopback(cfg.Addr)
	if cfg.Token == "" {
		tok, err := NewToken()
		if err != nil {
			return nil, err
		}
		cfg.Token = tok
	}
	s := &Server{
		cfg:   cfg,
		store: st,
		hub:   h,
		guard: newGuard(cfg.Token, WebviewOrigins, cfg.UI != nil, cfg.AllowRemote && !IsLoopbackAddr(cfg.Addr) && !cfg.LoopbackHosts),
		log:   log.With(zap.String("component", "server")),
		mux:   http.NewServeMux(),

		closing: make(chan struct{}),
	}
	s.refusals = newRefusalLog(s.log, s.guard)
	codes, err := newSessionCodes()
	if err != nil {
		return nil, err
	}
	s.codes = codes
	s.open = openLimiter()
	s.heavy = make(chan struct{}, maxHeavy)
	s.mux.Handle("GET /ws", s.guarded(s.serveWS))
	s.mux.Handle("GET /api/snapshot", s.guarded(s.jsonOf(func() any { return st.Snapshot() })))
	s.mux.Handle("GET /api/containers", s.guarded(s.jsonOf(func() any { return st.Containers() })))
	s.mux.Handle("GET /api/stats", s.guarded(s.jsonOf(func() any { return st.Stats() })))
	s.mux.Handle("GET /api/engines", s.guarded(s.jsonOf(func() any { return st.Engines() })))
	s.mux.Handle("GET /api/events", s.guarded(s.jsonOf(func() any { return st.Events() })))
	s.mux.Handle("POST /api/engines/{engine}/containers/{id}/{action}", s.guarded(s.serveAction))
	s.mux.Handle("GET /api/engines/{engine}/containers/{id}/history", s.guarded(s.serveHistory))
	s.mux.Handle("GET /api/engines/{engine}/containers/{id}/inspect", s.guarded(s.serveInspect))
	s.mux.Handle("GET /api/engines/{engine}/containers/{id}/logs", s.guarded(s.serveLogs))
	s.mux.Handle("GET /api/engines/{engine}/containers/{id}/lastwords", s.guarded(s.serveLastWords))
	s.mux.Handle("GET /ws/logs", s.guarded(s.serveLogsWS))
	s.mux.Handle("GET /api/contexts", s.guarded(s.serveContexts))
	s.mux.Handle("PUT /api/engines/{engine}/watch", s.guarded(s.serveWatch(true)))
	s.mux.Handle("DELETE /api/engines/{engine}/watch", s.guarded(s.serveWatch(false)))
	s.mux.Handle("GET /api/", s.guarded(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint")
	}))
	if cfg.UI != nil {
		s.mux.Handle("GET /api/challenge", s.unauthenticated(s.serveChallenge))
		s.mux.Handle("POST /api/session", s.unauthenticated(s.serveSession))
		s.mux.Handle("GET /", s.hostChecked(http.FileServerFS(noDirListing{cfg.UI})))
	}
	s.serve = everyResponse(s.mux)
	return s, nil
}

// Token is the secret every client must present. Never log it.
func (s *Server) Token() string { return s.cfg.Token }

// Code is the single-use code the page's address carries (serve mode): the
// page trades it for the token once, POST /api/session, and the next code
// is then this one's successor.
func (s *Server) Code() string { return s.codes.code() }

// Handler serves the routes without listening (for tests).
func (s *Server) Handler() http.Handler { return s.serve }

// Start listens and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           s.serve,
		ReadHeaderTimeout: 10 * time.Second,
		// An idle keep-alive connection would otherwise be kept forever: a
		// local process could hold thousands and exhaust descriptors.
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10, // a token, a few headers; not the 1 MB default
		ErrorLog:       zap.NewStdLog(s.log),
	}
	s.mu.Lock()
	s.http, s.ln = srv, ln
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", zap.Error(err))
		}
	}()
	s.log.Info("listening", zap.String("addr", ln.Addr().String()), zap.String("version", s.cfg.Version))
	return nil
}

// Addr is the address the server listens on, once started.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL is the server's base URL, e.g. http://127.0.0.1:43125.
func (s *Server) URL() string { return "http://" + s.Addr() }

// WebSocketURL is the stream's URL without the token.
func (s *Server) WebSocketURL() string { return "ws://" + s.Addr() + "/ws" }

// Connections is the number of open WebSocket connections.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// LogConnections is the number of open logs sockets.
func (s *Server) LogConnections() int { return int(s.logConns.Load()) }

// Shutdown stops accepting, closes every WebSocket (going away) and waits
// for their goroutines, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	var err error
	if srv != nil {
		err = srv.Shutdown(ctx) // hijacked WebSocket connections are not waited for here
	}
	s.hub.Close()
	s.closeNow.Do(func() { close(s.closing) })
	s.refusals.stop()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("shutdown: connections still open: %w", ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func (s *Server) guarded(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rej := s.guard.check(r); rej != nil {
			s.refusals.refused(r, rej)
			writeError(w, rej.status, rej.msg)
			return
		}
		h(w, r)
	})
}

// hostChecked guards the static UI: it holds no secret, but a page served to
// a rebound foreign name would run with our origin.
func (s *Server) hostChecked(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.guard.anyHost && !loopbackHost(r.Host) {
			writeError(w, http.StatusForbidden, "host not allowed: Dockpulse answers only on loopback")
			return
		}
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "no-referrer") // the page URL carries a code
		w.Header().Set("Content-Security-Policy", uiPolicy)
		h.ServeHTTP(w, r)
	})
}

func (s *Server) jsonOf(get func() any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		release, ok := s.heavySlot(w)
		if !ok {
			return
		}
		defer release()
		s.writeJSON(w, r, get())
	}
}

// writeJSON answers with v as JSON, within writeDeadline; the caller holds
// a heavySlot.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response", zap.String("path", s.guard.redact(r.URL.Path)), zap.Error(err))
		writeError(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	s.writeDeadline(w)
	if _, err := w.Write(body); err != nil {
		s.log.Debug("write response", zap.String("path", s.guard.redact(r.URL.Path)), zap.Error(err))
	}
}

// serveAction performs one container action; its effect reaches clients as
// the engine's events and the resulting deltas, like any other change.
func (s *Server) serveAction(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Actions == nil {
		writeError(w, http.StatusNotImplemented, "container actions are not available here")
		return
	}
	engine, action, id := r.PathValue("engine"), r.PathValue("action"), r.PathValue("id")
	var opts model.ActOptions
	for _, f := range []struct {
		name string
		to   *bool
	}{{"volumes", &opts.RemoveVolumes}, {"force", &opts.Force}} {
		switch v := r.URL.Query().Get(f.name); v {
		case "", "0", "false":
		case "1", "true":
			*f.to = true
		default:
			writeError(w, http.StatusBadRequest, fmt.Sprintf("%s=%q: want 1 or 0", f.name, v))
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	err := s.cfg.Actions.Act(ctx, engine, action, id, opts)
	if err == nil {
		s.log.Info("container action", zap.String("engine", s.guard.redact(engine)), zap.String("action", s.guard.redact(action)), zap.String("container", s.guard.redact(id)))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.log.Info("container action refused", zap.String("engine", s.guard.redact(engine)), zap.String("action", s.guard.redact(action)),
		zap.String("container", s.guard.redact(id)), zap.String("error", s.guard.redact(err.Error())))
	writeError(w, statusOf(err), err.Error())
}

// statusOf is the HTTP status of a failed request to the engine.
func statusOf(err error) int {
	switch {
	case errors.Is(err, model.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, model.ErrNotFound), errors.Is(err, model.ErrNoEngine):
		return http.StatusNotFound
	case errors.Is(err, model.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, model.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff") // the message may echo client input
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]string{"error": msg}) // a map of strings always encodes
	_, _ = w.Write(body)                                     // the client may be gone; nothing to do
}
