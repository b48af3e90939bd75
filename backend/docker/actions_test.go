package docker

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/docker/docker/errdefs"

	"github.com/dockpulse/dockpulse/backend/model"
)

// TestClassifyCutsEngineMessages: an engine's error message, up to the 1 MiB
// the SDK reads, reaches the client and the log within model.MaxLong, and
// keeps its kind.
func TestClassifyCutsEngineMessages(t *testing.T) {
	huge := "Error response from daemon: " + strings.Repeat("no ", 300_000)
	marker := fmt.Sprintf("… [cut: %d bytes in all]", len(huge)-len("Error response from daemon: "))
	plain := errors.New(huge)
	tests := []struct {
		name       string
		in         error
		wantSuffix string
		wantIs     error
	}{
		{"conflict", errdefs.Conflict(errors.New(huge)), marker + " (" + model.ErrConflict.Error() + ")", model.ErrConflict},
		{"not found", errdefs.NotFound(errors.New(huge)), marker + " (" + model.ErrNotFound.Error() + ")", model.ErrNotFound},
		{"unclassified", plain, fmt.Sprintf("… [cut: %d bytes in all]", len(huge)), plain},
		{"short", errdefs.Conflict(errors.New("container is not running")), "container is not running (" + model.ErrConflict.Error() + ")", model.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.in)
			msg := got.Error()
			if !strings.HasSuffix(msg, tt.wantSuffix) || len(msg) > model.MaxLong+100 {
				t.Errorf("message of %d bytes ending %q, want the suffix %q", len(msg), msg[max(0, len(msg)-80):], tt.wantSuffix)
			}
			if !errors.Is(got, tt.wantIs) {
				t.Errorf("%v is not %v", got, tt.wantIs)
			}
		})
	}
	if got := classify(errors.New("boom")); got.Error() != "boom" {
		t.Errorf("a short unclassified error became %q", got)
	}
}
