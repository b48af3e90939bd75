// Package watcher keeps the store equal to one engine, live.
//
// A session subscribes to the engine's event stream first, then lists every
// container and reconciles the store with that list, so nothing that happens
// during the list is missed (events after it are applied on top and are
// idempotent). Each relevant container event is published as an event delta
// at once; the container is then inspected again, so the store never guesses
// a state from an event.
//
// Inspects run on a few workers so that a slow one never holds up the event
// stream. Work on one container is serial and coalesced: requests arriving
// while its inspect is in flight become one more pass, and a removal is never
// overtaken by an older inspect. So a container's deltas always follow the
// event that caused them and reflect the engine's latest state.
//
// Each session also reads back the events the engine reported before it
// began (backfill.go): the engine's clock marks the boundary, the live
// stream starts just after it and the past events end at it, so none is
// missed or sent twice. They go through the same handling as live ones,
// marked as past (model.Event.Backfill), before the engine is reported up.
//
// When the stream breaks, the store is told at once (engine down, with the
// reason), stats stop, and the watcher retries with exponential backoff capped
// at MaxRetry. The next successful session re-lists and reconciles, which
// emits exactly the deltas that make the store equal `docker ps -a` again.
package watcher

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/events"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/model"
)

// Engine is what the watcher needs from the Docker adapter.
type Engine interface {
	Engine() string
	Info(ctx context.Context) (model.EngineInfo, error)
	List(ctx context.Context) ([]model.Container, error)
	Inspect(ctx context.Context, id string) (model.Container, error)
	// Events streams the events from since (inclusive); with a non-zero
	// until, only those up to until (inclusive), then io.EOF.
	Events(ctx context.Context, since, until time.Time) (<-chan events.Message, <-chan error)
	// Clock is the engine's own time, the clock of its events' times.
	Clock(ctx context.Context) (time.Time, error)
}

// Store receives the engine's picture.
type Store interface {
	Upsert(c model.Container) bool
	Remove(k model.Key) bool
	Reconcile(engine string, list []model.Container) (int, error)
	RecordEvent(ev model.Event)
	SetEngineUp(info model.EngineInfo)
	SetEngineInfo(info model.EngineInfo)
	SetEngineStatus(engine, status, reason string)
}

// Tracker is told which containers run, so it can sample them.
type Tracker interface {
	Track(c model.Container)
	Untrack(k model.Key)
	Sync(list []model.Container)
	StopAll()
}

// Config tunes a Watcher.
type Config struct {
	// MinRetry is the first delay after a failed session. Default 250ms.
	MinRetry time.Duration
	// MaxRetry caps the delay between tries. Default 5s.
	MaxRetry time.Duration
	// Sleep waits for d or until ctx is done; tests replace it.
	Sleep func(ctx context.Context, d time.Duration)
	// Backfill is how far back, at most, the first session reads the
	// engine's past events. Default DefaultBackfill.
	Backfill time.Duration
}

// DefaultBackfill is how far back the watcher reads past events at its
// first connection. Docker Engine holds only its last 256 events anyway;
// the bound keeps an engine with a long events log (Podman) from replaying
// days of it.
const DefaultBackfill = 24 * time.Hour

// Watcher follows one engine.
type Watcher struct {
	engine  Engine
	store   Store
	tracker Tracker
	cfg     Config
	log     *zap.Logger

	// Owned by Run's goroutine.
	lastNano    int64 // engine time of the newest event read, 0 before any
	historyRead bool  // the first session's past events have been read
	exits       *exits
}

// New returns a watcher; Run starts it.
func New(engine Engine, store Store, tracker Tracker, cfg Config, log *zap.Logger) *Watcher {
	if cfg.MinRetry <= 0 {
		cfg.MinRetry = 250 * time.Millisecond
	}
	if cfg.MaxRetry <= 0 {
		cfg.MaxRetry = 5 * time.Second
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Backfill <= 0 {
		cfg.Backfill = DefaultBackfill
	}
	return &Watcher{engine: engine, store: store, tracker: tracker, cfg: cfg, exits: newExits(),
		log: log.With(zap.String("component", "watcher"), zap.String("engine", engine.Engine()))}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Run follows the engine until ctx is done.
func (w *Watcher) Run(ctx context.Context) error {
	name := w.engine.Engine()
	w.store.SetEngineStatus(name, model.EngineConnecting, "")
	delay := w.cfg.MinRetry
	for {
		wasUp, err := w.session(ctx)
		if ctx.Err() != nil {
			w.tracker.StopAll()
			return nil
		}
		w.tracker.StopAll()
		w.store.SetEngineStatus(name, model.EngineDown, err.Error())
		if wasUp {
			delay = w.cfg.MinRetry
			w.log.Warn("engine connection lost", zap.Error(err))
		} else {
			w.log.Debug("engine unreachable", zap.Error(err), zap.Duration("retry", delay))
		}
		w.cfg.Sleep(ctx, delay)
		if ctx.Err() != nil {
			return nil
		}
		delay = min(delay*2, w.cfg.MaxRetry)
	}
}

// session runs one connection to the engine until it breaks.
func (w *Watcher) session(ctx context.Context) (wasUp bool, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// Info first: it negotiates the API version, which the SDK's Events
	// reads without a lock (a data race if another call negotiates at the
	// same time).
	info, err := w.engine.Info(ctx)
	if err != nil {
		return false, err
	}
	// The engine's clock draws the line between past and live events:
	// the live stream starts just after it, the past events end at it, so
	// no event is in both and none falls between.
	now, err := w.engine.Clock(ctx)
	if err != nil {
		return false, err
	}
	msgs, errs := w.engine.Events(ctx, now.Add(time.Nanosecond), time.Time{})
	list, err := w.engine.List(ctx)
	if err != nil {
		return false, err
	}
	for i := range list {
		w.exits.fill(&list[i])
	}
	n, err := w.store.Reconcile(w.engine.Engine(), list)
	if err != nil {
		return false, err
	}
	w.tracker.Sync(list)

	r := newRefresher(ctx, w, cancel)
	// Nothing of this session may reach the store after it ends.
	defer func() {
		cancel(nil)
		r.wait()
	}()
	// The past events go out before the engine is up, so the engine delta
	// that says so also says how far back they went.
	info.EventsSince, err = w.backfill(ctx, r, now)
	if err != nil {
		return true, err
	}
	w.store.SetEngineUp(info)
	w.log.Info("engine connected", zap.String("version", info.Version),
		zap.Int("containers", len(list)), zap.Int("deltas", n))
	for {
		select {
		case <-ctx.Done():
			return true, context.Cause(ctx)
		case err, ok := <-errs:
			if !ok || err == nil {
				err = errors.New("event stream closed")
			}
			return true, fmt.Errorf("event stream: %w", err)
		case m := <-msgs:
			if err := w.apply(ctx, r, m, false); err != nil {
				return true, err
			}
		}
	}
}

// apply handles one engine event, live or past: the event goes out at once,
// and the container it concerns is queued for a refresh (a past event's
// container may be long gone: its refresh then finds nothing, which changes
// nothing).
func (w *Watcher) apply(ctx context.Context, r *refresher, m events.Message, past bool) error {
	w.lastNano = max(w.lastNano, m.TimeNano)
	ev := docker.FromEvent(w.engine.Engine(), m)
	ev.Backfill = past
	k := classify(ev)
	if k == ignore {
		return nil
	}
	if w.exits.observe(&ev) {
		k = refresh // a stop after its die: the container's exit cause changed
	}
	w.store.RecordEvent(ev)
	switch k {
	case refresh:
		r.request(ev.ActorID, false)
	case removed:
		r.request(ev.ActorID, true)
	case show:
		if ev.Type == string(events.ImageEventType) {
			info, err := w.engine.Info(ctx)
			if err != nil {
				return fmt.Errorf("after image %s event: %w", ev.Action, err)
			}
			w.store.SetEngineInfo(info)
		}
	}
	return nil
}
