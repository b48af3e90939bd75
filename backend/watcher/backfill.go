package watcher

import (
	"context"
	"errors"
	"io"
	"time"

	"go.uber.org/zap"
)

// backfill reads the events the engine reported before until (the
// session's start, in the engine's clock) and applies them as past events,
// before any live one: at the first session those of the last
// Config.Backfill, at a later one those since the newest event already read,
// so that an outage leaves no gap and repeats nothing. After the first
// session's read it returns how far back the engine's history went
// (model.EngineInfo.EventsSince), after a later one 0 (known already).
//
// A stream that fails is logged and the session goes on live: the past is
// worth less than the present. Only a refresh failure or the session's end
// stop it.
func (w *Watcher) backfill(ctx context.Context, r *refresher, until time.Time) (int64, error) {
	since := until.Add(-w.cfg.Backfill)
	if w.lastNano > 0 {
		since = time.Unix(0, max(since.UnixNano(), w.lastNano+1))
	}
	oldest, n := int64(0), 0
	if !since.After(until) {
		bctx, cancel := context.WithCancel(ctx)
		defer cancel()
		msgs, errs := w.engine.Events(bctx, since, until)
	read:
		for {
			select {
			case <-ctx.Done():
				return 0, context.Cause(ctx)
			case err := <-errs:
				if !errors.Is(err, io.EOF) {
					if ctx.Err() != nil {
						return 0, context.Cause(ctx)
					}
					w.log.Warn("past events could not be read", zap.Error(err), zap.Int("read", n))
					oldest = 0 // the history has a hole before this session
				}
				break read
			case m := <-msgs:
				if n == 0 {
					oldest = m.TimeNano
				}
				n++
				if err := w.apply(ctx, r, m, true); err != nil {
					return 0, err
				}
			}
		}
	}
	w.log.Debug("past events read", zap.Int("events", n), zap.Time("since", since))
	if w.historyRead {
		return 0, nil
	}
	w.historyRead = true
	if oldest > 0 {
		return time.Unix(0, oldest).UnixMilli(), nil
	}
	return until.UnixMilli(), nil
}
