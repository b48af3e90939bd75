package watcher

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/docker/docker/api/types/events"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// Clock is the fake engine's time: the host's.
func (f *fakeEngine) Clock(context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing != nil {
		return time.Time{}, f.failing
	}
	return time.Now(), nil
}

// replay serves the past events within [since, until] as the engine does,
// then io.EOF (or pastFail).
func (f *fakeEngine) replay(ctx context.Context, since, until time.Time) (<-chan events.Message, <-chan error) {
	f.mu.Lock()
	f.pastSince = append(f.pastSince, since)
	var out []events.Message
	for _, m := range f.past {
		if m.TimeNano >= since.UnixNano() && m.TimeNano <= until.UnixNano() {
			out = append(out, m)
		}
	}
	fail := f.pastFail
	f.mu.Unlock()
	msgs, errs := make(chan events.Message), make(chan error, 1)
	go func() {
		for _, m := range out {
			select {
			case msgs <- m:
			case <-ctx.Done():
				errs <- ctx.Err()
				return
			}
		}
		if fail != nil {
			errs <- fail
		} else {
			errs <- io.EOF
		}
	}()
	return msgs, errs
}

func pastEvent(action, id string, at time.Time) events.Message {
	return events.Message{Type: events.ContainerEventType, Action: events.Action(action), Actor: events.Actor{ID: id,
		Attributes: map[string]string{"exitCode": "1"}}, TimeNano: at.UnixNano()}
}

// nextEvent reads deltas until an event, returning it; engine deltas on the
// way are returned too.
func (h *harness) nextEvent(t *testing.T) (model.Event, []model.EngineInfo) {
	t.Helper()
	var engines []model.EngineInfo
	for {
		select {
		case frame := <-h.sub.Queue():
			env, err := protocol.Decode(frame)
			if err != nil {
				t.Fatal(err)
			}
			switch env.Type {
			case protocol.TypeEvent:
				var ev model.Event
				if err := json.Unmarshal(env.Data, &ev); err != nil {
					t.Fatal(err)
				}
				return ev, engines
			case protocol.TypeEngine:
				var info model.EngineInfo
				if err := json.Unmarshal(env.Data, &info); err != nil {
					t.Fatal(err)
				}
				engines = append(engines, info)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no event delta")
		}
	}
}

// TestPastEventsBeforeLiveOnes: the first session replays the engine's past
// events, marked as such and before any live event; the engine's info then
// says how far back its history went.
func TestPastEventsBeforeLiveOnes(t *testing.T) {
	e := newFakeEngine()
	died := time.Now().Add(-time.Hour)
	e.past = []events.Message{
		pastEvent("die", "gone", died),
		pastEvent("exec_start", "gone", died.Add(time.Second)), // noise stays out, past or live
		pastEvent("destroy", "gone", died.Add(2*time.Second)),
		pastEvent("die", "ancient", time.Now().Add(-48*time.Hour)), // beyond the backfill window
	}
	h := run(t, e)
	first, _ := h.nextEvent(t)
	second, engines := h.nextEvent(t)
	if first.Action != "die" || first.ActorID != "gone" || !first.Backfill || first.TimeNano != died.UnixNano() {
		t.Fatalf("first event %+v, want the past die", first)
	}
	if second.Action != "destroy" || !second.Backfill {
		t.Fatalf("second event %+v, want the past destroy", second)
	}
	e.emit(t, "start", "x")
	live, more := h.nextEvent(t)
	if live.Action != "start" || live.Backfill {
		t.Fatalf("live event %+v, want a start not marked past", live)
	}
	engines = append(engines, more...)
	if len(engines) == 0 || engines[len(engines)-1].EventsSince != died.UnixMilli() {
		t.Fatalf("engine deltas %+v, want eventsSince %d (the oldest past event)", engines, died.UnixMilli())
	}
	if snap := h.store.Snapshot(); snap.Engines[0].EventsSince != died.UnixMilli() || snap.Engines[0].Status != model.EngineUp {
		t.Fatalf("engine after the backfill: %+v", snap.Engines[0])
	}
}

// TestPastEventsAfterAnOutageResumeAtTheLastOne: a later session reads
// only what the engine reported since the newest event already read.
func TestPastEventsAfterAnOutageResumeAtTheLastOne(t *testing.T) {
	e := newFakeEngine()
	h := run(t, e)
	h.expect(t, "engine:connecting", "engine:up")
	e.emit(t, "start", "a")
	before, _ := h.nextEvent(t)
	e.breakStream(errors.New("connection reset"))
	missed := time.Now()
	e.mu.Lock()
	e.past = append(e.past, pastEvent("start", "a", time.Unix(0, before.TimeNano)), pastEvent("die", "a", missed))
	e.mu.Unlock()
	e.heal()
	ev, _ := h.nextEvent(t)
	if ev.Action != "die" || !ev.Backfill || ev.TimeNano != missed.UnixNano() {
		t.Fatalf("after the outage: %+v, want only the die it missed, as past", ev)
	}
	e.mu.Lock()
	since := e.pastSince[len(e.pastSince)-1]
	e.mu.Unlock()
	if since.UnixNano() != before.TimeNano+1 {
		t.Fatalf("second backfill since %v, want just after the last event read (%d)", since, before.TimeNano)
	}
}

// TestPastEventsThatFailLeaveTheSessionLive: a history that cannot be read
// costs the past, not the live view.
func TestPastEventsThatFailLeaveTheSessionLive(t *testing.T) {
	e := newFakeEngine()
	e.pastFail = errors.New("not supported")
	h := run(t, e)
	h.expect(t, "engine:connecting", "engine:up")
	e.emit(t, "start", "x")
	ev, _ := h.nextEvent(t)
	if ev.Action != "start" || ev.Backfill {
		t.Fatalf("event %+v", ev)
	}
	last := h.store.Engines()[0]
	if last.Status != model.EngineUp || last.EventsSince == 0 {
		t.Fatalf("engine %+v: want up, events since the connection", last)
	}
}
