package model

// ActOptions modify a container action; only remove reads them today.
type ActOptions struct {
	// RemoveVolumes also removes the container's anonymous volumes.
	RemoveVolumes bool
	// Force removes a running container, killing it first (`docker rm -f`).
	Force bool
}
