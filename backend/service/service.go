// Package service assembles Dockpulse's backend: the Docker adapter, the
// store, the stats collector, the engine watcher and the local server. The
// desktop app and `dockpulse serve` run the same Service; only the server's
// options differ.
package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/cgroupstats"
	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/hub"
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
	// Engine is the engine to watch, as backend/engines resolved it; its
	// Name names it everywhere. When it has no Host, the engine is resolved
	// as the docker command would, with DockerHost as --host.
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
	StatsSource string
	Server      server.Config
	Stats       stats.Config
	Watcher     watcher.Config
	Store       store.Config
}

// Endpoint is where and how a client reaches the live stream.
type Endpoint struct {
	URL   string `json:"url"`   // ws://127.0.0.1:PORT/ws
	Token string `json:"token"` // pass as the token query parameter
}

// Service is the running backend.
type Service struct {
	Docker    *docker.Client
	Store     *store.Store
	Hub       *hub.Hub
	Collector *stats.Collector
	Watcher   *watcher.Watcher
	Server    *server.Server

	kernel  *cgroupstats.Host // nil with the engine's stats
	clients clients           // every engine watched, by name

	log    *zap.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds the backend for cfg.Engine, or the engine the docker command
// would use. Nothing runs until Start.
func New(cfg Config, log *zap.Logger) (*Service, error) {
	if err := CheckStatsMode(cfg.StatsMode); err != nil {
		return nil, err
	}
	if err := CheckStatsSource(cfg.StatsSource); err != nil {
		return nil, err
	}
	ep := cfg.Engine
	if ep.Host == "" {
		var err error
		if ep, err = engines.Resolve(engines.Options{Host: cfg.DockerHost}); err != nil {
			return nil, err
		}
	}
	dc, err := docker.New(ep)
	if err != nil {
		return nil, err
	}
	name := dc.Engine()
	kernel, why, err := kernelSource(cfg.StatsSource, dc.Host())
	if err != nil {
		return nil, errors.Join(err, dc.Close())
	}
	logStatsSource(log, cfg.StatsSource, kernel, why)
	h := hub.New()
	st := store.New(h, cfg.Store, log)
	// The endpoint is known before the engine answers: an engine that never
	// comes up still says where Dockpulse looks for it.
	st.SetEngineStatus(name, model.EngineConnecting, "")
	st.SetEngineInfo(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: name}, Host: dc.Host()})
	if cfg.Server.Actions == nil {
		cfg.Server.Actions = dc
	}
	watched := clients{name: dc}
	if cfg.Server.Inspector == nil {
		cfg.Server.Inspector = watched
	}
	cfg.Stats.Engine = name
	cfg.Stats = withStatsSource(cfg.Stats, cfg.StatsSource, kernel, dc, func() (model.EngineInfo, bool) {
		for _, info := range st.Engines() {
			if info.Engine == name {
				return info, true
			}
		}
		return model.EngineInfo{}, false
	}, st.SetEngineInfo)
	col := stats.New(dc, st, cfg.Stats, log)
	if cfg.StatsMode == protocol.StatsVisible {
		cfg.Server.Viewer = collectorViewer{col}
	}
	srv, err := server.New(cfg.Server, st, h, log)
	if err != nil {
		return nil, errors.Join(err, dc.Close(), closeKernel(kernel))
	}
	return &Service{
		Docker:    dc,
		Store:     st,
		Hub:       h,
		Collector: col,
		Watcher:   watcher.New(statsInfoEngine{dc, col}, st, col, cfg.Watcher, log),
		Server:    srv,
		kernel:    kernel,
		clients:   watched,
		log:       log.With(zap.String("component", "service")),
	}, nil
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

// collectorViewer gives each connection a view of the collector.
type collectorViewer struct{ col *stats.Collector }

func (v collectorViewer) OpenView() server.View     { return v.col.OpenView() }
func (v collectorViewer) Background() time.Duration { return v.col.Background() }

// Start runs the watcher and the collector, then starts listening. The
// engine need not be reachable: the watcher keeps trying, and the store says
// so. If the server cannot listen, the error is returned but the rest keeps
// running, so the polling fallback still works.
func (s *Service) Start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(ctx)
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		if err := s.Collector.Run(ctx); err != nil {
			s.log.Error("stats collector stopped", zap.Error(err))
		}
	}()
	go func() {
		defer s.wg.Done()
		if err := s.Watcher.Run(ctx); err != nil {
			s.log.Error("engine watcher stopped", zap.Error(err))
		}
	}()
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
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("stop: background work still running: %w", ctx.Err()))
	}
	if err := s.Docker.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close docker client: %w", err))
	}
	if err := closeKernel(s.kernel); err != nil {
		errs = append(errs, fmt.Errorf("close kernel stats: %w", err))
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

// Act performs a container action on the engine (see docker.Actions). Its
// effect reaches every client through the engine's events.
func (s *Service) Act(ctx context.Context, action, id string, opts model.ActOptions) error {
	return s.Docker.Act(ctx, action, id, opts)
}
