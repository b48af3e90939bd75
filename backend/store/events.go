package store

import "github.com/dockpulse/dockpulse/backend/model"

// eventRing is the recent-events history: at most a number of events and
// of bytes, the oldest leaving first. An event's size is the length of the
// frame that sent it, which is more than it takes in a snapshot.
type eventRing struct {
	events   []model.Event // circular, oldest at head
	sizes    []int
	head, n  int
	bytes    int
	maxBytes int
}

func newEventRing(maxEvents, maxBytes int) eventRing {
	return eventRing{events: make([]model.Event, maxEvents), sizes: make([]int, maxEvents), maxBytes: maxBytes}
}

// push adds ev, of the given size, dropping the oldest events until both
// bounds hold. An event larger than maxBytes by itself empties the ring and
// is not kept.
func (r *eventRing) push(ev model.Event, size int) {
	for r.n > 0 && (r.n == len(r.events) || r.bytes+size > r.maxBytes) {
		r.bytes -= r.sizes[r.head]
		r.events[r.head], r.sizes[r.head] = model.Event{}, 0 // let it be collected
		r.head = (r.head + 1) % len(r.events)
		r.n--
	}
	if size > r.maxBytes {
		return
	}
	i := (r.head + r.n) % len(r.events)
	r.events[i], r.sizes[i] = ev, size
	r.n++
	r.bytes += size
}

// list returns the events, oldest first.
func (r *eventRing) list() []model.Event {
	out := make([]model.Event, 0, r.n)
	for i := range r.n {
		out = append(out, r.events[(r.head+i)%len(r.events)])
	}
	return out
}
