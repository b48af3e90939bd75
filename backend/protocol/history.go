package protocol

import "github.com/dockpulse/dockpulse/backend/model"

// History is the answer of GET /api/engines/{engine}/containers/{id}/history
// and of the desktop app's bound History method: the container's samples of
// the last few minutes (the store's HistorySpan), oldest first, their read
// times strictly increasing. It is not a stream message: a client asks for
// it when it shows a container's charts, and merges it with the samples the
// stream brings (docs/protocol.md).
type History struct {
	Engine  string        `json:"engine"`
	ID      string        `json:"id"`
	Samples []model.Stats `json:"samples"`
}
