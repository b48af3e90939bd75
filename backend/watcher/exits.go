package watcher

import (
	"sync"

	"github.com/docker/docker/api/types/events"

	"github.com/dockpulse/dockpulse/backend/model"
)

// exits keeps each container's model.ExitTrack across sessions, so that
// every container the store receives says how its last exit came about, as
// far as the events the watcher saw tell it. A container whose exit the
// watcher did not see (before it started, or while the engine was out of
// reach) has an unknown cause: CauseOf matches the track's die with the
// container's FinishedAt.
type exits struct {
	mu     sync.Mutex
	tracks map[string]model.ExitTrack
}

func newExits() *exits { return &exits{tracks: map[string]model.ExitTrack{}} }

// observe folds a container event into its track. On a die it fills in the
// event's ExitCause. It reports whether the known cause of the last exit
// changed by something other than a die (a stop after it), which no inspect
// would otherwise bring to the store.
func (x *exits) observe(ev *model.Event) (refined bool) {
	if ev.Type != string(events.ContainerEventType) {
		return false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if ev.Action == "destroy" {
		delete(x.tracks, ev.ActorID)
		return false
	}
	before := x.tracks[ev.ActorID]
	after := before.Next(*ev)
	if after == before && ev.Action != "die" {
		return false
	}
	x.tracks[ev.ActorID] = after
	if ev.Action == "die" {
		ev.ExitCause = after.Cause
		return false
	}
	return after.Cause != before.Cause
}

// fill sets c's ExitCause from its track.
func (x *exits) fill(c *model.Container) {
	x.mu.Lock()
	t, ok := x.tracks[c.ID]
	x.mu.Unlock()
	if ok {
		c.ExitCause = t.CauseOf(*c)
	}
}
