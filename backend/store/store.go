// Package store keeps Dockpulse's picture of the engines: containers, their
// latest resource samples, engine facts and status, and recent events.
//
// Rules:
//   - Every change that clients must see is a delta with the next sequence
//     number, encoded once and published to the hub under the store's lock,
//     so deltas leave in sequence order and Subscribe can pair a snapshot
//     with exactly the deltas that follow it.
//   - A change that changes nothing (an upsert of an equal container) is not
//     a delta and does not use a sequence number.
//   - While an engine is not up, its containers are the last known picture:
//     its stats are cleared, and the engine's status says why it is not live.
//   - Publishing never blocks (see package hub), so holding the lock while
//     publishing is cheap.
//   - Everything the store keeps is within the limits of model's Bound
//     methods, applied as it comes in, and the events history is bounded in
//     bytes as well as in number: the snapshot has a known worst case
//     (docs/security.md). Each container's sample history is bounded too:
//     HistoryPoints samples of PointBytes each (history.go).
package store

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// Config tunes a Store.
type Config struct {
	// MaxEvents bounds the recent-events history kept for snapshots.
	// Default 500.
	MaxEvents int
	// MaxEventBytes bounds the same history by the size of the frames that
	// sent its events. Default DefaultMaxEventBytes.
	MaxEventBytes int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// DefaultMaxEventBytes is the default byte bound of the events history:
// 500 events of the usual size (a few KiB: an event carries its container's
// labels) fit well within it; about 120 of the largest do.
const DefaultMaxEventBytes = 4 << 20

// Store is safe for concurrent use.
type Store struct {
	hub *hub.Hub
	log *zap.Logger
	now func() time.Time

	mu         sync.Mutex
	seq        uint64
	engines    map[string]model.EngineInfo
	containers map[model.Key]model.Container
	stats      map[model.Key]model.Stats
	history    map[model.Key]*sampleRing // every known container's recent samples (history.go)
	events     eventRing
}

// New returns an empty store that publishes its deltas to h.
func New(h *hub.Hub, cfg Config, log *zap.Logger) *Store {
	if cfg.MaxEvents <= 0 {
		cfg.MaxEvents = 500
	}
	if cfg.MaxEventBytes <= 0 {
		cfg.MaxEventBytes = DefaultMaxEventBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Store{
		hub:        h,
		log:        log.With(zap.String("component", "store")),
		now:        cfg.Now,
		engines:    make(map[string]model.EngineInfo),
		containers: make(map[model.Key]model.Container),
		stats:      make(map[model.Key]model.Stats),
		history:    make(map[model.Key]*sampleRing),
		events:     newEventRing(cfg.MaxEvents, cfg.MaxEventBytes),
	}
}

// publishLocked assigns the next sequence number to a delta and sends it.
// It returns the frame's size, 0 if it could not be encoded.
func (s *Store) publishLocked(typ string, data any) int {
	frame, err := protocol.Encode(typ, s.seq+1, data)
	if err != nil {
		// The model types always encode; reaching this is a bug, and
		// skipping the sequence number keeps clients' gap detection honest.
		s.log.Error("encode delta", zap.String("type", typ), zap.Error(err))
		return 0
	}
	s.seq++
	if dropped := s.hub.Publish(frame); dropped > 0 {
		s.log.Warn("dropped slow clients", zap.Int("count", dropped), zap.String("type", typ))
	}
	return len(frame)
}

// Subscribe registers a hub subscriber and returns it with the snapshot it
// starts from: the subscriber's queue holds exactly the deltas after
// snapshot.Seq.
func (s *Store) Subscribe(queueSize int) (*hub.Subscriber, protocol.Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hub.Subscribe(queueSize), s.snapshotLocked()
}

// Snapshot returns the complete current picture.
func (s *Store) Snapshot() protocol.Snapshot {
	return locked(s, s.snapshotLocked)
}

// SnapshotBound is the most bytes the snapshot's JSON, in its envelope,
// can take with the engines and containers the store now knows: the events'
// byte bound and the worst case of each engine, container and sample
// (model's limits, docs/security.md).
func (s *Store) SnapshotBound() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	const frame = 256 // envelope, field names, seq, brackets
	return frame + s.events.maxBytes + len(s.engines)*(model.MaxEngineJSON+1) +
		len(s.containers)*(model.MaxContainerJSON+1+model.MaxStatsJSON+1)
}

// Seq is the sequence number of the last delta.
func (s *Store) Seq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq
}

// locked reads the store with its lock held.
func locked[T any](s *Store, read func() T) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return read()
}

func (s *Store) snapshotLocked() protocol.Snapshot {
	return protocol.Snapshot{
		Seq:        s.seq,
		Engines:    s.enginesLocked(),
		Containers: s.containersLocked(),
		Stats:      s.statsLocked(),
		Events:     s.eventsLocked(),
	}
}

// Containers returns every known container, ordered by engine then ID.
func (s *Store) Containers() []model.Container {
	return locked(s, s.containersLocked)
}

// Stats returns the latest sample of every sampled container.
func (s *Store) Stats() []model.Stats {
	return locked(s, s.statsLocked)
}

// Engines returns every engine's facts and status.
func (s *Store) Engines() []model.EngineInfo {
	return locked(s, s.enginesLocked)
}

// Events returns the recent events, oldest first.
func (s *Store) Events() []model.Event {
	return locked(s, s.eventsLocked)
}

func (s *Store) containersLocked() []model.Container { return byKey(s.containers) }

func (s *Store) statsLocked() []model.Stats { return byKey(s.stats) }

// byKey lists the values of a map keyed by container, ordered by engine then
// ID.
func byKey[V interface{ Key() model.Key }](m map[model.Key]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return keyLess(out[i].Key(), out[j].Key()) })
	return out
}

func (s *Store) enginesLocked() []model.EngineInfo {
	out := make([]model.EngineInfo, 0, len(s.engines))
	for _, e := range s.engines {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Engine < out[j].Engine })
	return out
}

func (s *Store) eventsLocked() []model.Event { return s.events.list() }

func keyLess(a, b model.Key) bool {
	if a.Engine != b.Engine {
		return a.Engine < b.Engine
	}
	return a.ID < b.ID
}

// Upsert records a container's current state; it is a delta only if
// something changed. A container that is neither running nor paused loses
// its stats.
func (s *Store) Upsert(c model.Container) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.upsertLocked(c)
}

func (s *Store) upsertLocked(c model.Container) bool {
	c = c.Bound()
	k := c.Key()
	if old, ok := s.containers[k]; ok && reflect.DeepEqual(old, c) {
		return false
	}
	s.containers[k] = c
	if !c.Sampled() {
		delete(s.stats, k)
	}
	s.publishLocked(protocol.TypeContainerUpsert, c)
	return true
}

// Remove forgets a container; it is a delta only if the container was known.
func (s *Store) Remove(k model.Key) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.removeLocked(k)
}

func (s *Store) removeLocked(k model.Key) bool {
	k = k.Bound()
	if _, ok := s.containers[k]; !ok {
		return false
	}
	delete(s.containers, k)
	delete(s.stats, k)
	delete(s.history, k)
	s.publishLocked(protocol.TypeContainerRemove, protocol.ContainerRemove(k))
	return true
}

// Reconcile makes the engine's containers equal list (the engine's complete
// list) with the fewest deltas: removals first (by ID), then upserts of new
// or changed containers (by ID). It returns the number of deltas.
func (s *Store) Reconcile(engine string, list []model.Container) (int, error) {
	want := make(map[model.Key]model.Container, len(list))
	for _, c := range list {
		if c.Engine != engine {
			return 0, fmt.Errorf("reconcile %s: container %s belongs to engine %q", engine, c.ID, c.Engine)
		}
		want[c.Key().Bound()] = c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var gone []model.Key
	for k := range s.containers {
		if _, ok := want[k]; !ok && k.Engine == engine {
			gone = append(gone, k)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return keyLess(gone[i], gone[j]) })
	n := 0
	for _, k := range gone {
		if s.removeLocked(k) {
			n++
		}
	}
	sorted := append([]model.Container(nil), list...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for _, c := range sorted {
		if s.upsertLocked(c) {
			n++
		}
	}
	return n, nil
}

// PublishStats records a batch of samples and sends them as one delta.
// Samples of containers the store does not know as running are dropped:
// they raced with a stop or removal.
func (s *Store) PublishStats(samples []model.Stats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := make([]model.Stats, 0, len(samples))
	for _, st := range samples {
		st = st.Bound()
		c, ok := s.containers[st.Key()]
		if !ok || !c.Sampled() || s.engines[st.Engine].Status != model.EngineUp {
			continue
		}
		s.stats[st.Key()] = st
		s.recordHistoryLocked(st)
		kept = append(kept, st)
	}
	if len(kept) == 0 {
		return
	}
	s.publishLocked(protocol.TypeStats, protocol.StatsBatch{Samples: kept})
}

// RecordEvent appends an engine event to the history and sends it, stamped
// with the time it left the store.
func (s *Store) RecordEvent(ev model.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev = ev.Bound()
	ev.SentNano = s.now().UnixNano()
	if size := s.publishLocked(protocol.TypeEvent, ev); size > 0 {
		s.events.push(ev, size)
	}
}

// SetEngineUp records a successful connection and the engine's facts.
func (s *Store) SetEngineUp(info model.EngineInfo) {
	s.setEngine(info.Engine, model.EngineUp, "", &info)
}

// SetEngineInfo refreshes an engine's facts without changing its status.
func (s *Store) SetEngineInfo(info model.EngineInfo) {
	info = info.Bound()
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.engines[info.Engine]
	info.EngineStatus, info.EventsSince = old.EngineStatus, old.EventsSince
	if reflect.DeepEqual(old, info) {
		return
	}
	s.engines[info.Engine] = info
	s.publishLocked(protocol.TypeEngine, info)
}

// SetEngineStatus records that an engine is connecting or down, and why.
// Its stats are cleared: nothing about it is live any more.
func (s *Store) SetEngineStatus(engine, status, reason string) {
	s.setEngine(engine, status, reason, nil)
}

func (s *Store) setEngine(engine, status, reason string, info *model.EngineInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev, known := s.engines[engine]
	cur := prev
	if info != nil {
		cur = *info
	}
	cur.Engine = engine
	cur.Since = prev.Since
	if cur.EventsSince == 0 { // known from the first connection on
		cur.EventsSince = prev.EventsSince
	}
	if !known || prev.Status != status {
		cur.Since = s.now().UnixMilli()
	}
	cur.Status, cur.Reason = status, reason
	cur = cur.Bound()
	if known && reflect.DeepEqual(prev, cur) {
		return // nothing changed: no delta
	}
	s.engines[engine] = cur
	if status != model.EngineUp {
		for k := range s.stats {
			if k.Engine == engine {
				delete(s.stats, k)
			}
		}
	}
	s.publishLocked(protocol.TypeEngine, cur)
}
