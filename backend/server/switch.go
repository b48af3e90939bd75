package server

import (
	"net/http"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/protocol"
)

// Switcher lists the docker contexts and switches engines on and off
// (GET /api/contexts, PUT and DELETE /api/engines/{engine}/watch). Its
// errors wrap model.ErrNotFound for a context that does not exist.
type Switcher interface {
	Contexts() ([]protocol.EngineContext, error)
	SetWatched(name string, on bool) error
}

func (s *Server) serveContexts(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Switcher == nil {
		writeError(w, http.StatusNotImplemented, "switching engines is not available here")
		return
	}
	release, ok := s.heavySlot(w)
	if !ok {
		return
	}
	defer release()
	list, err := s.cfg.Switcher.Contexts()
	if err != nil {
		s.log.Warn("list the docker contexts", zap.String("error", s.guard.redact(err.Error())))
		writeError(w, statusOf(err), err.Error())
		return
	}
	s.writeJSON(w, r, list)
}

// serveWatch switches the engine on (PUT) or off (DELETE).
func (s *Server) serveWatch(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Switcher == nil {
			writeError(w, http.StatusNotImplemented, "switching engines is not available here")
			return
		}
		name := r.PathValue("engine")
		if err := s.cfg.Switcher.SetWatched(name, on); err != nil {
			s.log.Info("engine switch refused", zap.String("engine", s.guard.redact(name)), zap.Bool("on", on),
				zap.String("error", s.guard.redact(err.Error())))
			writeError(w, statusOf(err), err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
