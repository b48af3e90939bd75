package server

import (
	"fmt"
	"net/http"

	"github.com/dockpulse/dockpulse/backend/model"
)

// serveHistory answers GET /api/engines/{engine}/containers/{id}/history:
// the container's recent samples (protocol.History), 404 for a container
// the store does not know. The id is the full ID, as every message has it.
func (s *Server) serveHistory(w http.ResponseWriter, r *http.Request) {
	k := model.Key{Engine: r.PathValue("engine"), ID: r.PathValue("id")}
	h, ok := s.store.History(k)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no container %q on engine %q", model.Cut(k.ID, model.MaxWord), model.Cut(k.Engine, model.MaxWord)))
		return
	}
	s.jsonOf(func() any { return h })(w, r)
}
