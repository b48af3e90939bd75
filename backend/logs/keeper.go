package logs

import (
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Bounds of the last words a Keeper holds.
const (
	// KeptLines is the most lines kept of one container's last words.
	KeptLines = 200
	// KeptDeaths is the most deaths whose last words are kept (the oldest
	// are forgotten first).
	KeptDeaths = 100
)

// Keeper keeps last words (fed with die/destroy events and --rm follows).
// It is safe for concurrent use.
type Keeper struct {
	log *zap.Logger
}

// NewKeeper returns an empty keeper. Close stops its work.
func NewKeeper(log *zap.Logger) *Keeper {
	return &Keeper{log: log.With(zap.String("component", "lastwords"))}
}

// Observe tells the keeper of an engine event of r's engine: a container's
// start (a --rm one is followed while it runs), die (its last lines are
// kept) and destroy (its last words say removed). It never blocks on the
// engine: the reading is done in the background.
func (k *Keeper) Observe(r *Reader, ev model.Event) {}

// Get returns the last words kept of the container id on engine.
func (k *Keeper) Get(engine, id string) (LastWords, bool) {
	return LastWords{}, false
}

// Close stops the keeper's follows and reads and waits for them. What it
// kept stays readable.
func (k *Keeper) Close() {}

// StopEngine stops the keeper's follows and reads on engine (switched off):
// what it kept of it stays readable.
func (k *Keeper) StopEngine(engine string) {}
