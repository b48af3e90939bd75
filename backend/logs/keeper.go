package logs

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/docker/docker/api/types/events"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Bounds of the last words a Keeper holds, and so of its memory: at most
// KeptDeaths deaths of at most KeptLines lines of at most MaxLineBytes
// each, and at most KeptBytes of text for all of them (the oldest deaths are
// forgotten first; the newest is always kept, at most KeptLines ×
// MaxLineBytes = 12.5 MiB); plus, for the --rm containers running, at most
// MaxFollows rings of KeptLines lines each (at most KeptLines ×
// MaxLineBytes apiece, a few KiB for a container writing short lines).
// What it holds is thus at most KeptBytes + 12.5 MiB + MaxFollows × 12.5
// MiB of text in the worst case of lines all at the limit, about 100 KiB a
// death with lines of 500 bytes.
const (
	// KeptLines is the most lines kept of one container's last words.
	KeptLines = 200
	// KeptDeaths is the most deaths whose last words are kept.
	KeptDeaths = 100
	// KeptBytes bounds the text of all the deaths kept.
	KeptBytes = 64 << 20
	// MaxFollows is the most --rm containers followed at once; the others'
	// last lines are read when they die, which the engine's removal may
	// have made too late.
	MaxFollows = 32
)

// Internals of the keeper.
const (
	keeperWorkers = 2   // reads of the engine at once
	keeperQueue   = 256 // starts and deaths waiting for a worker
	// removeGrace is how long a --rm follow may still read once the
	// container is removed, before it is stopped.
	removeGrace = 10 * time.Second
	// readTimeout bounds one read of last lines.
	readTimeout = 30 * time.Second
)

// Keeper keeps last words (fed with die/destroy events and --rm follows).
// It is safe for concurrent use.
//
// On a container's die event it reads the container's last KeptLines lines
// up to the die's time. A container started with --rm (HostConfig.AutoRemove)
// is gone by then, so it is followed from its start event while it runs,
// its last KeptLines lines kept in a ring, which become its last words when
// it stops.
type Keeper struct {
	log *zap.Logger

	mu      sync.Mutex
	deaths  map[key]*death
	order   []key // of deaths, oldest first
	bytes   int   // text of the deaths ready
	follows map[key]*rmFollow
	closed  bool

	once   sync.Once
	jobs   chan job
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type key struct{ engine, id string }

// death is one container's last words, read or being read.
type death struct {
	lw    LastWords
	died  bool // its die event was seen (else a follow saw it end first)
	ready bool // its lines are in
	bytes int
}

// rmFollow is a --rm container followed while it runs.
type rmFollow struct {
	cancel context.CancelFunc
	ring   []Line // its last lines, at most KeptLines
	// streamEnded: the engine's stream ended and did not reopen (the
	// follow is interrupted). Once the container died, the ring then holds
	// every line it wrote: a --rm container's removal can keep the follow
	// interrupted (its inspect and logs refused while it is removed) past
	// the die event and even past removeGrace.
	streamEnded bool
}

// job is work for a keeper's worker: a start or a death to look into.
type job struct {
	r  *Reader
	ev model.Event
}

// NewKeeper returns an empty keeper. Close stops its work.
func NewKeeper(log *zap.Logger) *Keeper {
	ctx, cancel := context.WithCancel(context.Background())
	return &Keeper{
		log:     log.With(zap.String("component", "lastwords")),
		deaths:  make(map[key]*death),
		follows: make(map[key]*rmFollow),
		jobs:    make(chan job, keeperQueue),
		ctx:     ctx,
		cancel:  cancel,
	}
}

// Observe tells the keeper of an engine event of r's engine: a container's
// start (a --rm one is followed while it runs), die (its last lines are
// kept) and destroy (its last words say removed). It never blocks on the
// engine: the reading is done in the background.
func (k *Keeper) Observe(r *Reader, ev model.Event) {
	if ev.Type != string(events.ContainerEventType) || ev.ActorID == "" {
		return
	}
	kk := key{r.Engine(), ev.ActorID}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed || r.closed() {
		return
	}
	switch ev.Action {
	case string(events.ActionStart):
		if _, ok := k.follows[kk]; ok || len(k.follows) >= MaxFollows {
			return
		}
	case string(events.ActionDie):
		if !k.diedLocked(kk, ev) {
			return
		}
	case string(events.ActionDestroy):
		if d, ok := k.deaths[kk]; ok {
			d.lw.Removed = true
		}
		if f, ok := k.follows[kk]; ok {
			time.AfterFunc(removeGrace, f.cancel)
		}
		return
	default:
		return
	}
	k.once.Do(k.startWorkers)
	select {
	case k.jobs <- job{r: r, ev: ev}:
	default:
		// Too much to read at once: a start is let go (the container's last
		// words are then read at its death), a death is not kept.
		if ev.Action == string(events.ActionDie) {
			k.log.Warn("last words: too many deaths to read at once, one container's are not kept",
				zap.String("id", model.Cut(ev.ActorID, model.MaxWord)))
			k.forgetLocked(kk)
		}
	}
}

// diedLocked records a death; it says whether its lines are to be read
// (not when a follow has them or had them).
func (k *Keeper) diedLocked(kk key, ev model.Event) bool {
	lw := LastWords{
		Engine: kk.engine, ID: kk.id, Name: ev.Name, ExitCause: ev.ExitCause,
		FinishedAt: ev.TimeNano / int64(time.Millisecond),
	}
	if code, err := strconv.Atoi(ev.Attributes["exitCode"]); err == nil {
		lw.ExitCode = code
	}
	if d, ok := k.deaths[kk]; ok && d.ready && !d.died {
		// A follow saw the end first: its lines, this death's facts.
		lw.Lines, lw.Removed = d.lw.Lines, d.lw.Removed
		d.lw, d.died = lw, true
		return false
	}
	k.forgetLocked(kk) // an earlier death of the same container
	k.deaths[kk] = &death{lw: lw, died: true}
	k.order = append(k.order, kk)
	f, followed := k.follows[kk]
	if followed && f.streamEnded {
		k.endedLocked(kk, f, false) // its stream ended before the die came
	}
	return !followed
}

func (k *Keeper) startWorkers() {
	for range keeperWorkers {
		k.wg.Add(1)
		go func() {
			defer k.wg.Done()
			for {
				select {
				case <-k.ctx.Done():
					return
				case j := <-k.jobs:
					k.do(j)
				}
			}
		}()
	}
}

func (k *Keeper) do(j job) {
	ctx, cancel := context.WithTimeout(k.ctx, readTimeout)
	defer cancel()
	kk := key{j.r.Engine(), j.ev.ActorID}
	switch j.ev.Action {
	case string(events.ActionStart):
		t, err := j.r.inspect(ctx, kk.id)
		if err != nil || !t.autoRemove || !t.running {
			return
		}
		k.follow(j.r, kk)
	case string(events.ActionDie):
		until := time.Unix(0, j.ev.TimeNano).UTC().Format(timeLayout)
		page, err := j.r.Page(ctx, kk.id, Query{Tail: KeptLines, Until: until})
		k.mu.Lock()
		defer k.mu.Unlock()
		d, ok := k.deaths[kk]
		if !ok || d.ready {
			return
		}
		if err != nil {
			level := zap.InfoLevel
			if errors.Is(err, model.ErrNotFound) {
				level = zap.DebugLevel // removed already (a past death read back at connect)
			}
			k.log.Log(level, "last words not kept: the container's log is not readable",
				zap.String("id", model.Cut(kk.id, model.MaxWord)), zap.Error(err))
			k.forgetLocked(kk)
			return
		}
		k.readyLocked(d, page.Lines)
	}
}

// follow follows a running --rm container, its last lines in a ring.
func (k *Keeper) follow(r *Reader, kk key) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.follows[kk]; ok || k.closed || r.closed() || len(k.follows) >= MaxFollows {
		return
	}
	ctx, cancel := context.WithCancel(k.ctx)
	f := &rmFollow{cancel: cancel}
	k.follows[kk] = f
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		defer cancel()
		removed := false
		err := r.Follow(ctx, []string{kk.id}, Query{Tail: KeptLines}, func(lines []Line) {
			k.mu.Lock()
			defer k.mu.Unlock()
			f.ring = append(f.ring, lines...)
			if n := len(f.ring) - KeptLines; n > 0 {
				f.ring = append(f.ring[:0], f.ring[n:]...)
			}
		}, func(s State) {
			k.mu.Lock()
			defer k.mu.Unlock()
			f.streamEnded = s.State == Interrupted
			switch s.State {
			case Stopped, Removed:
				removed = removed || s.State == Removed
				k.endedLocked(kk, f, removed)
			case Interrupted:
				if d, ok := k.deaths[kk]; ok && d.died {
					k.endedLocked(kk, f, removed) // it died: the ring is whole
				}
			}
		})
		if err != nil && ctx.Err() == nil {
			k.log.Debug("--rm container not followed", zap.String("id", model.Cut(kk.id, model.MaxWord)), zap.Error(err))
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		delete(k.follows, kk)
		if d, ok := k.deaths[kk]; ok && d.died && !d.ready {
			// Stopped after removeGrace (or by Close) before it could say
			// how the container ended: what it read is its last words.
			k.endedLocked(kk, f, removed)
		}
	}()
}

// endedLocked makes a followed container's ring its last words: it
// stopped (or is gone).
func (k *Keeper) endedLocked(kk key, f *rmFollow, removed bool) {
	lines := append([]Line(nil), f.ring...)
	sortLines(lines) // several batches may bring one stream's lines later than the other's
	d, ok := k.deaths[kk]
	if !ok {
		// Its die event is still to come; it brings the facts.
		d = &death{lw: LastWords{Engine: kk.engine, ID: kk.id}}
		k.deaths[kk] = d
		k.order = append(k.order, kk)
	}
	d.lw.Removed = d.lw.Removed || removed
	if !d.ready {
		k.readyLocked(d, lines)
	}
}

// readyLocked gives a death its lines and forgets the oldest deaths beyond
// the bounds.
func (k *Keeper) readyLocked(d *death, lines []Line) {
	if len(lines) > KeptLines {
		lines = lines[len(lines)-KeptLines:]
	}
	d.lw.Lines, d.ready = lines, true
	for _, l := range lines {
		d.bytes += lineSize(l)
	}
	k.bytes += d.bytes
	for len(k.order) > KeptDeaths || (k.bytes > KeptBytes && len(k.order) > 1) {
		k.forgetLocked(k.order[0])
	}
}

// forgetLocked drops a death.
func (k *Keeper) forgetLocked(kk key) {
	d, ok := k.deaths[kk]
	if !ok {
		return
	}
	delete(k.deaths, kk)
	k.bytes -= d.bytes
	for i, o := range k.order {
		if o == kk {
			k.order = append(k.order[:i], k.order[i+1:]...)
			break
		}
	}
}

// Get returns the last words kept of the container id on engine.
func (k *Keeper) Get(engine, id string) (LastWords, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	d, ok := k.deaths[key{engine, id}]
	if !ok || !d.ready {
		return LastWords{}, false
	}
	lw := d.lw
	lw.Lines = append(make([]Line, 0, len(lw.Lines)), lw.Lines...)
	return lw, true
}

// Close stops the keeper's follows and reads and waits for them. What it
// kept stays readable.
func (k *Keeper) Close() {
	k.mu.Lock()
	k.closed = true
	k.mu.Unlock()
	k.cancel()
	k.wg.Wait()
}
