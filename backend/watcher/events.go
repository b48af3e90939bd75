package watcher

import (
	"github.com/docker/docker/api/types/events"

	"github.com/dockpulse/dockpulse/backend/model"
)

// kind says what the watcher does with an engine event.
type kind int

const (
	// ignore marks noise (exec, attach, resize, top, ...): not shown, no refresh.
	ignore kind = iota
	// show marks events worth listing that change no container.
	show
	// refresh marks container events after which the container must be
	// inspected again (its state, name, health or config changed).
	refresh
	// removed marks the end of a container.
	removed
)

// containerActions are the container actions worth showing, and which of
// them change what Dockpulse knows about the container. kill and stop change
// nothing by themselves: a kill that ends the process is followed by die, and
// stop always comes after die. Not inspecting after them also means that once
// a client has seen a `docker stop`'s final stop event, the container's state
// delta has already been sent.
var containerActions = map[string]kind{
	"create": refresh, "start": refresh, "restart": refresh, "die": refresh,
	"oom": refresh, "pause": refresh, "unpause": refresh, "rename": refresh,
	"update": refresh, "health_status": refresh, "destroy": removed,
	"kill": show, "stop": show,
}

// classify says what to do with a converted event (docker.FromEvent has
// already normalised "health_status: healthy" to "health_status"). Every
// event of another type than container is shown.
func classify(ev model.Event) kind {
	if ev.Type != string(events.ContainerEventType) {
		return show
	}
	k, ok := containerActions[ev.Action]
	if !ok {
		// exec_create, exec_start, exec_die, attach, detach, resize, top,
		// copy, archive-path, extract-to-dir, export, commit, ...
		return ignore
	}
	return k
}
