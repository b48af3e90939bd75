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
	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/stats"
	"github.com/dockpulse/dockpulse/backend/store"
	"github.com/dockpulse/dockpulse/backend/watcher"
)

// InfoTimeout bounds the engine's answer to the info request that tells the
// watcher it is up: an engine that accepts connections and never answers is
// shown down after it (and retried), rather than connecting forever.
const InfoTimeout = 10 * time.Second

// Engine is one watched engine and everything that watches it: its Docker
// client, its kernel stats source (a local engine's cgroup files, where this
// host can read them), its stats collector and its watcher. Each engine runs
// its own goroutines, so one that is down, slow or unreachable holds up
// nobody else's.
type Engine struct {
	Name      string
	Docker    *docker.Client
	Collector *stats.Collector
	Watcher   *watcher.Watcher
	Logs      *logs.Reader

	logsDocker *docker.Client    // Logs' own client (logs.ReadBufferSize reads)
	kernel     *cgroupstats.Host // nil with the engine's stats
	log        *zap.Logger
}

// newEngine builds the unit for ep, reporting into st. Nothing runs until
// run.
func newEngine(ep engines.Endpoint, cfg Config, st *store.Store, keep *logs.Keeper, log *zap.Logger) (*Engine, error) {
	dc, err := docker.New(ep)
	if err != nil {
		return nil, err
	}
	name := dc.Engine()
	log = log.With(zap.String("engine", name))
	kernel, why, err := kernelSource(cfg.StatsSource, dc.Host())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("engine %s: %w", name, err), dc.Close())
	}
	logStatsSource(log, cfg.StatsSource, kernel, why)
	// The endpoint is known before the engine answers: an engine that never
	// comes up still says where Dockpulse looks for it.
	st.SetEngineStatus(name, model.EngineConnecting, "")
	st.SetEngineInfo(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: name}, Host: dc.Host()})
	scfg := cfg.Stats
	scfg.Engine = name
	scfg = withStatsSource(scfg, cfg.StatsSource, kernel, dc, func() (model.EngineInfo, bool) {
		for _, info := range st.Engines() {
			if info.Engine == name {
				return info, true
			}
		}
		return model.EngineInfo{}, false
	}, st.SetEngineInfo)
	col := stats.New(dc, st, scfg, log)
	// The logs have a client of their own, with larger reads: a flood's
	// stream then takes fewer system calls, and the stats streams and
	// everything else keep net/http's default buffers.
	ldc, err := docker.New(ep, docker.WithReadBuffer(logs.ReadBufferSize))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("engine %s: logs client: %w", name, err), dc.Close(), closeKernel(kernel))
	}
	lr := logs.NewReader(name, ldc.API(), log)
	return &Engine{
		Name:       name,
		Docker:     dc,
		Collector:  col,
		Watcher:    watcher.New(statsInfoEngine{dc, col}, keeperFeed{st, keep, lr}, col, cfg.Watcher, log),
		Logs:       lr,
		logsDocker: ldc,
		kernel:     kernel,
		log:        log,
	}, nil
}

// run starts the engine's collector and watcher; wg counts them.
func (e *Engine) run(ctx context.Context, wg *sync.WaitGroup) {
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := e.Collector.Run(ctx); err != nil {
			e.log.Error("stats collector stopped", zap.Error(err))
		}
	}()
	go func() {
		defer wg.Done()
		if err := e.Watcher.Run(ctx); err != nil {
			e.log.Error("engine watcher stopped", zap.Error(err))
		}
	}()
}

// close releases the engine's client and kernel files, once its goroutines
// are done.
func (e *Engine) close() error {
	e.Logs.Close()
	var errs []error
	if err := e.Docker.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close docker client of engine %s: %w", e.Name, err))
	}
	if err := e.logsDocker.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close logs client of engine %s: %w", e.Name, err))
	}
	if err := closeKernel(e.kernel); err != nil {
		errs = append(errs, fmt.Errorf("close kernel stats of engine %s: %w", e.Name, err))
	}
	return errors.Join(errs...)
}

// unknownEngineError is a request for an engine the service does not watch:
// both model.ErrNoEngine and model.ErrNotFound, so that every route answers
// it 404 with the engine's name.
type unknownEngineError struct{ name string }

func (e unknownEngineError) Error() string {
	return fmt.Sprintf("%v %q here", model.ErrNoEngine, model.Cut(e.name, model.MaxWord))
}

func (e unknownEngineError) Unwrap() []error { return []error{model.ErrNoEngine, model.ErrNotFound} }

// engineSet is the watched engines in the order they were given, by name.
type engineSet struct {
	list   []*Engine
	byName map[string]*Engine
}

// get is the engine of that name, or an error naming it.
func (s engineSet) get(name string) (*Engine, error) {
	if e, ok := s.byName[name]; ok {
		return e, nil
	}
	return nil, unknownEngineError{name}
}

// Inspect returns the full inspect of a container of one of the engines.
// An engine the service does not watch is model.ErrNoEngine.
func (s engineSet) Inspect(ctx context.Context, engine, id string) (model.Inspect, error) {
	e, err := s.get(engine)
	if err != nil {
		return model.Inspect{}, fmt.Errorf("inspect %s: %w", model.Cut(id, model.MaxWord), err)
	}
	return e.Docker.FullInspect(ctx, id)
}

// Act performs a container action on one of the engines.
func (s engineSet) Act(ctx context.Context, engine, action, id string, opts model.ActOptions) error {
	e, err := s.get(engine)
	if err != nil {
		return fmt.Errorf("%s %s: %w", model.Cut(action, model.MaxWord), model.Cut(id, model.MaxWord), err)
	}
	return e.Docker.Act(ctx, action, id, opts)
}

// close releases every engine's client and kernel files.
func (s engineSet) close() error {
	var errs []error
	for _, e := range s.list {
		errs = append(errs, e.close())
	}
	return errors.Join(errs...)
}

// OpenView opens one connection's view on every engine's collector (see
// fanView).
func (s engineSet) OpenView() server.View {
	v := fanView{views: make(map[string]server.View, len(s.list))}
	for _, e := range s.list {
		v.views[e.Name] = e.Collector.OpenView()
	}
	return v
}

// Background is how often a container outside every view is sampled; the
// engines share the stats config, so the first one's says it for all.
func (s engineSet) Background() time.Duration {
	if len(s.list) == 0 {
		return 0
	}
	return s.list[0].Collector.Background()
}

// fanView is one connection's view across the engines: each engine's
// collector is shown only its own engine's keys.
type fanView struct{ views map[string]server.View }

func (v fanView) Show(keys []model.Key) {
	byEngine := make(map[string][]model.Key, len(v.views))
	for _, k := range keys {
		if _, ok := v.views[k.Engine]; ok {
			byEngine[k.Engine] = append(byEngine[k.Engine], k)
		}
	}
	for name, view := range v.views {
		view.Show(byEngine[name]) // none: that engine's rows are not shown
	}
}

func (v fanView) Close() {
	for _, view := range v.views {
		view.Close()
	}
}
