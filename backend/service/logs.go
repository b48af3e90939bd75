package service

import (
	"context"
	"fmt"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/watcher"
)

// Logs answers a polling query for the logs of the container id of one
// engine (see logs.Reader.Page). An engine the service does not watch is an
// error wrapping model.ErrNotFound (and model.ErrNoEngine), an unknown
// container one wrapping model.ErrNotFound, a bad query one wrapping
// model.ErrInvalid.
func (s *Service) Logs(ctx context.Context, engine, id string, q logs.Query) (logs.Page, error) {
	e, err := s.engines.current().get(engine)
	if err != nil {
		return logs.Page{}, fmt.Errorf("logs of %s: %w", model.Cut(id, model.MaxWord), err)
	}
	return e.Logs.Page(ctx, id, q)
}

// FollowLogs streams the logs of the containers ids of one engine until ctx
// ends or every one is removed (see logs.Reader.Follow for from, emit and
// state). Errors as for Logs, before anything is emitted; when the engine
// is switched off meanwhile, an error wrapping model.ErrNoEngine.
func (s *Service) FollowLogs(ctx context.Context, engine string, ids []string, from logs.Query,
	emit func(lines []logs.Line), state func(logs.State)) error {
	e, err := s.engines.current().get(engine)
	if err != nil {
		return fmt.Errorf("follow logs: %w", err)
	}
	return e.Logs.Follow(ctx, ids, from, emit, state)
}

// LastWords returns the last lines kept of a container that died (see
// logs.Keeper), even once it is removed. An engine the service does not
// watch is an error wrapping model.ErrNotFound (and model.ErrNoEngine); a
// container Dockpulse kept none of one wrapping model.ErrNotFound.
func (s *Service) LastWords(engine, id string) (logs.LastWords, error) {
	if _, err := s.engines.current().get(engine); err != nil {
		return logs.LastWords{}, fmt.Errorf("last words of %s: %w", model.Cut(id, model.MaxWord), err)
	}
	lw, ok := s.keeper.Get(engine, id)
	if !ok {
		return lw, fmt.Errorf("no last words kept of %s on engine %s: %w",
			model.Cut(id, model.MaxWord), model.Cut(engine, model.MaxWord), model.ErrNotFound)
	}
	return lw, nil
}

// keeperFeed is the store a watcher reports into, which also tells the
// keeper of every event the watcher records: the keeper learns of starts,
// deaths and removals exactly as the store does, past (backfilled) ones
// included.
type keeperFeed struct {
	watcher.Store
	keeper *logs.Keeper
	reader *logs.Reader
}

func (f keeperFeed) RecordEvent(ev model.Event) {
	f.Store.RecordEvent(ev)
	f.keeper.Observe(f.reader, ev)
}
