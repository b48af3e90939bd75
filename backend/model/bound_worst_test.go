package model_test

import (
	"encoding/json"
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/model/modeltest"
)

// TestWorstCases checks the documented worst cases: maximal values encode
// within them, and not far below (the bounds are not loose: 10% and the
// engine's name, which the bounds count as a word, at most).
func TestWorstCases(t *testing.T) {
	c := modeltest.Container("local", 1)
	tests := []struct {
		name  string
		value any
		bound int
	}{
		{"container", c.Bound(), model.MaxContainerJSON},
		{"event", modeltest.Event("local").Bound(), model.MaxEventJSON},
		{"engine", modeltest.EngineInfo("local", model.EngineDown).Bound(), model.MaxEngineJSON},
		{"stats", modeltest.Stats(c).Bound(), model.MaxStatsJSON},
		{"inspect", modeltest.Inspect("local").Bound(), model.MaxInspectJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(b); n > tt.bound {
				t.Errorf("a maximal %s encodes to %d bytes, over its bound %d", tt.name, n, tt.bound)
			} else if n < tt.bound*9/10-256 {
				t.Errorf("a maximal %s encodes to %d bytes, far below its bound %d", tt.name, n, tt.bound)
			}
			t.Logf("%s: %d of %d bytes", tt.name, len(b), tt.bound)
		})
	}
}
