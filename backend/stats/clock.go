package stats

import (
	"context"
	"time"
)

// Clock makes the two kinds of timer the collector needs, so that tests can
// fire them by hand instead of sleeping.
type Clock interface {
	// NewTicker returns a channel that delivers every d, and a function that
	// stops it.
	NewTicker(d time.Duration) (<-chan time.Time, func())
	// NewTimer returns a channel that delivers once after d, and a function
	// that stops it.
	NewTimer(d time.Duration) (<-chan time.Time, func())
}

// sleep waits d unless ctx is done first; it reports whether the wait ran out.
func (c *Collector) sleep(ctx context.Context, d time.Duration) bool {
	fired, stop := c.cfg.Clock.NewTimer(d)
	defer stop()
	select {
	case <-ctx.Done():
		return false
	case <-fired:
		return true
	}
}

// systemClock is the real Clock.
type systemClock struct{}

func (systemClock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

func (systemClock) NewTimer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	// Stop's result only says whether the timer had fired; since Go 1.23 an
	// unfired channel needs no draining, so there is nothing to act on.
	return t.C, func() { t.Stop() }
}
