package stats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Source opens the engine's streaming stats for one container. The Docker
// adapter implements it; tests use a fake. StreamStats must return when ctx
// is cancelled, since Run waits for every stream goroutine.
type Source interface {
	StreamStats(ctx context.Context, id string) (Stream, error)
}

// Stream yields decoded samples until ctx is cancelled or the engine ends it.
//
// The collector calls Close exactly once, either after Next has returned an
// error or from another goroutine when the stream's context is cancelled, so
// Close must be safe to call while Next is blocked and must make it return:
// that keeps a stopped container's goroutine from waiting on a quiet
// connection.
type Stream interface {
	Next() (Sample, error) // io.EOF when the engine ended the stream
	Close() error
}

// follow is the goroutine of one tracked container: it reads the engine's
// stream and reopens it, after a backoff, for as long as the container stays
// tracked.
func (c *Collector) follow(ctx context.Context, key model.Key, self *stream) {
	defer c.exited()
	log := c.log.With(zap.String("container", key.ID))
	wait := c.cfg.RetryMin
	for {
		delivered, err := c.read(ctx, key, self, log)
		if ctx.Err() != nil {
			return // stopped: however the stream ended, that was expected
		}
		if delivered {
			// The stream worked, so this is a new failure, not the next one of
			// a series.
			wait = c.cfg.RetryMin
		}
		if endedQuietly(err) {
			// Usually the container is stopping and the event that untracks
			// it is on its way; if it restarted, the reopen picks it up.
			log.Debug("stats stream ended, reopening", zap.Error(err), zap.Duration("retryIn", wait))
		} else {
			log.Warn("stats stream failed, reopening", zap.Error(err), zap.Duration("retryIn", wait))
		}
		if !c.sleep(ctx, wait) {
			return
		}
		wait = min(wait*2, c.cfg.RetryMax)
	}
}

// read opens one stream and stores its samples until it fails or ends. It
// reports whether any sample got through, and always returns an error: a
// stream only stops by failing, ending (io.EOF) or being cancelled.
func (c *Collector) read(ctx context.Context, key model.Key, self *stream, log *zap.Logger) (delivered bool, err error) {
	st, err := c.src.StreamStats(ctx, key.ID)
	if err != nil {
		return false, fmt.Errorf("open stats stream of %s: %w", key.ID, err)
	}
	if st == nil {
		return false, fmt.Errorf("open stats stream of %s: source returned no stream", key.ID)
	}

	var closeOnce sync.Once
	closeStream := func() {
		closeOnce.Do(func() {
			if err := st.Close(); err != nil {
				log.Debug("closing stats stream", zap.Error(err))
			}
		})
	}
	// Closing on cancel makes a Next blocked on a quiet connection return;
	// closeOnce makes the deferred call wait for that close to finish, so the
	// stream is closed before the goroutine reports itself gone.
	stopCloseOnCancel := context.AfterFunc(ctx, closeStream)
	defer func() {
		stopCloseOnCancel()
		closeStream()
	}()

	for {
		sample, err := st.Next()
		if err != nil {
			return delivered, fmt.Errorf("read stats stream of %s: %w", key.ID, err)
		}
		if sample.Read.IsZero() {
			continue // the engine's placeholder for a container that is not running
		}
		if !delivered && firstWithoutBaseline(sample) {
			// A stream's first sample has no previous CPU reading, so its
			// CPU figure would read near zero for a busy container; the
			// next one, a second later, is right.
			delivered = true
			continue
		}
		delivered = true
		c.store(key, self, Compute(c.cfg.Engine, key.ID, sample))
	}
}

// endedQuietly reports whether err is how a stream normally ends around a
// container stopping or going away: the engine closed it, or it says the
// container is not running (a conflict) or no longer exists. The Docker
// client's errors carry these kinds as NotFound and Conflict methods; the
// words are a fallback for adapters that flatten errors to text.
func endedQuietly(err error) bool {
	if errors.Is(err, io.EOF) {
		return true
	}
	var notFound interface{ NotFound() }
	var conflict interface{ Conflict() }
	if errors.As(err, &notFound) || errors.As(err, &conflict) {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "not running") ||
		strings.Contains(msg, "no such container") ||
		strings.Contains(msg, "not found")
}

// firstWithoutBaseline reports a sample whose CPU figure has no previous
// reading to be measured against. An engine that reports no system CPU at
// all (Windows) never has one, and its samples are kept.
func firstWithoutBaseline(s Sample) bool {
	return s.PreCPU.System == 0 && s.CPU.System != 0
}
