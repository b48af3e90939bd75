package stats

import (
	"context"
	"math/rand/v2"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// OneShotSource is a Source that can also take a single sample without
// keeping a stream open: the engine's one-shot stats (API 1.41+,
// `GET /containers/{id}/stats?stream=false&one-shot=true`), which answers at
// once with no previous CPU reading. The collector needs it for background
// sampling (see View); with a plain Source every container streams.
type OneShotSource interface {
	Source
	SampleOnce(ctx context.Context, id string) (Sample, error)
}

// sampleEvery is the goroutine of a container sampled in the background:
// one one-shot sample every Background, for as long as it stays tracked and
// out of focus. The first waits a random part of the period, so that the
// background containers' requests spread evenly over it instead of reaching
// the engine together. The engine's one-shot sample has no previous CPU
// reading, so each sample's CPU figure is measured against the previous
// sample: the average over the period. The first one, with nothing to
// compare, only sets the baseline, as a stream's first sample does.
func (c *Collector) sampleEvery(ctx context.Context, key model.Key, self *stream) {
	defer c.exited()
	log := c.log.With(zap.String("container", key.ID))
	var prev *CPU
	wait := rand.N(c.cfg.Background) + 1
	for {
		if !c.sleep(ctx, wait) {
			return
		}
		wait = c.cfg.Background
		s, err := c.oneShot.SampleOnce(ctx, key.ID)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !endedQuietly(err) {
				log.Warn("one-shot stats sample failed", zap.Error(err))
			}
			continue
		}
		if s.Read.IsZero() {
			continue
		}
		first := prev == nil
		if prev != nil {
			s.PreCPU = *prev
		}
		cur := s.CPU
		prev = &cur
		if first && firstWithoutBaseline(s) {
			continue // its CPU has nothing to be measured against yet
		}
		c.store(key, self, Compute(c.cfg.Engine, key.ID, s))
	}
}
