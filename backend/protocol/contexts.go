package protocol

// EngineContext is one context of the Docker CLI's store as the engines
// list shows it (GET /api/contexts, the bound method Contexts), and whether
// Dockpulse watches it.
type EngineContext struct {
	// Name is the context's name as `docker context ls` shows it.
	Name string `json:"name"`
	// Endpoint is the docker endpoint without any password it may carry.
	Endpoint    string `json:"endpoint"`
	Description string `json:"description,omitempty"`
	// Current marks the context the docker command would use now.
	Current bool `json:"current"`
	Watched bool `json:"watched"`
	// Status, Reason and Since are the engine's, only while it is watched.
	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
	Since  int64  `json:"since,omitempty"`
}
