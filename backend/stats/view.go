package stats

import (
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
)

// View is what one client shows live: the rows on its screen and an open
// detail panel. The collector streams the union of its open views at 1 Hz
// and samples every other running container in the background (see
// the package doc). A new view shows everything until Show narrows it, so a client
// that never says what it shows (protocol v1, the polling fallback) keeps
// every container streaming.
//
// Rules: with no open view, or any view showing everything, every container
// streams; otherwise the focus is the union of the views. A View is safe for
// concurrent use; Close is idempotent, and a closed view changes nothing.
type View struct {
	c  *Collector
	id uint64
}

// viewState is the collector's record of one open view: nil keys mean
// everything.
type viewState struct {
	keys []model.Key
}

// Background is how often a running container outside every view is
// sampled while views narrow the focus.
func (c *Collector) Background() time.Duration { return c.cfg.Background }

// OpenView registers a client's view, showing everything.
func (c *Collector) OpenView() *View {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.views == nil {
		c.views = make(map[uint64]*viewState)
	}
	c.nextView++
	c.views[c.nextView] = &viewState{}
	c.applyViewsLocked()
	return &View{c: c, id: c.nextView}
}

// Show replaces what the view shows with keys (an empty list: nothing, as
// when the window is hidden).
func (v *View) Show(keys []model.Key) {
	v.c.mu.Lock()
	defer v.c.mu.Unlock()
	st, ok := v.c.views[v.id]
	if !ok {
		return
	}
	st.keys = append(make([]model.Key, 0, len(keys)), keys...)
	v.c.applyViewsLocked()
}

// Close forgets the view, when its client disconnects.
func (v *View) Close() {
	v.c.mu.Lock()
	defer v.c.mu.Unlock()
	if _, ok := v.c.views[v.id]; !ok {
		return
	}
	delete(v.c.views, v.id)
	v.c.applyViewsLocked()
}

// applyViewsLocked sets the focus from the open views. c.mu must be held.
func (c *Collector) applyViewsLocked() {
	all := len(c.views) == 0
	focus := map[model.Key]bool{}
	for _, st := range c.views {
		if st.keys == nil {
			all = true
			break
		}
		for _, k := range st.keys {
			if k.Engine == c.cfg.Engine {
				focus[k] = true
			}
		}
	}
	switch {
	case all:
		c.focus = nil
	case c.oneShot == nil:
		if c.focus == nil {
			c.log.Warn("views ignored: the stats source cannot take one-shot samples, so every container streams")
		}
		c.focus = focus
	default:
		c.focus = focus
	}
	c.refocusLocked()
}
