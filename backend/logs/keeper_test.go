package logs

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

func dieEvent(id string, at time.Time, code int) model.Event {
	return model.Event{Type: "container", Action: "die", ActorID: id, Name: "job-" + id, TimeNano: at.UnixNano(),
		Attributes: map[string]string{"exitCode": strconv.Itoa(code)}, ExitCause: model.ExitUnasked}
}

func waitKept(t *testing.T, k *Keeper, id string, cond func(LastWords) bool) LastWords {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lw, ok := k.Get("e", id)
		if ok && cond(lw) {
			return lw
		}
		if time.Now().After(deadline) {
			t.Fatalf("last words of %s not kept within 5 s: %+v %v", id, lw, ok)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestKeeperKeepsTheLastLinesUpToTheExit(t *testing.T) {
	f := newFakeEngine()
	for i := range 250 {
		f.write(at(i), byte(1+i%2), "line "+strconv.Itoa(i)+"\n")
	}
	f.write(at(300), 1, "after a restart\n") // later than the death: not its last words
	r := fakeReader(f)
	k := NewKeeper(zap.NewNop())
	defer k.Close()
	k.Observe(r, dieEvent(f.id, at(260), 2))
	lw := waitKept(t, k, f.id, func(LastWords) bool { return true })
	if len(lw.Lines) != KeptLines || lw.Lines[0].Text != "line 50" || lw.Lines[KeptLines-1].Text != "line 249" {
		t.Errorf("%d lines, %q to %q", len(lw.Lines), lw.Lines[0].Text, lw.Lines[len(lw.Lines)-1].Text)
	}
	if lw.ExitCode != 2 || lw.Name != "job-"+f.id || lw.ExitCause != model.ExitUnasked || lw.FinishedAt != at(260).UnixMilli() || lw.Removed {
		t.Errorf("facts %+v", lw)
	}
	k.Observe(r, model.Event{Type: "container", Action: "destroy", ActorID: f.id})
	if lw, _ := k.Get("e", f.id); !lw.Removed {
		t.Error("not removed after destroy")
	}
	lw.Lines[0].Text = "changed by the caller"
	if again, _ := k.Get("e", f.id); again.Lines[0].Text != "line 50" {
		t.Error("Get shares the kept lines with its caller")
	}
	if _, ok := k.Get("e", "never-died"); ok {
		t.Error("last words of a container that never died")
	}
}

func TestKeeperBounds(t *testing.T) {
	f := newFakeEngine()
	f.anyID = true
	f.write(at(1), 1, "bye\n")
	r := fakeReader(f)
	k := NewKeeper(zap.NewNop())
	defer k.Close()
	for i := range KeptDeaths + 5 {
		id := "d" + strconv.Itoa(i)
		k.Observe(r, dieEvent(id, at(2), 1))
		waitKept(t, k, id, func(LastWords) bool { return true })
	}
	for i := range 5 {
		if _, ok := k.Get("e", "d"+strconv.Itoa(i)); ok {
			t.Errorf("death %d of %d kept beyond %d", i, KeptDeaths+5, KeptDeaths)
		}
	}
	if _, ok := k.Get("e", "d5"); !ok {
		t.Error("the oldest of the last KeptDeaths deaths is forgotten")
	}
	// Text beyond KeptBytes: the oldest go first, the newest stays.
	k.mu.Lock()
	defer k.mu.Unlock()
	long := []Line{{Text: strings.Repeat("x", MaxLineBytes)}}
	for len(long) < KeptLines {
		long = append(long, long[0])
	}
	for i := range 8 {
		kk := key{"e", "big" + strconv.Itoa(i)}
		d := &death{lw: LastWords{Engine: "e", ID: kk.id}, died: true}
		k.deaths[kk] = d
		k.order = append(k.order, kk)
		k.readyLocked(d, long)
	}
	if k.bytes > KeptBytes {
		t.Errorf("%d bytes kept, more than %d", k.bytes, KeptBytes)
	}
	if _, ok := k.deaths[key{"e", "big7"}]; !ok {
		t.Error("the newest death is forgotten")
	}
	if _, ok := k.deaths[key{"e", "big0"}]; ok {
		t.Error("the oldest big death is kept beyond KeptBytes")
	}
}

// TestKeeperRmContainerWhoseRemovalInterruptsTheFollow: a --rm container's
// removal can refuse the follow's inspect and logs calls for a while (the
// follow is then interrupted, not stopped); the lines it followed are its
// last words as soon as it died, whichever comes first, the die event or
// the end of its stream, and without the engine answering again.
func TestKeeperRmContainerWhoseRemovalInterruptsTheFollow(t *testing.T) {
	for _, dieFirst := range []bool{true, false} {
		t.Run(map[bool]string{true: "die event first", false: "stream end first"}[dieFirst], func(t *testing.T) {
			f := newFakeEngine()
			f.rm = true
			f.write(at(1), 1, "starting\n")
			r := fakeReader(f)
			k := NewKeeper(zap.NewNop())
			defer k.Close()
			k.Observe(r, model.Event{Type: "container", Action: "start", ActorID: f.id})
			f.write(at(2), 2, "fatal: no config\n")
			followed := func(cond func(*rmFollow) bool) func() bool {
				return func() bool {
					k.mu.Lock()
					defer k.mu.Unlock()
					fl, ok := k.follows[key{"e", f.id}]
					return ok && cond(fl)
				}
			}
			waitUntil(t, "the follow holds both lines", followed(func(fl *rmFollow) bool { return len(fl.ring) == 2 }))
			if dieFirst {
				k.Observe(r, dieEvent(f.id, at(3), 1))
			}
			f.set(func(f *fakeEngine) { f.running, f.down = false, true }) // removal in progress: every call refused
			if !dieFirst {
				waitUntil(t, "the follow interrupted", followed(func(fl *rmFollow) bool { return fl.streamEnded }))
				k.Observe(r, dieEvent(f.id, at(3), 1))
			}
			lw := waitKept(t, k, f.id, func(LastWords) bool { return true })
			if len(lw.Lines) != 2 || lw.Lines[1].Text != "fatal: no config" || lw.ExitCode != 1 {
				t.Fatalf("last words %+v", lw)
			}
		})
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
