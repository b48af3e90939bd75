package server

import (
	"context"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// InspectTimeout bounds one full inspect, from either transport.
const InspectTimeout = 10 * time.Second

// Inspector gives the full inspect of one container of one engine. Its
// errors wrap model.ErrNoEngine for an engine it does not know,
// model.ErrNotFound for a container that does not exist, model.ErrInvalid for a malformed ID, model.ErrUnavailable for an
// engine that cannot be reached.
type Inspector interface {
	Inspect(ctx context.Context, engine, id string) (model.Inspect, error)
}

// serveInspect answers GET /api/engines/{engine}/containers/{id}/inspect
// with a model.Inspect. The answer holds the environment's values: only
// the route, the engine and the ID are ever logged.
func (s *Server) serveInspect(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Inspector == nil {
		writeError(w, http.StatusNotImplemented, "inspect is not available here")
		return
	}
	engine, id := r.PathValue("engine"), r.PathValue("id")
	release, ok := s.heavySlot(w)
	if !ok {
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), InspectTimeout)
	defer cancel()
	in, err := s.cfg.Inspector.Inspect(ctx, engine, id)
	if err != nil {
		s.log.Info("inspect refused", zap.String("engine", s.guard.redact(engine)),
			zap.String("container", s.guard.redact(id)), zap.String("error", s.guard.redact(err.Error())))
		writeError(w, statusOf(err), err.Error())
		return
	}
	s.writeJSON(w, r, in)
}
