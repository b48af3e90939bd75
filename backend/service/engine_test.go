package service

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/server"
)

// recordingView keeps what it was shown.
type recordingView struct {
	shown  [][]model.Key
	closed bool
}

func (v *recordingView) Show(keys []model.Key) { v.shown = append(v.shown, keys) }
func (v *recordingView) Close()                { v.closed = true }

// TestFanViewShowsEachEngineItsOwnKeys: one connection's view reaches every
// engine's collector with only that engine's keys; an engine none of whose
// rows are shown is still told (shown none, rather than left showing
// everything); keys of an engine not
// watched go nowhere.
func TestFanViewShowsEachEngineItsOwnKeys(t *testing.T) {
	a, b := &recordingView{}, &recordingView{}
	v := fanView{views: map[string]server.View{"a": a, "b": b}}
	v.Show([]model.Key{{Engine: "a", ID: "1"}, {Engine: "b", ID: "2"}, {Engine: "a", ID: "3"}, {Engine: "gone", ID: "4"}})
	v.Show([]model.Key{{Engine: "b", ID: "2"}})
	if want := [][]model.Key{{{Engine: "a", ID: "1"}, {Engine: "a", ID: "3"}}, {}}; !equalShown(a.shown, want) {
		t.Errorf("engine a shown %v, want %v", a.shown, want)
	}
	if want := [][]model.Key{{{Engine: "b", ID: "2"}}, {{Engine: "b", ID: "2"}}}; !equalShown(b.shown, want) {
		t.Errorf("engine b shown %v, want %v", b.shown, want)
	}
	v.Close()
	if !a.closed || !b.closed {
		t.Errorf("closed: a %v, b %v; want both", a.closed, b.closed)
	}
}

func equalShown(got, want [][]model.Key) bool {
	return slices.EqualFunc(got, want, func(g, w []model.Key) bool { return slices.Equal(g, w) })
}

// TestUnknownEngineIsNotFoundByName: an action or inspect on an engine not
// watched is model.ErrNotFound (and model.ErrNoEngine), naming the engine.
func TestUnknownEngineIsNotFoundByName(t *testing.T) {
	var set engineSet
	err := set.Act(t.Context(), "far", "stop", "abc", model.ActOptions{})
	if !errors.Is(err, model.ErrNotFound) || !errors.Is(err, model.ErrNoEngine) || err.Error() != `stop abc: no such engine "far" here` {
		t.Errorf("Act: %v", err)
	}
	_, err = set.Inspect(t.Context(), "far", "abc")
	if !errors.Is(err, model.ErrNotFound) || err.Error() != `inspect abc: no such engine "far" here` {
		t.Errorf("Inspect: %v", err)
	}
}

// TestEnginesListedTwiceAreRefused: each engine is watched once.
func TestEnginesListedTwiceAreRefused(t *testing.T) {
	_, err := New(Config{Engines: []engines.Endpoint{{Name: "a", Host: "unix:///run/a.sock"}, {Name: "a", Host: "unix:///run/b.sock"}}}, zap.NewNop())
	if err == nil || !strings.Contains(err.Error(), `engine "a" is listed twice`) {
		t.Fatalf("New with a name twice: %v", err)
	}
}
