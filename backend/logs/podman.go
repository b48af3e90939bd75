package logs

import (
	"context"
	"strings"
	"sync"
)

// Podman's Docker-compatible API (4.3) answers a log request with a tail
// wrongly: it joins a line that Podman stored in partial pieces to the line
// before it, even of the other stream (a stdout line after a stderr one
// comes as part of the stderr line), and gives the last line a newline it
// does not have. Without a tail its answer is right. So on Podman a tail is
// read from the start, the last lines kept (Reader.lastUntil).

// engineKind remembers whether the engine is Podman, once it said.
type engineKind struct {
	mu     sync.Mutex
	known  bool
	podman bool
}

// tailsRight says whether the engine's own tail can be used (Docker), or
// the log must be read from its start instead (Podman). An engine that does
// not answer is taken for Docker this time and asked again the next.
func (r *Reader) tailsRight(ctx context.Context) bool {
	r.kind.mu.Lock()
	defer r.kind.mu.Unlock()
	if !r.kind.known {
		v, err := r.api.ServerVersion(ctx)
		if err != nil {
			return true
		}
		r.kind.known = true
		for _, c := range v.Components {
			if strings.Contains(strings.ToLower(c.Name), "podman") {
				r.kind.podman = true
			}
		}
	}
	return !r.kind.podman
}
