package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/server"
)

// stopWait bounds how long switching an engine off waits for its watcher
// and collector to end.
const stopWait = 10 * time.Second

// watching is the set of watched engines as the user switches them on and
// off at runtime. The engineSet it holds is replaced, never changed, so a
// copy read under mu stays valid after. Each engine runs under its own
// context, so that one can be stopped without touching the others; each
// connection's view (liveView) gains and loses the engines' collector views
// as they come and go.
type watching struct {
	switching sync.Mutex // one switch at a time

	mu    sync.Mutex
	set   engineSet
	runs  map[string]*engineRun
	views map[*liveView]struct{}
	ctx   context.Context // nil before start
}

// engineRun is one running engine's context and goroutines.
type engineRun struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newWatching(set engineSet) *watching {
	return &watching{set: set, runs: make(map[string]*engineRun), views: make(map[*liveView]struct{})}
}

// current is the set of engines watched now.
func (w *watching) current() engineSet {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.set
}

// start runs every engine watched, each under its own context from ctx;
// engines added later start at once.
func (w *watching) start(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctx = ctx
	for _, e := range w.set.list {
		w.runLocked(e)
	}
}

func (w *watching) runLocked(e *Engine) {
	ctx, cancel := context.WithCancel(w.ctx)
	r := &engineRun{cancel: cancel}
	e.run(ctx, &r.wg)
	w.runs[e.Name] = r
}

// wait waits for every running engine's goroutines.
func (w *watching) wait() {
	w.mu.Lock()
	runs := slices.Collect(maps.Values(w.runs))
	w.mu.Unlock()
	for _, r := range runs {
		r.wg.Wait()
	}
}

// add watches e too, running it if the service has started, and shows
// each connection's view of it.
func (w *watching) add(e *Engine) {
	w.mu.Lock()
	defer w.mu.Unlock()
	set := engineSet{list: append(slices.Clone(w.set.list), e), byName: maps.Clone(w.set.byName)}
	if set.byName == nil {
		set.byName = make(map[string]*Engine)
	}
	set.byName[e.Name] = e
	w.set = set
	for lv := range w.views {
		lv.addEngine(e)
	}
	if w.ctx != nil {
		w.runLocked(e)
	}
}

// remove stops watching the named engine: it leaves the set and every
// view, and its goroutines are told to end. It returns the engine and its
// run (nil if it never ran), or false if it was not watched.
func (w *watching) remove(name string) (*Engine, *engineRun, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.set.byName[name]
	if !ok {
		return nil, nil, false
	}
	set := engineSet{byName: maps.Clone(w.set.byName)}
	delete(set.byName, name)
	for _, other := range w.set.list {
		if other != e {
			set.list = append(set.list, other)
		}
	}
	w.set = set
	for lv := range w.views {
		lv.removeEngine(name)
	}
	r := w.runs[name]
	delete(w.runs, name)
	if r != nil {
		r.cancel()
	}
	return e, r, true
}

// Act, Inspect, OpenView and Background serve the server with the engines
// watched at the time of the request.
func (w *watching) Act(ctx context.Context, engine, action, id string, opts model.ActOptions) error {
	return w.current().Act(ctx, engine, action, id, opts)
}

func (w *watching) Inspect(ctx context.Context, engine, id string) (model.Inspect, error) {
	return w.current().Inspect(ctx, engine, id)
}

func (w *watching) Background() time.Duration { return w.current().Background() }

func (w *watching) OpenView() server.View {
	w.mu.Lock()
	defer w.mu.Unlock()
	lv := &liveView{w: w, fan: w.set.OpenView().(fanView)}
	w.views[lv] = struct{}{}
	return lv
}

// liveView is one connection's fanView, kept up to date with the engines
// watched: an engine switched on gets a view of its collector showing what
// the connection last asked for.
type liveView struct {
	w *watching

	mu     sync.Mutex
	fan    fanView
	keys   []model.Key
	shown  bool // Show was called: a new view shows everything until then
	closed bool
}

func (lv *liveView) Show(keys []model.Key) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.closed {
		return
	}
	lv.keys, lv.shown = slices.Clone(keys), true
	lv.fan.Show(keys)
}

func (lv *liveView) Close() {
	lv.w.mu.Lock()
	delete(lv.w.views, lv)
	lv.w.mu.Unlock()
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if !lv.closed {
		lv.closed = true
		lv.fan.Close()
	}
}

func (lv *liveView) addEngine(e *Engine) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.closed {
		return
	}
	lv.fan.views[e.Name] = e.Collector.OpenView()
	if lv.shown {
		lv.fan.Show(lv.keys)
	}
}

func (lv *liveView) removeEngine(name string) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if v, ok := lv.fan.views[name]; ok {
		v.Close()
		delete(lv.fan.views, name)
	}
}

var _ interface {
	server.Actor
	server.Inspector
	server.Viewer
} = (*watching)(nil)

var _ server.View = (*liveView)(nil)

// contextOptions are the options the docker command's contexts are read
// with: the process's environment, and --host where the service was given
// one.
func (s *Service) contextOptions() engines.Options {
	return engines.Options{Host: s.cfg.DockerHost}
}

// Contexts lists every context of the docker command's store, whether it
// is watched and, if so, its status; an engine watched that the store does
// not list (one named by --host, a well-known socket) comes last. No
// credential is in it: endpoints are shown as Endpoint.Display does.
func (s *Service) Contexts() ([]protocol.EngineContext, error) {
	eps, err := engines.List(s.contextOptions())
	if err != nil {
		return nil, fmt.Errorf("list the docker contexts: %w", err)
	}
	set := s.engines.current()
	status := make(map[string]model.EngineStatus)
	for _, info := range s.Store.Engines() {
		status[info.Engine] = info.EngineStatus
	}
	out := make([]protocol.EngineContext, 0, len(eps))
	listed := make(map[string]bool, len(eps))
	entry := func(name, endpoint, description string, current bool) protocol.EngineContext {
		c := protocol.EngineContext{Name: name, Endpoint: endpoint, Description: description, Current: current}
		if _, ok := set.byName[name]; ok {
			c.Watched = true
			st := status[name]
			c.Status, c.Reason, c.Since = st.Status, st.Reason, st.Since
			if c.Status == "" {
				c.Status = model.EngineConnecting
			}
		}
		return c
	}
	for _, ep := range eps {
		if listed[ep.Name] {
			continue
		}
		listed[ep.Name] = true
		out = append(out, entry(ep.Name, ep.Display(), ep.Description, ep.Current))
	}
	for _, e := range set.list {
		if !listed[e.Name] {
			out = append(out, entry(e.Name, e.Docker.Host(), "", false))
		}
	}
	return out, nil
}

// SetWatched switches one engine on or off at once, without touching the
// others: on, it is resolved from the context store and its watcher and
// collector start (an engine message, then its containers); off, they stop
// and the store drops the engine (engine.remove). Switching on an engine
// that is on, or off one that is off, changes nothing. A name that is
// neither watched nor a context is an error wrapping model.ErrNotFound.
// After a change, Config.RememberWatched (if set) is told the engines
// watched.
func (s *Service) SetWatched(name string, on bool) error {
	s.engines.switching.Lock()
	defer s.engines.switching.Unlock()
	_, watched := s.engines.current().byName[name]
	switch {
	case on && watched:
		return nil
	case on:
		ep, err := s.contextNamed(name)
		if err != nil {
			return err
		}
		e, err := newEngine(ep, s.cfg, s.Store, s.keeper, s.base)
		if err != nil {
			return fmt.Errorf("switch engine %s on: %w", name, err)
		}
		s.engines.add(e)
		s.log.Info("engine switched on", zap.String("engine", name), zap.String("host", ep.Display()))
	case !watched:
		if _, err := s.contextNamed(name); err != nil {
			return err
		}
		return nil
	default:
		if err := s.unwatch(name); err != nil {
			return err
		}
		s.log.Info("engine switched off", zap.String("engine", name))
	}
	if s.cfg.RememberWatched == nil {
		return nil
	}
	if err := s.cfg.RememberWatched(s.EngineNames()); err != nil {
		return fmt.Errorf("engine %s switched, but the choice is not remembered: %w", name, err)
	}
	return nil
}

// contextNamed is the context of the store by that name; an unknown name
// is model.ErrNotFound, listing the known ones.
func (s *Service) contextNamed(name string) (engines.Endpoint, error) {
	eps, err := engines.List(s.contextOptions())
	if err != nil {
		return engines.Endpoint{}, fmt.Errorf("list the docker contexts: %w", err)
	}
	names := make([]string, 0, len(eps))
	for _, ep := range eps {
		if ep.Name == name {
			return ep, nil
		}
		names = append(names, ep.Name)
	}
	return engines.Endpoint{}, notFoundError(fmt.Sprintf("docker context %q not found; known contexts: %s",
		model.Cut(name, model.MaxWord), strings.Join(names, ", ")))
}

// notFoundError is model.ErrNotFound in its own words.
type notFoundError string

func (e notFoundError) Error() string { return string(e) }
func (e notFoundError) Unwrap() error { return model.ErrNotFound }

// unwatch stops one engine's watcher and collector, waits for them (up to
// stopWait), releases its client and drops it from the store.
func (s *Service) unwatch(name string) error {
	e, r, ok := s.engines.remove(name)
	if !ok {
		return nil
	}
	var errs []error
	if r != nil {
		done := make(chan struct{})
		go func() { r.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(stopWait):
			errs = append(errs, fmt.Errorf("switch engine %s off: its watcher is still stopping after %v", name, stopWait))
		}
	}
	errs = append(errs, e.close())
	s.Store.RemoveEngine(name)
	return errors.Join(errs...)
}
