// Package service assembles Dockpulse's backend: the Docker adapter, the
// store, the stats collector, the engine watcher and the local server. The
// desktop app and `dockpulse serve` run the same Service; only the server's
// options differ.
package service

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/stats"
	"github.com/dockpulse/dockpulse/backend/store"
	"github.com/dockpulse/dockpulse/backend/watcher"
)

// EngineName is the name of the engine that DockerHost (or DOCKER_HOST)
// names: the docker command's default context.
const EngineName = engines.DefaultContext

// Config gathers the components' options.
type Config struct {
	// Engines are the engines to watch, as backend/engines resolved them,
	// in the order they are listed; each one's Name names it everywhere and
	// must be unique. Empty: the one engine Engine names, or the docker
	// command's current one.
	Engines []engines.Endpoint
	// Engine is the engine to watch when Engines is empty, as
	// backend/engines resolved it. When it has no Host, the engine is
	// resolved as the docker command would, with DockerHost as --host.
	Engine engines.Endpoint
	// DockerHost, when set and Engine is not, is the engine's endpoint, as
	// the docker command's --host.
	DockerHost string
	// StatsMode is protocol.StatsVisible (containers some client shows
	// streamed at 1 Hz, the rest sampled every Stats.Background; see
	// docs/performance.md for when that lowers the engine's cost), which the
	// dockpulse command runs unless told otherwise (--stats), or
	// protocol.StatsAll (every running container streamed at 1 Hz). The
	// zero value "" is StatsAll.
	StatsMode string
	// StatsSource is StatsSourceAuto, StatsSourceKernel or
	// StatsSourceEngine; the dockpulse command runs auto unless told
	// otherwise (--stats-source). The zero value "" is StatsSourceEngine.
	// It applies to each engine: only a local one can read the kernel's.
	StatsSource string
	// WatchNone starts with no engine watched, Engines and Engine aside:
	// the user switched every one off. Default false.
	WatchNone bool
	// RememberWatched, when set, is told the engines watched (by name, in
	// order) after each switch on or off (SetWatched): the desktop app
	// saves them for its next launch.
	RememberWatched func(watched []string) error
	Server          server.Config
	Stats           stats.Config
	Watcher         watcher.Config
	Store           store.Config
}

// Endpoint is where and how a client reaches the live stream.
type Endpoint struct {
	URL   string `json:"url"`   // ws://127.0.0.1:PORT/ws
	Token string `json:"token"` // pass as the token query parameter
}

// Service is the running backend.
type Service struct {
	Store  *store.Store
	Hub    *hub.Hub
	Server *server.Server

	engines *watching    // every engine watched, in order and by name, as switched (switch.go)
	keeper  *logs.Keeper // the last words of every engine's containers (logs.go)

	cfg    Config      // for the engines switched on later
	base   *zap.Logger // for their components, which add their own names
	log    *zap.Logger
	cancel context.CancelFunc
}

// New builds the backend for cfg.Engines, or cfg.Engine, or the engine the
// docker command would use. Nothing runs until Start.
func New(cfg Config, log *zap.Logger) (*Service, error) {
	if err := CheckStatsMode(cfg.StatsMode); err != nil {
		return nil, err
	}
	if err := CheckStatsSource(cfg.StatsSource); err != nil {
		return nil, err
	}
	var eps []engines.Endpoint
	if !cfg.WatchNone {
		var err error
		if eps, err = endpointsOf(cfg); err != nil {
			return nil, err
		}
	}
	h := hub.New()
	st := store.New(h, cfg.Store, log)
	set := engineSet{byName: make(map[string]*Engine, len(eps))}
	keep := logs.NewKeeper(log)
	for _, ep := range eps {
		e, err := newEngine(ep, cfg, st, keep, log)
		if err != nil {
			return nil, errors.Join(err, set.close())
		}
		set.list = append(set.list, e)
		set.byName[e.Name] = e
	}
	w := newWatching(set)
	svc := &Service{
		Store:   st,
		Hub:     h,
		engines: w,
		keeper:  keep,
		cfg:     cfg,
		base:    log,
		log:     log.With(zap.String("component", "service")),
	}
	if cfg.Server.Actions == nil {
		cfg.Server.Actions = w
	}
	if cfg.Server.Inspector == nil {
		cfg.Server.Inspector = w
	}
	if cfg.StatsMode == protocol.StatsVisible {
		cfg.Server.Viewer = w
	}
	if cfg.Server.Switcher == nil {
		cfg.Server.Switcher = svc
	}
	if cfg.Server.Logs == nil {
		cfg.Server.Logs = svc
	}
	srv, err := server.New(cfg.Server, st, h, log)
	if err != nil {
		return nil, errors.Join(err, set.close())
	}
	svc.Server = srv
	return svc, nil
}

// endpointsOf is the engines cfg asks for, each name once.
func endpointsOf(cfg Config) ([]engines.Endpoint, error) {
	eps := cfg.Engines
	if len(eps) == 0 {
		ep := cfg.Engine
		if ep.Host == "" {
			var err error
			if ep, err = engines.Resolve(engines.Options{Host: cfg.DockerHost}); err != nil {
				return nil, err
			}
		}
		eps = []engines.Endpoint{ep}
	}
	seen := make(map[string]bool, len(eps))
	for _, ep := range eps {
		if seen[ep.Name] {
			return nil, fmt.Errorf("engine %q is listed twice: each engine is watched once", ep.Name)
		}
		seen[ep.Name] = true
	}
	return eps, nil
}

// Engine is the watched engine of that name: its client, collector and
// watcher.
func (s *Service) Engine(name string) (*Engine, bool) {
	e, ok := s.engines.current().byName[name]
	return e, ok
}

// EngineNames lists the watched engines' names, in the order given.
func (s *Service) EngineNames() []string {
	set := s.engines.current()
	names := make([]string, len(set.list))
	for i, e := range set.list {
		names[i] = e.Name
	}
	return names
}

// CheckStatsMode accepts the stats modes a user may choose, and "" (the zero
// value of Config.StatsMode, meaning protocol.StatsAll).
func CheckStatsMode(mode string) error {
	switch mode {
	case "", protocol.StatsAll, protocol.StatsVisible:
		return nil
	}
	return fmt.Errorf("stats mode %q: want %q or %q", mode, protocol.StatsAll, protocol.StatsVisible)
}

// Start runs each engine's watcher and collector, then starts listening.
// No engine need be reachable: each watcher keeps trying, and the store says
// so. If the server cannot listen, the error is returned but the rest keeps
// running, so the polling fallback still works.
func (s *Service) Start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(ctx)
	s.engines.start(ctx)
	if err := s.Server.Start(); err != nil {
		return fmt.Errorf("live server: %w", err)
	}
	return nil
}

// Stop closes every connection and waits for every goroutine, or for ctx.
func (s *Service) Stop(ctx context.Context) error {
	var errs []error
	if err := s.Server.Shutdown(ctx); err != nil {
		errs = append(errs, err)
	}
	if s.cancel != nil {
		s.cancel()
	}
	done := make(chan struct{})
	go func() { s.engines.wait(); s.keeper.Close(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("stop: background work still running: %w", ctx.Err()))
	}
	if err := s.engines.current().close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Endpoint tells a client where the stream is.
func (s *Service) Endpoint() (Endpoint, error) {
	if s.Server.Addr() == "" {
		return Endpoint{}, errors.New("live server is not running")
	}
	return Endpoint{URL: s.Server.WebSocketURL(), Token: s.Server.Token()}, nil
}

// Snapshot and the accessors below are the polling fallback: the same
// shapes as the stream's snapshot, read straight from the store, so they
// work whether or not the WebSocket server is up.
func (s *Service) Snapshot() protocol.Snapshot { return s.Store.Snapshot() }

// Containers lists every known container.
func (s *Service) Containers() []model.Container { return s.Store.Containers() }

// Stats lists the latest samples.
func (s *Service) Stats() []model.Stats { return s.Store.Stats() }

// Engines lists engine facts and status.
func (s *Service) Engines() []model.EngineInfo { return s.Store.Engines() }

// Events lists recent engine events, oldest first.
func (s *Service) Events() []model.Event { return s.Store.Events() }

// History lists a container's recent samples (see store.History); the
// error wraps model.ErrNotFound for a container the store does not know.
func (s *Service) History(engine, id string) (protocol.History, error) {
	h, ok := s.Store.History(model.Key{Engine: engine, ID: id})
	if !ok {
		return h, fmt.Errorf("history of %s on engine %s: %w", id, engine, model.ErrNotFound)
	}
	return h, nil
}

// Act performs a container action on one engine (see docker.Actions). Its
// effect reaches every client through the engine's events. An engine the
// service does not watch is an error wrapping model.ErrNotFound (and
// model.ErrNoEngine) that names it.
func (s *Service) Act(ctx context.Context, engine, action, id string, opts model.ActOptions) error {
	return s.engines.Act(ctx, engine, action, id, opts)
}
