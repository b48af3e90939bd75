package model

import "errors"

// Errors an engine operation can end with, whatever the engine or adapter.
// Adapters wrap them with context; callers test with errors.Is.
var (
	// ErrNotFound: no such container.
	ErrNotFound = errors.New("no such container")
	// ErrConflict: the engine refuses the operation in the container's
	// current state (removing a running container, pausing a stopped one).
	ErrConflict = errors.New("refused in the container's current state")
	// ErrInvalid: the request itself is malformed (an ID that cannot be one,
	// an unknown action).
	ErrInvalid = errors.New("invalid request")
	// ErrUnavailable: the engine cannot be reached.
	ErrUnavailable = errors.New("engine unreachable")
	// ErrNoEngine: no engine of that name is watched.
	ErrNoEngine = errors.New("no such engine")
)
