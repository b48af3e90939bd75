package watcher

import (
	"errors"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
)

func (h *harness) exitCause(t *testing.T, id string) string {
	t.Helper()
	for _, c := range h.store.Containers() {
		if c.ID == id {
			return c.ExitCause
		}
	}
	t.Fatalf("no container %s in the store", id)
	return ""
}

// TestExitCauseFromEvents: the container and its die event say how the exit
// came about; the stop that follows a stop's die refines it, with a delta.
func TestExitCauseFromEvents(t *testing.T) {
	e := newFakeEngine()
	e.set(c("a", "running"))
	e.set(c("b", "running"))
	h := run(t, e)
	h.expect(t, "engine:connecting", "upsert:a=running", "upsert:b=running", "engine:up")

	exited := func(id string, code int) {
		x := c(id, "exited")
		x.ExitCode, x.FinishedAt = code, time.Now().UnixMilli()
		e.set(x)
	}
	e.emit(t, "kill", "a")
	exited("a", 137)
	e.emit(t, "die", "a")
	h.expect(t, "event:kill", "event:die", "upsert:a=exited")
	if got := h.exitCause(t, "a"); got != model.ExitKilled {
		t.Fatalf("after kill and die: %q, want %q", got, model.ExitKilled)
	}
	e.emit(t, "stop", "a")
	h.expect(t, "event:stop", "upsert:a=exited")
	if got := h.exitCause(t, "a"); got != model.ExitStopped {
		t.Fatalf("after the stop: %q, want %q", got, model.ExitStopped)
	}

	exited("b", 1)
	e.emit(t, "die", "b")
	h.expect(t, "event:die", "upsert:b=exited")
	if got := h.exitCause(t, "b"); got != model.ExitUnasked {
		t.Fatalf("crash: %q, want %q", got, model.ExitUnasked)
	}
	evs := h.store.Events()
	if last := evs[len(evs)-1]; last.Action != "die" || last.ExitCause != model.ExitUnasked {
		t.Fatalf("die event %+v, want exitCause %q", last, model.ExitUnasked)
	}
}

// TestExitCauseUnknownWhenNotSeen: an exit before the watcher started, or
// one it missed while the engine was away, has no cause.
func TestExitCauseUnknownWhenNotSeen(t *testing.T) {
	e := newFakeEngine()
	x := c("a", "exited")
	x.ExitCode, x.FinishedAt = 137, time.Now().Add(-time.Hour).UnixMilli()
	e.set(x)
	h := run(t, e)
	h.expect(t, "engine:connecting", "upsert:a=exited", "engine:up")
	if got := h.exitCause(t, "a"); got != "" {
		t.Fatalf("exit before the watcher: %q, want unknown", got)
	}

	// A crash seen, then a later exit missed while the stream was down.
	x.FinishedAt = time.Now().UnixMilli()
	x.ExitCode = 1
	e.set(x)
	e.emit(t, "die", "a")
	h.expect(t, "event:die", "upsert:a=exited")
	if got := h.exitCause(t, "a"); got != model.ExitUnasked {
		t.Fatalf("crash: %q, want %q", got, model.ExitUnasked)
	}
	e.breakStream(errors.New("unexpected EOF"))
	h.expect(t, "engine:down")
	x.FinishedAt += 60_000
	x.ExitCode = 137
	e.set(x)
	e.heal()
	h.expect(t, "upsert:a=exited", "engine:up")
	if got := h.exitCause(t, "a"); got != "" {
		t.Fatalf("exit missed while down: %q, want unknown", got)
	}
}
