package service

import (
	"context"
	"fmt"

	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/model"
)

// clients gives the full inspect of a container of one of the engines the
// service watches, by the engine's name.
type clients map[string]*docker.Client

// Inspect returns the full inspect of a container. An engine the service
// does not watch is model.ErrNoEngine.
func (e clients) Inspect(ctx context.Context, engine, id string) (model.Inspect, error) {
	dc, ok := e[engine]
	if !ok {
		return model.Inspect{}, fmt.Errorf("inspect %s: %w %q here", model.Cut(id, model.MaxWord), model.ErrNoEngine, model.Cut(engine, model.MaxWord))
	}
	return dc.FullInspect(ctx, id)
}

// Inspect returns the full inspect of a container of one engine, straight
// from the engine (the store keeps only what the table shows).
func (s *Service) Inspect(ctx context.Context, engine, id string) (model.Inspect, error) {
	return s.clients.Inspect(ctx, engine, id)
}
