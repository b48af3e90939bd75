package model

// How a container's last exit came about (Container.ExitCause and, on a die
// event, Event.ExitCause), as the engine's events before the exit tell it.
// Empty means unknown: Dockpulse did not see the exit (it started later, or
// the engine was out of reach at the time).
const (
	// ExitStopped: `docker stop` or `docker restart` (or a Stop or Restart
	// action), including the SIGKILL the engine sends when the grace period
	// ends: kill, die, then stop.
	ExitStopped = "stopped"
	// ExitKilled: a signal someone sent that ended it (`docker kill`, a Kill
	// action): kill, then die, with no stop after.
	ExitKilled = "killed"
	// ExitOOM: the kernel killed it for want of memory: oom, then die.
	ExitOOM = "oom"
	// ExitUnasked: it ended by itself, nobody asked (a crash, a finished
	// job): die with no kill or oom since it started.
	ExitUnasked = "unasked"
)

// exitMatchMs is how far a container's FinishedAt may be from the time of
// the die event that reported it: the engine stamps both at the exit, a few
// milliseconds apart.
const exitMatchMs = 5000

// ExitTrack is what one container's events say about its current run and
// its last exit. The zero value has seen nothing. It is a pure fold over the
// container's events in the engine's order (Next), so events replayed from
// the engine's history feed it as well as live ones.
type ExitTrack struct {
	// Killed: a kill event since the last start or die; Signal is its signal.
	Killed bool
	Signal string
	// OOM: an oom event since the last start or die.
	OOM bool
	// Cause of the last die seen, and that die's engine time.
	Cause    string
	DiedNano int64
}

// Next returns the track after ev, an event of this container.
func (t ExitTrack) Next(ev Event) ExitTrack {
	if ev.Type != "container" {
		return t
	}
	switch ev.Action {
	case "start":
		t.Killed, t.Signal, t.OOM = false, "", false
	case "kill":
		t.Killed, t.Signal = true, ev.Attributes["signal"]
	case "oom":
		t.OOM = true
	case "die":
		switch {
		case t.OOM:
			t.Cause = ExitOOM
		case t.Killed:
			t.Cause = ExitKilled
		default:
			t.Cause = ExitUnasked
		}
		t.DiedNano = ev.TimeNano
		t.Killed, t.Signal, t.OOM = false, "", false
	case "stop":
		// The engine's stop event follows the die its kills caused.
		if t.Cause == ExitKilled {
			t.Cause = ExitStopped
		}
	}
	return t
}

// ExitTrackOf folds a container's events, oldest first.
func ExitTrackOf(events []Event) ExitTrack {
	var t ExitTrack
	for _, ev := range events {
		t = t.Next(ev)
	}
	return t
}

// CauseOf is the cause of c's last exit: the track's, when its last die is
// the exit c's FinishedAt records, else unknown.
func (t ExitTrack) CauseOf(c Container) string {
	if t.Cause == "" || c.FinishedAt == 0 {
		return ""
	}
	d := c.FinishedAt - t.DiedNano/1e6
	if d < -exitMatchMs || d > exitMatchMs {
		return ""
	}
	return t.Cause
}
