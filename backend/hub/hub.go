// Package hub fans pre-encoded frames out to many subscribers.
//
// Rules:
//   - Publish never blocks. Each subscriber has a bounded queue; a subscriber
//     whose queue is full when a frame arrives is dropped at once (its Done
//     channel closes with ErrTooSlow). It has lost a frame, so it must not
//     simply carry on: its connection is closed and the client reconnects and
//     resyncs from a fresh snapshot. The others never wait for it.
//   - Frames reach every subscriber in the order they were published.
//   - A frame is shared, never copied: subscribers must not modify it.
package hub

import (
	"errors"
	"sync"
)

// ErrTooSlow is why a subscriber that could not keep up was dropped.
var ErrTooSlow = errors.New("subscriber too slow: queue full")

// ErrClosed is why subscribers are dropped when the hub closes.
var ErrClosed = errors.New("hub closed")

// Hub is a set of subscribers. The zero value is not usable; call New.
type Hub struct {
	mu     sync.Mutex
	subs   map[*Subscriber]struct{}
	closed bool
}

// New returns an empty hub.
func New() *Hub { return &Hub{subs: make(map[*Subscriber]struct{})} }

// Subscriber receives frames through a bounded queue.
type Subscriber struct {
	queue chan []byte
	done  chan struct{}
	once  sync.Once
	err   error
}

// Subscribe adds a subscriber with room for queueSize frames (at least 1).
// On a closed hub it returns a subscriber that is already dropped.
func (h *Hub) Subscribe(queueSize int) *Subscriber {
	if queueSize < 1 {
		queueSize = 1
	}
	s := &Subscriber{queue: make(chan []byte, queueSize), done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.drop(ErrClosed)
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

// Unsubscribe removes a subscriber; it is safe to call more than once.
func (h *Hub) Unsubscribe(s *Subscriber) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
	s.drop(nil)
}

// Publish queues frame for every subscriber without blocking, dropping the
// ones whose queue is full. It returns how many were dropped.
func (h *Hub) Publish(frame []byte) (dropped int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.queue <- frame:
		default:
			delete(h.subs, s)
			s.drop(ErrTooSlow)
			dropped++
		}
	}
	return dropped
}

// Len is the number of subscribers.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close drops every subscriber; later subscribers are dropped at once.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		s.drop(ErrClosed)
	}
}

// Queue delivers the subscriber's frames in order.
func (s *Subscriber) Queue() <-chan []byte { return s.queue }

// Done is closed when the subscriber has been dropped or unsubscribed.
func (s *Subscriber) Done() <-chan struct{} { return s.done }

// Err says why the subscriber was dropped: ErrTooSlow, ErrClosed, or nil
// after Unsubscribe. Valid once Done is closed.
func (s *Subscriber) Err() error {
	<-s.done
	return s.err
}

func (s *Subscriber) drop(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.done)
	})
}
