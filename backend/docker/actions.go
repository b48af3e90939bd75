package docker

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Container actions, as the UI names them.
const (
	ActionStart   = "start"
	ActionStop    = "stop"
	ActionRestart = "restart"
	ActionPause   = "pause"
	ActionUnpause = "unpause"
	ActionKill    = "kill"
	ActionRemove  = "remove"
)

// Actions lists every action Act accepts.
var Actions = []string{ActionStart, ActionStop, ActionRestart, ActionPause, ActionUnpause, ActionKill, ActionRemove}

// validRef matches what the engine accepts as a container ID or name, and so
// keeps anything else (path tricks, empty strings, control characters) from
// reaching the engine's URL.
var validRef = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$`)

// Act performs one action on a container. Errors wrap model.ErrInvalid,
// ErrNotFound, ErrConflict or ErrUnavailable where the cause is one of them,
// and always carry the engine's own message.
func (c *Client) Act(ctx context.Context, action, id string, opts model.ActOptions) error {
	if !validRef.MatchString(id) {
		return fmt.Errorf("%s %q: %w: not a container ID or name", action, id, model.ErrInvalid)
	}
	var err error
	switch action {
	case ActionStart:
		err = c.cli.ContainerStart(ctx, id, container.StartOptions{})
	case ActionStop:
		err = c.cli.ContainerStop(ctx, id, container.StopOptions{})
	case ActionRestart:
		err = c.cli.ContainerRestart(ctx, id, container.StopOptions{})
	case ActionPause:
		err = c.cli.ContainerPause(ctx, id)
	case ActionUnpause:
		err = c.cli.ContainerUnpause(ctx, id)
	case ActionKill:
		err = c.cli.ContainerKill(ctx, id, "KILL")
	case ActionRemove:
		err = c.cli.ContainerRemove(ctx, id, container.RemoveOptions{RemoveVolumes: opts.RemoveVolumes, Force: opts.Force})
	default:
		return fmt.Errorf("%q: %w: unknown action (want one of %v)", action, model.ErrInvalid, Actions)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, shortID(id), classify(err))
	}
	return nil
}

// classify keeps the engine's message, without the SDK's "Error response
// from daemon: " prefix and within model.MaxLong (the SDK reads up to
// 1 MiB of it), and adds the kind of failure.
func classify(err error) error {
	msg := model.Cut(strings.TrimPrefix(err.Error(), "Error response from daemon: "), model.MaxLong)
	var kind error
	switch {
	case cerrdefs.IsNotFound(err):
		kind = model.ErrNotFound
	case cerrdefs.IsConflict(err) || cerrdefs.IsFailedPrecondition(err):
		kind = model.ErrConflict
	case cerrdefs.IsInvalidArgument(err):
		kind = model.ErrInvalid
	case client.IsErrConnectionFailed(err):
		kind = model.ErrUnavailable
	default:
		if cut := model.Cut(err.Error(), model.MaxLong); cut != err.Error() {
			return &cutError{msg: cut, err: err}
		}
		return err
	}
	return fmt.Errorf("%s (%w)", msg, kind)
}

// cutError is an engine error whose message was cut.
type cutError struct {
	msg string
	err error
}

func (e *cutError) Error() string { return e.msg }
func (e *cutError) Unwrap() error { return e.err }

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
