package store

import "github.com/dockpulse/dockpulse/backend/protocol"

// RemoveEngine forgets an engine no longer watched, with its containers,
// samples, sample histories and status, in one engine.remove delta. Its
// events stay: they are history. It is a delta only if the store knew the
// engine or any of its containers.
func (s *Store) RemoveEngine(engine string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, known := s.engines[engine]
	delete(s.engines, engine)
	for k := range s.containers {
		if k.Engine == engine {
			known = true
			delete(s.containers, k)
		}
	}
	for k := range s.stats {
		if k.Engine == engine {
			delete(s.stats, k)
		}
	}
	for k := range s.history {
		if k.Engine == engine {
			delete(s.history, k)
		}
	}
	if !known {
		return false
	}
	s.publishLocked(protocol.TypeEngineRemove, protocol.EngineRemove{Engine: engine})
	return true
}
