package notify

import (
	"testing"
	"time"
)

// wantClick waits for a click on clicks to report want.
func wantClick(t *testing.T, clicks <-chan Target, want Target) {
	t.Helper()
	select {
	case got := <-clicks:
		if got != want {
			t.Fatalf("click opened %+v, want %+v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no click reported for %+v within 5 s", want)
	}
}

// wantNoClick fails if clicks reports one within wait; why says why none
// should come.
func wantNoClick(t *testing.T, clicks <-chan Target, why string, wait time.Duration) {
	t.Helper()
	select {
	case got := <-clicks:
		t.Fatalf("%s, yet a click opened %+v", why, got)
	case <-time.After(wait):
	}
}
