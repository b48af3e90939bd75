package stats

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Stats sources, as the engine's info names them (model.EngineInfo's
// StatsSource).
const (
	SourceKernel = "kernel" // a Poller reads the kernel's files
	SourceEngine = "engine" // the engine's stats streams
)

// Poller is a source that reads containers' counters itself, without the
// engine: the kernel source (backend/cgroupstats). With one, the collector
// samples every running container at every Interval from its flush
// goroutine, one Reader per container and no goroutine per container, and
// views change nothing: sampling everything costs the engine nothing.
type Poller interface {
	// Open prepares to read one running container. It may ask the engine
	// (inspect) and is called from the flush goroutine, once per container
	// start, bounded by OpenTimeout.
	Open(ctx context.Context, id string) (Reader, error)
	// HostCPU reads the host's CPU time and online CPU count (System and
	// Online), once per round, for every sample of the round.
	HostCPU() (CPU, error)
}

// Reader reads one container's counters. It is used from one goroutine at a
// time; the slices of the Sample it returns stay valid until its next Read.
type Reader interface {
	// Read takes a sample stamped at, with the host's CPU figures of the
	// round. It fails once the container's cgroup is gone.
	Read(at time.Time, host CPU) (Sample, error)
	Close() error
}

const (
	// OpenTimeout bounds one Poller.Open.
	OpenTimeout = 5 * time.Second
	// pollFailures is how many rounds in a row one container that is still
	// tracked as running may fail before the collector gives up on the
	// Poller. A stopping container fails a round or two before its event
	// untracks it; one that keeps failing means the kernel's files are not
	// what the Poller expects.
	pollFailures = 3
)

// polled is the flush goroutine's state for one container it reads.
type polled struct {
	self     *stream // the tracking period the reader belongs to
	r        Reader  // nil until opened
	prev     CPU     // the previous reading, for CPU %
	hasPrev  bool
	failures int // rounds in a row that failed
}

// Source says which source the collector samples with now.
func (c *Collector) Source() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.polling {
		return SourceKernel
	}
	return SourceEngine
}

// poll reads every tracked container once, stores the samples and returns
// when it is done. It runs on the flush goroutine, which owns c.polled.
func (c *Collector) poll(ctx context.Context) {
	c.mu.Lock()
	polling := c.polling
	c.round = c.round[:0]
	if polling {
		for key, s := range c.streams {
			c.round = append(c.round, roundItem{key, s})
		}
	}
	c.mu.Unlock()

	// Readers of containers no longer tracked, or tracked anew since their
	// reader was opened, are closed.
	for key, p := range c.polled {
		if !polling || !c.inRound(key, p.self) {
			c.closePolled(key, p)
		}
	}
	if !polling || len(c.round) == 0 {
		return
	}
	host, err := c.poller.HostCPU()
	if err != nil {
		c.fallBack(fmt.Errorf("host CPU time: %w", err))
		return
	}
	now := time.Now()
	var failed error
	for _, it := range c.round {
		p := c.polled[it.key]
		if p == nil {
			p = &polled{self: it.self}
			c.polled[it.key] = p
		}
		if err := c.pollOne(ctx, it.key, p, now, host); err != nil {
			p.failures++
			if p.failures >= pollFailures && c.stillTracked(it.key, it.self) {
				failed = fmt.Errorf("container %s failed %d rounds in a row: %w", it.key.ID, p.failures, err)
			}
			continue
		}
		p.failures = 0
	}
	if failed != nil {
		c.fallBack(failed)
	}
}

// pollOne opens the container's reader if needed and reads one sample. The
// first sample of a reader only sets the CPU baseline, as a stream's first
// does. A failed read closes the reader, so that the next round locates the
// container again (it may have restarted with a new process).
func (c *Collector) pollOne(ctx context.Context, key model.Key, p *polled, now time.Time, host CPU) error {
	if p.r == nil {
		octx, cancel := context.WithTimeout(ctx, OpenTimeout)
		r, err := c.poller.Open(octx, key.ID)
		cancel()
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		p.r, p.hasPrev = r, false
	}
	s, err := p.r.Read(now, host)
	if err != nil {
		c.closeReader(key, p)
		return err
	}
	if p.hasPrev {
		s.PreCPU = p.prev
	}
	first := !p.hasPrev
	p.prev = CPU{Total: s.CPU.Total, System: s.CPU.System, Online: s.CPU.Online}
	p.hasPrev = true
	if first {
		return nil
	}
	c.store(key, p.self, Compute(c.cfg.Engine, key.ID, s))
	return nil
}

type roundItem struct {
	key  model.Key
	self *stream
}

func (c *Collector) inRound(key model.Key, self *stream) bool {
	for _, it := range c.round {
		if it.key == key {
			return it.self == self
		}
	}
	return false
}

func (c *Collector) stillTracked(key model.Key, self *stream) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams[key] == self
}

func (c *Collector) closeReader(key model.Key, p *polled) {
	if p.r == nil {
		return
	}
	if err := p.r.Close(); err != nil {
		c.log.Debug("closing kernel stats reader", zap.String("container", key.ID), zap.Error(err))
	}
	p.r = nil
}

func (c *Collector) closePolled(key model.Key, p *polled) {
	c.closeReader(key, p)
	delete(c.polled, key)
}

// closeAllPolled closes every reader, when Run ends.
func (c *Collector) closeAllPolled() {
	for key, p := range c.polled {
		c.closePolled(key, p)
	}
}

// errFellBack is the reason given for a fall back requested from outside.
var errFellBack = errors.New("fell back")

// fallBack stops polling for good and streams every tracked container from
// the engine instead, with a warning that says why. Readers are closed by
// the next round.
func (c *Collector) fallBack(reason error) {
	if reason == nil {
		reason = errFellBack
	}
	c.mu.Lock()
	if !c.polling {
		c.mu.Unlock()
		return
	}
	c.polling = false
	if c.state == running {
		for key, s := range c.streams {
			s.background = c.backgroundLocked(key)
			c.startLocked(key, s)
		}
	}
	onSource := c.cfg.OnSource
	c.mu.Unlock()
	c.log.Warn("kernel stats unusable, using the engine's stats from now on", zap.Error(reason))
	if onSource != nil {
		onSource(SourceEngine, reason)
	}
}
