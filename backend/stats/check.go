package stats

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// The tolerance of Agree. A kernel sample is taken just before and just
// after the engine's, so every figure of the engine's should lie between the
// two kernel readings; the slack covers what moves while the engine works
// (a busy container's CPU time runs at up to Online seconds per second, a
// writer's bytes and memory change) and what the engine rounds.
const (
	// CheckCPUSlack is the CPU time, per online CPU, by which the engine's
	// container and host CPU counters may lie outside the two kernel
	// readings.
	CheckCPUSlack = 100 * time.Millisecond
	// CheckBytesSlack and CheckBytesShare bound how far the engine's byte
	// counters (block I/O, network) may lie outside the kernel readings:
	// CheckBytesSlack plus CheckBytesShare of the larger reading.
	CheckBytesSlack = 1 << 20
	CheckBytesShare = 0.05
	// CheckMemorySlack and CheckMemoryShare do the same for the memory
	// figure `docker stats` shows (usage less inactive page cache).
	CheckMemorySlack = 8 << 20
	CheckMemoryShare = 0.10
	// CheckPidsSlack is how many processes may have started or ended
	// around the engine's reading.
	CheckPidsSlack = 2
)

// Disagreement says that a kernel sample and the engine's sample of the
// same container differ beyond the tolerance of Agree.
type Disagreement struct {
	ID     string
	Figure string
	Kernel [2]uint64 // the readings before and after the engine's
	Engine uint64
}

func (d *Disagreement) Error() string {
	return fmt.Sprintf("kernel and engine stats of %s disagree on %s: kernel read %d then %d, the engine %d in between",
		d.ID, d.Figure, d.Kernel[0], d.Kernel[1], d.Engine)
}

// Agree checks the engine's sample e of container id against kernel samples
// before and after it: the memory limit and the online CPU count must be
// the same, and every other figure must lie between the kernel's two, within
// the slack above. It returns a *Disagreement naming the first figure that
// does not.
func Agree(id string, before, e, after Sample) error {
	cpuSlack := uint64(CheckCPUSlack) * uint64(max(e.CPU.Online, before.CPU.Online, 1))
	bytesSlack := func(hi uint64) uint64 { return CheckBytesSlack + uint64(float64(hi)*CheckBytesShare) }
	type figure struct {
		name       string
		k1, ev, k2 uint64
		slack      func(hi uint64) uint64
		exact      bool
	}
	r1, w1 := blockIO(before.BlockIO)
	re, we := blockIO(e.BlockIO)
	r2, w2 := blockIO(after.BlockIO)
	n1r, n1t := networkBytes(before.Networks)
	ner, net := networkBytes(e.Networks)
	n2r, n2t := networkBytes(after.Networks)
	fixed := func(s uint64) func(uint64) uint64 { return func(uint64) uint64 { return s } }
	for _, f := range []figure{
		{name: "online CPUs", k1: uint64(before.CPU.Online), ev: uint64(e.CPU.Online), k2: uint64(after.CPU.Online), exact: true},
		{name: "memory limit", k1: before.Memory.Limit, ev: e.Memory.Limit, k2: after.Memory.Limit, exact: true},
		{name: "CPU time", k1: before.CPU.Total, ev: e.CPU.Total, k2: after.CPU.Total, slack: fixed(cpuSlack)},
		{name: "host CPU time", k1: before.CPU.System, ev: e.CPU.System, k2: after.CPU.System, slack: fixed(cpuSlack)},
		{name: "memory usage", k1: memoryUsage(before.Memory), ev: memoryUsage(e.Memory), k2: memoryUsage(after.Memory),
			slack: func(hi uint64) uint64 { return CheckMemorySlack + uint64(float64(hi)*CheckMemoryShare) }},
		{name: "block I/O read", k1: r1, ev: re, k2: r2, slack: bytesSlack},
		{name: "block I/O written", k1: w1, ev: we, k2: w2, slack: bytesSlack},
		{name: "network received", k1: n1r, ev: ner, k2: n2r, slack: bytesSlack},
		{name: "network sent", k1: n1t, ev: net, k2: n2t, slack: bytesSlack},
		{name: "pids", k1: before.Pids, ev: e.Pids, k2: after.Pids, slack: fixed(CheckPidsSlack)},
	} {
		lo, hi := min(f.k1, f.k2), max(f.k1, f.k2)
		ok := f.ev >= lo && f.ev <= hi
		if !f.exact && !ok {
			s := f.slack(hi)
			ok = f.ev+s >= lo && f.ev <= hi+s
		}
		if !ok {
			return &Disagreement{ID: id, Figure: f.name, Kernel: [2]uint64{f.k1, f.k2}, Engine: f.ev}
		}
	}
	return nil
}

// checkFirst is how soon after Run the first comparison is made: time for
// the watcher to track the running containers.
const checkFirst = 3 * time.Second

// checkEvery is the goroutine that compares the Poller with the engine: soon
// after Run, then every Check. A disagreement makes the collector fall back
// to the engine; a comparison that could not be made (no running container,
// one that stopped meanwhile) is tried again at the next period.
func (c *Collector) checkEvery(ctx context.Context) {
	defer c.exited()
	wait := min(checkFirst, c.cfg.Check)
	for {
		if !c.sleep(ctx, wait) {
			return
		}
		wait = c.cfg.Check
		if c.Source() != SourceKernel {
			return
		}
		err := c.check(ctx)
		if ctx.Err() != nil {
			return
		}
		var d *Disagreement
		if errors.As(err, &d) {
			c.fallBack(err)
			return
		}
		if err != nil {
			c.log.Debug("comparing kernel and engine stats", zap.Error(err))
		} else {
			c.log.Debug("kernel and engine stats agree")
		}
	}
}

// errNothingToCheck says that no container runs to compare.
var errNothingToCheck = errors.New("no running container to compare")

// check compares the first tracked container, by key, of which both
// sources can take a sample.
func (c *Collector) check(ctx context.Context) error {
	c.mu.Lock()
	keys := make([]model.Key, 0, len(c.streams))
	for k := range c.streams {
		keys = append(keys, k)
	}
	c.mu.Unlock()
	if len(keys) == 0 {
		return errNothingToCheck
	}
	slices.SortFunc(keys, func(a, b model.Key) int { return cmp.Compare(a.ID, b.ID) })
	var errs []error
	for _, k := range keys {
		err := c.checkOne(ctx, k.ID)
		var d *Disagreement
		if err == nil || errors.As(err, &d) {
			return err
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkOne takes a kernel sample, the engine's one-shot sample and a
// second kernel sample of one container, and compares them.
func (c *Collector) checkOne(ctx context.Context, id string) error {
	octx, cancel := context.WithTimeout(ctx, OpenTimeout)
	r, err := c.poller.Open(octx, id)
	cancel()
	if err != nil {
		return fmt.Errorf("kernel stats of %s: %w", id, err)
	}
	defer func() {
		if err := r.Close(); err != nil {
			c.log.Debug("closing kernel stats reader", zap.String("container", id), zap.Error(err))
		}
	}()
	read := func() (Sample, error) {
		host, err := c.poller.HostCPU()
		if err != nil {
			return Sample{}, err
		}
		s, err := r.Read(time.Now(), host)
		if err != nil {
			return Sample{}, err
		}
		// The next Read reuses the slices.
		s.CPU.PerCPU = slices.Clone(s.CPU.PerCPU)
		s.BlockIO = slices.Clone(s.BlockIO)
		s.Networks = slices.Clone(s.Networks)
		return s, nil
	}
	before, err := read()
	if err != nil {
		return fmt.Errorf("kernel stats of %s: %w", id, err)
	}
	e, err := c.oneShot.SampleOnce(ctx, id)
	if err != nil {
		return fmt.Errorf("engine stats of %s: %w", id, err)
	}
	after, err := read()
	if err != nil {
		return fmt.Errorf("kernel stats of %s: %w", id, err)
	}
	if e.Read.IsZero() {
		return fmt.Errorf("engine stats of %s: the container is not running", id)
	}
	return Agree(id, before, e, after)
}
