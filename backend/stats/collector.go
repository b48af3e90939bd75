package stats

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Sink receives batches of samples; the store implements it. PublishStats
// owns the slice it is given.
type Sink interface {
	PublishStats(samples []model.Stats)
}

// Defaults for the zero values of Config.
const (
	// DefaultInterval matches the engine, which samples each container about
	// once a second: flushing faster would only send the same samples.
	DefaultInterval = time.Second
	DefaultRetryMin = 250 * time.Millisecond
	DefaultRetryMax = 5 * time.Second
	// DefaultBackground is how often a container outside the focus is
	// sampled: often enough for totals and a sparkline that is not stale,
	// rare enough that the engine does a fifth of the work.
	DefaultBackground = 5 * time.Second
)

// Config tunes a Collector. Zero values take the defaults noted.
type Config struct {
	// Engine is the engine name in every key and sample the collector
	// produces; containers of other engines are ignored. One collector serves
	// one engine.
	Engine string
	// Interval is the flush period: at most one batch per Interval. Default
	// DefaultInterval (1s).
	Interval time.Duration
	// RetryMin is the first wait before reopening the broken stream of a
	// container that is still running. Default DefaultRetryMin (250ms).
	RetryMin time.Duration
	// RetryMax caps the wait, which doubles on every failure in a row.
	// Default DefaultRetryMax (5s); raised to RetryMin if below it.
	RetryMax time.Duration
	// Background is the period of the one-shot samples of running
	// containers outside every view, while views narrow the focus (see View).
	// Default DefaultBackground (5s).
	Background time.Duration
	// Clock drives the flush ticker, the retry timers and the background
	// sampling timers. Default: the system clock.
	Clock Clock
	// Poller, when set, samples every running container at every Interval
	// instead of the engine's streams (see Poller), until it fails or
	// disagrees with the engine; the collector then falls back to the
	// Source for good.
	Poller Poller
	// Check is how often a Poller's sample is compared with the engine's
	// (see Agree): once soon after Run starts and then every Check. Zero
	// compares never.
	Check time.Duration
	// OnSource, if set, is told when the collector falls back to the
	// engine, and why. It is called without the collector's lock.
	OnSource func(source string, reason error)
}

func (cfg Config) withDefaults() Config {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = DefaultRetryMin
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = DefaultRetryMax
	}
	cfg.RetryMax = max(cfg.RetryMax, cfg.RetryMin)
	if cfg.Background <= 0 {
		cfg.Background = DefaultBackground
	}
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	return cfg
}

// runState is where a Collector is in its one lifetime.
type runState int

const (
	notStarted runState = iota // Track remembers containers; no goroutine yet
	running                    // streams follow Track, Untrack, Sync and StopAll
	finished                   // Run has returned; nothing starts again
)

// Collector keeps one stats stream per running container of one engine and
// publishes their latest samples in batches. The package doc lists its rules.
type Collector struct {
	src     Source
	oneShot OneShotSource // src, when it can take one-shot samples
	sink    Sink
	cfg     Config
	log     *zap.Logger

	mu       sync.Mutex
	state    runState
	runCtx   context.Context           // Run's context, parent of every stream; set while running
	streams  map[model.Key]*stream     // containers tracked as running
	pending  map[model.Key]model.Stats // latest sample per container since the last flush
	focus    map[model.Key]bool        // containers streamed at 1 Hz; nil: all of them
	views    map[uint64]*viewState     // open client views (see View)
	nextView uint64
	live     int            // stream goroutines that have not exited yet
	wg       sync.WaitGroup // the same goroutines, for Run to wait on

	poller  Poller
	polling bool // the Poller samples; no stream goroutines run
	// Owned by the flush goroutine (see poll).
	polled map[model.Key]*polled
	round  []roundItem
}

// stream is one tracked container. Its pointer identifies one tracking
// period: a goroutine may store samples only while its own stream is still
// the one in Collector.streams, so that a container stopped and started again
// never gets samples from its old stream.
type stream struct {
	cancel     context.CancelFunc // nil until Run starts the goroutine
	background bool               // sampled once every Background, not streamed
}

// New makes a collector for one engine. Nothing is streamed until Run. A nil
// log discards logging.
func New(src Source, sink Sink, cfg Config, log *zap.Logger) *Collector {
	cfg = cfg.withDefaults()
	if log == nil {
		log = zap.NewNop()
	}
	oneShot, _ := src.(OneShotSource)
	return &Collector{
		src:     src,
		oneShot: oneShot,
		sink:    sink,
		cfg:     cfg,
		log:     log.With(zap.String("component", "stats"), zap.String("engine", cfg.Engine)),
		streams: make(map[model.Key]*stream),
		pending: make(map[model.Key]model.Stats),
		poller:  cfg.Poller,
		polling: cfg.Poller != nil,
		polled:  make(map[model.Key]*polled),
	}
}

// Run starts the streams of the containers tracked so far and flushes a
// batch every Interval until ctx is done. It then stops every stream, waits
// for their goroutines and returns nil. A collector runs once: a second call
// returns an error.
func (c *Collector) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.state != notStarted {
		c.mu.Unlock()
		return errors.New("stats collector: Run called more than once")
	}
	c.state = running
	c.runCtx = ctx
	if !c.polling {
		for key, s := range c.streams {
			c.startLocked(key, s)
		}
	}
	if c.polling && c.cfg.Check > 0 && c.oneShot != nil {
		c.live++
		c.wg.Add(1)
		go c.checkEvery(ctx)
	}
	c.mu.Unlock()

	ticks, stopTicker := c.cfg.Clock.NewTicker(c.cfg.Interval)
	defer stopTicker()
	for {
		select {
		case <-ctx.Done():
			c.shutdown()
			c.closeAllPolled()
			return nil
		case <-ticks:
			c.poll(ctx)
			c.flush()
		}
	}
}

// shutdown stops every stream and waits for the goroutines. No goroutine can
// start after the state changes, so the wait cannot race with a new Add.
func (c *Collector) shutdown() {
	c.mu.Lock()
	c.state = finished
	c.runCtx = nil
	for key := range c.streams {
		c.stopLocked(key)
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// Track follows a container's state: a running or paused container (see
// model.Container.Sampled) gets a stream if it has none; any other state
// (exited, restarting, ...) stops its stream and drops its pending sample.
func (c *Collector) Track(ctr model.Container) {
	if !c.ours(ctr) {
		return
	}
	key := model.Key{Engine: c.cfg.Engine, ID: ctr.ID}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ctr.Sampled() {
		c.ensureLocked(key)
	} else {
		c.stopLocked(key)
	}
}

// Untrack stops the stream of a removed container and drops its pending
// sample.
func (c *Collector) Untrack(key model.Key) {
	if key.Engine != c.cfg.Engine {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked(key)
}

// Sync makes the streams match a fresh container list after a resync: the
// running ones keep or get a stream, every other stream stops. Streams that
// should stay are not reopened.
func (c *Collector) Sync(containers []model.Container) {
	want := make(map[model.Key]bool, len(containers))
	for _, ctr := range containers {
		if ctr.Sampled() && c.ours(ctr) {
			want[model.Key{Engine: c.cfg.Engine, ID: ctr.ID}] = true
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.streams {
		if !want[key] {
			c.stopLocked(key)
		}
	}
	for key := range want {
		c.ensureLocked(key)
	}
}

// StopAll stops every stream when the engine has gone down: they would only
// fail and retry against an engine that is not there. It does not wait for
// the goroutines, which exit as their contexts are cancelled; a Sync brings
// the streams back once the engine is up.
func (c *Collector) StopAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.streams {
		c.stopLocked(key)
	}
}

// Streams returns the number of the collector's goroutines alive besides
// Run's own: streams and background samplers, including stopped ones that
// have not exited yet, and the comparison of a Poller with the engine (see
// Config.Check). With a Poller, no goroutine streams.
func (c *Collector) Streams() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

// ours reports whether a container belongs to this collector's engine. A
// container of another engine here is a wiring bug worth a warning, not a
// stream under the wrong key.
func (c *Collector) ours(ctr model.Container) bool {
	if ctr.Engine == c.cfg.Engine {
		return true
	}
	c.log.Warn("ignoring a container of another engine",
		zap.String("container", ctr.ID), zap.String("containerEngine", ctr.Engine))
	return false
}

// ensureLocked tracks key as running, starting its goroutine if Run is
// running. c.mu must be held.
func (c *Collector) ensureLocked(key model.Key) {
	if c.state == finished {
		return
	}
	if _, ok := c.streams[key]; ok {
		return
	}
	s := &stream{background: c.backgroundLocked(key)}
	c.streams[key] = s
	if c.state == running && !c.polling {
		c.startLocked(key, s)
	}
}

// backgroundLocked reports whether key should be sampled in the background
// rather than streamed. c.mu must be held.
func (c *Collector) backgroundLocked(key model.Key) bool {
	return c.focus != nil && !c.focus[key] && c.oneShot != nil
}

// refocusLocked restarts, in the right mode, the containers whose mode the
// focus changed. c.mu must be held.
func (c *Collector) refocusLocked() {
	if c.state == finished || c.polling {
		return
	}
	for key, old := range c.streams {
		bg := c.backgroundLocked(key)
		if old.background == bg {
			continue
		}
		if old.cancel != nil {
			old.cancel()
		}
		s := &stream{background: bg}
		c.streams[key] = s
		if c.state == running {
			c.startLocked(key, s)
		}
	}
}

// startLocked starts the goroutine of a tracked container. c.mu must be held
// and the state must be running.
func (c *Collector) startLocked(key model.Key, s *stream) {
	ctx, cancel := context.WithCancel(c.runCtx)
	s.cancel = cancel
	c.live++
	c.wg.Add(1)
	if s.background {
		go c.sampleEvery(ctx, key, s)
	} else {
		go c.follow(ctx, key, s)
	}
}

// stopLocked forgets a container: its goroutine's context is cancelled and
// its pending sample dropped. c.mu must be held.
func (c *Collector) stopLocked(key model.Key) {
	if s, ok := c.streams[key]; ok {
		delete(c.streams, key)
		if s.cancel != nil {
			s.cancel()
		}
	}
	delete(c.pending, key)
}

// store keeps a sample as the container's latest, unless the container has
// been stopped or untracked since the goroutine read it.
func (c *Collector) store(key model.Key, self *stream, sample model.Stats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.streams[key] != self {
		return
	}
	c.pending[key] = sample
}

// flush publishes the samples that arrived since the last flush. The sink is
// called without the lock, so a slow sink never holds up the stream readers
// and may call back into the collector.
func (c *Collector) flush() {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	batch := make([]model.Stats, 0, len(c.pending))
	for _, sample := range c.pending {
		batch = append(batch, sample)
	}
	clear(c.pending)
	c.mu.Unlock()

	slices.SortFunc(batch, func(a, b model.Stats) int {
		return cmp.Or(cmp.Compare(a.Engine, b.Engine), cmp.Compare(a.ID, b.ID))
	})
	c.sink.PublishStats(batch)
}

// exited accounts for the end of a sampling goroutine.
func (c *Collector) exited() {
	c.mu.Lock()
	c.live--
	c.mu.Unlock()
	c.wg.Done()
}
