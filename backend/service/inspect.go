package service

import (
	"context"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Inspect returns the full inspect of a container of one engine, straight
// from the engine (the store keeps only what the table shows).
func (s *Service) Inspect(ctx context.Context, engine, id string) (model.Inspect, error) {
	return s.engines.Inspect(ctx, engine, id)
}
