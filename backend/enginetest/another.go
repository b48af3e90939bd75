package enginetest

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// RequireAnotherEngine starts one more private engine for this test, beside
// the shared one, on its own socket; it is stopped and removed when the test
// ends. It needs what a private engine needs (root, dockerd): without it the
// test is skipped, or fails in CI. It can be killed and restarted.
func RequireAnotherEngine(tb testing.TB) *Engine {
	tb.Helper()
	if _, err := checkCanStart(); err != nil {
		SkipOrFail(tb, fmt.Sprintf("enginetest: no second engine: %v; %s", err, howToGetEngine))
	}
	dir, err := os.MkdirTemp("", "dpa")
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	e, err := OpenPrivate(dir)
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	e.startForTest(tb, "second engine")
	return e
}

// startForTest starts a private engine this test owns, with the test image,
// and stops and removes it when the test ends; what names it in failures.
func (e *Engine) startForTest(tb testing.TB, what string) {
	tb.Helper()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := e.destroy(ctx); err != nil {
			tb.Errorf("enginetest: stop the %s: %v", what, err)
		}
	})
	if err := e.start(tb.Context()); err != nil {
		tb.Fatalf("enginetest: %s: %v", what, err)
	}
	if err := e.EnsureImage(tb.Context()); err != nil {
		tb.Fatalf("enginetest: %s: %v", what, err)
	}
}

// StartBeside is Start for a goroutine beside the test's own (which may not
// fail the test): it returns the error.
func (e *Engine) StartBeside(ctx context.Context) error {
	if !e.Restartable() {
		return fmt.Errorf("enginetest: the engine at %s is not this package's to start", e.Host)
	}
	return e.start(ctx)
}
