package model

import "testing"

// The sequences are those Docker Engine 20.10 emits (docker events).
func TestExitTrackOf(t *testing.T) {
	ev := func(action string, attrs ...string) Event {
		e := Event{Type: "container", Action: action, ActorID: "c"}
		if len(attrs) == 2 {
			e.Attributes = map[string]string{attrs[0]: attrs[1]}
		}
		return e
	}
	cases := []struct {
		name   string
		events []Event
		want   string
	}{
		{"nothing seen", nil, ""},
		{"running, no exit seen", []Event{ev("start")}, ""},
		{"docker stop, SIGKILL after the grace period",
			[]Event{ev("start"), ev("kill", "signal", "15"), ev("kill", "signal", "9"), ev("die", "exitCode", "137"), ev("stop")}, ExitStopped},
		{"docker stop, before its stop event", []Event{ev("start"), ev("kill", "signal", "15"), ev("die")}, ExitKilled},
		{"docker kill", []Event{ev("start"), ev("kill", "signal", "9"), ev("die", "exitCode", "137")}, ExitKilled},
		{"crash", []Event{ev("start"), ev("die", "exitCode", "1")}, ExitUnasked},
		{"die seen without its start", []Event{ev("die", "exitCode", "1")}, ExitUnasked},
		{"oom", []Event{ev("start"), ev("oom"), ev("die", "exitCode", "137")}, ExitOOM},
		{"oom during a stop is still an oom", []Event{ev("start"), ev("kill", "signal", "15"), ev("oom"), ev("die"), ev("stop")}, ExitOOM},
		{"docker restart",
			[]Event{ev("start"), ev("kill", "signal", "15"), ev("kill", "signal", "9"), ev("die"), ev("stop"), ev("start"), ev("restart")}, ExitStopped},
		{"a kill before the last start explains nothing",
			[]Event{ev("start"), ev("kill", "signal", "9"), ev("die"), ev("start"), ev("die", "exitCode", "1")}, ExitUnasked},
		{"restart loop after a stop", []Event{ev("kill"), ev("die"), ev("stop"), ev("start"), ev("die", "exitCode", "1")}, ExitUnasked},
		{"a stop with no die before it changes nothing", []Event{ev("start"), ev("die", "exitCode", "1"), ev("stop")}, ExitUnasked},
		{"other event types are not the container's", []Event{ev("start"), {Type: "network", Action: "kill"}, ev("die")}, ExitUnasked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExitTrackOf(tc.events).Cause; got != tc.want {
				t.Fatalf("cause %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExitTrackCauseOf(t *testing.T) {
	const died = int64(1_795_650_000_123) // ms
	tr := ExitTrackOf([]Event{{Type: "container", Action: "die", TimeNano: died * 1e6}})
	for _, tc := range []struct {
		name     string
		finished int64
		want     string
	}{
		{"the exit the die reported", died - 3, ExitUnasked},
		{"never finished", 0, ""},
		{"a later exit Dockpulse did not see", died + 60_000, ""},
		{"an earlier exit", died - 60_000, ""},
	} {
		if got := tr.CauseOf(Container{FinishedAt: tc.finished}); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := (ExitTrack{}).CauseOf(Container{FinishedAt: died}); got != "" {
		t.Errorf("no die seen: %q, want unknown", got)
	}
}
