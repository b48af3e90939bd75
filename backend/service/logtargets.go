package service

import (
	"context"
	"fmt"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// LogTargets describes the containers ids of one engine for a logs
// socket's hello, asking the engine: each one's name and whether it has a
// TTY. An engine the service does not watch is an error wrapping
// model.ErrNotFound (and model.ErrNoEngine), a container the engine does not
// have one wrapping model.ErrNotFound, and an ID that is not the full one
// (a short ID, a name) one wrapping model.ErrInvalid: lines carry full IDs.
func (s *Service) LogTargets(ctx context.Context, engine string, ids []string) ([]protocol.LogsContainer, error) {
	e, err := s.engines.current().get(engine)
	if err != nil {
		return nil, fmt.Errorf("follow logs: %w", err)
	}
	out := make([]protocol.LogsContainer, 0, len(ids))
	for _, id := range ids {
		full, name, tty, err := e.Logs.Describe(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("follow logs on engine %s: %w", model.Cut(engine, model.MaxWord), err)
		}
		if full != id {
			return nil, fmt.Errorf("follow logs: id %q is not a full container ID (%s is): %w", model.Cut(id, model.MaxWord), full, model.ErrInvalid)
		}
		out = append(out, protocol.LogsContainer{Engine: engine, ID: full, Name: name, TTY: tty})
	}
	return out, nil
}
