package watcher

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/model"
)

// refreshWorkers bounds concurrent inspects: enough to overlap the engine's
// latency during churn, few enough not to load it.
const refreshWorkers = 4

// refresher brings containers up to date after their events (see the
// package doc for its ordering rules).
type refresher struct {
	ctx   context.Context
	w     *Watcher
	fail  context.CancelCauseFunc
	queue chan string // containers with work and no worker on them
	wg    sync.WaitGroup

	mu      sync.Mutex
	pending map[string]*work
}

// work is what remains to do for one container.
type work struct {
	refresh bool // inspect again
	remove  bool // the engine destroyed it
	busy    bool // a worker owns it
}

func newRefresher(ctx context.Context, w *Watcher, fail context.CancelCauseFunc) *refresher {
	r := &refresher{ctx: ctx, w: w, fail: fail, queue: make(chan string, 1024), pending: map[string]*work{}}
	for range refreshWorkers {
		r.wg.Add(1)
		go r.run()
	}
	return r
}

// request records work for a container and hands it to a worker unless one
// already owns it. It blocks only while every worker is busy and the queue
// is full, which slows the event reader rather than losing work.
func (r *refresher) request(id string, remove bool) {
	r.mu.Lock()
	wk := r.pending[id]
	if wk == nil {
		wk = &work{}
		r.pending[id] = wk
	}
	if remove {
		wk.remove = true
	} else {
		wk.refresh = true
	}
	if wk.busy {
		r.mu.Unlock()
		return
	}
	wk.busy = true
	r.mu.Unlock()
	select {
	case r.queue <- id:
	case <-r.ctx.Done():
	}
}

// wait returns once every worker has stopped; the context must be done.
func (r *refresher) wait() { r.wg.Wait() }

func (r *refresher) run() {
	defer r.wg.Done()
	for {
		select {
		case <-r.ctx.Done():
			return
		case id := <-r.queue:
			r.drain(id)
		}
	}
}

// drain does a container's work until none is left.
func (r *refresher) drain(id string) {
	key := model.Key{Engine: r.w.engine.Engine(), ID: id}
	for r.ctx.Err() == nil {
		r.mu.Lock()
		wk := r.pending[id]
		refresh, remove := wk.refresh, wk.remove
		wk.refresh, wk.remove = false, false
		if !refresh && !remove {
			delete(r.pending, id)
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		if remove {
			r.w.store.Remove(key)
			r.w.tracker.Untrack(key)
			continue
		}
		c, err := r.w.engine.Inspect(r.ctx, id)
		switch {
		case errors.Is(err, docker.ErrNotFound):
			// Removed before we looked: its destroy event follows.
			r.w.store.Remove(key)
			r.w.tracker.Untrack(key)
		case err != nil:
			if r.ctx.Err() == nil {
				r.fail(fmt.Errorf("refresh container: %w", err))
			}
			return
		default:
			r.mu.Lock()
			removed := wk.remove
			r.mu.Unlock()
			if !removed { // a destroy that came meanwhile wins; the next pass applies it
				r.w.exits.fill(&c)
				r.w.store.Upsert(c)
				r.w.tracker.Track(c)
			}
		}
	}
}
