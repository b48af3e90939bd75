package store

import (
	"math"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// HistorySpan is how far back a container's sample history reaches: the
// detail panel's charts show this much.
const HistorySpan = 5 * time.Minute

// HistoryPoints caps each container's sample history: one sample a second
// over HistorySpan, plus slack for jittery read times.
const HistoryPoints = 320

// point is one sample as the history keeps it, without what every sample of
// a container shares (its key, its memory limit and CPUs): 64 bytes, against
// 120 for a model.Stats and the bytes of its key's strings.
type point struct {
	read                                int64   // Unix ms
	cpu                                 float64 // percent, exact
	memoryPercent                       float32 // percent; float32 keeps 7 digits, far more than is shown
	pids                                uint32  // a kernel's pid_max is at most 2^22
	memory                              uint64  // bytes, exact
	netRx, netTx, blockRead, blockWrite uint64  // cumulative counters, exact
}

// PointBytes is the memory one kept sample takes (TestHistoryMemory checks
// it against the compiler's layout).
const PointBytes = 64

// HistoryBytes is the most memory one container's history takes: its points
// and the ring's own fields. A container sampled every few seconds (outside
// every view, in the visible stats mode) takes a fraction of it, because the
// ring grows as samples come. For 1000 running containers the histories
// take at most 1000 × HistoryBytes, about 19.6 MiB.
const HistoryBytes = HistoryPoints*PointBytes + 64

// sampleRing is one container's recent samples, oldest first, at most
// HistoryPoints of them.
type sampleRing struct {
	points      []point // grows to HistoryPoints, then circular
	head        int     // index of the oldest point once full
	memoryLimit uint64  // of the newest sample
	onlineCPUs  int
}

// push adds a sample; one not newer than the newest kept is dropped, so the
// history's times strictly increase.
func (r *sampleRing) push(st model.Stats) {
	if n := len(r.points); n > 0 && st.Read <= r.at(n-1).read {
		return
	}
	r.memoryLimit, r.onlineCPUs = st.MemoryLimit, st.OnlineCPUs
	p := point{read: st.Read, cpu: st.CPUPercent, memoryPercent: float32(st.MemoryPercent),
		pids:   uint32(min(st.Pids, math.MaxUint32)),
		memory: st.MemoryUsage, netRx: st.NetworkRx, netTx: st.NetworkTx, blockRead: st.BlockRead, blockWrite: st.BlockWrite}
	if len(r.points) < HistoryPoints {
		if len(r.points) == cap(r.points) { // grow by doubling, never past the cap
			grown := make([]point, len(r.points), min(max(2*cap(r.points), 8), HistoryPoints))
			copy(grown, r.points)
			r.points = grown
		}
		r.points = append(r.points, p)
		return
	}
	r.points[r.head] = p
	r.head = (r.head + 1) % len(r.points)
}

// at is the i-th oldest point.
func (r *sampleRing) at(i int) point { return r.points[(r.head+i)%len(r.points)] }

// samples lists the points within HistorySpan of the newest, oldest first,
// as the samples they were.
func (r *sampleRing) samples(k model.Key) []model.Stats {
	n := len(r.points)
	out := make([]model.Stats, 0, n)
	if n == 0 {
		return out
	}
	from := r.at(n-1).read - HistorySpan.Milliseconds()
	for i := range n {
		p := r.at(i)
		if p.read < from {
			continue
		}
		out = append(out, model.Stats{Engine: k.Engine, ID: k.ID, Read: p.read,
			CPUPercent: p.cpu, OnlineCPUs: r.onlineCPUs, MemoryUsage: p.memory,
			MemoryLimit: r.memoryLimit, MemoryPercent: round32(p.memoryPercent),
			NetworkRx: p.netRx, NetworkTx: p.netTx, BlockRead: p.blockRead, BlockWrite: p.blockWrite,
			Pids: uint64(p.pids)})
	}
	return out
}

// round32 widens a float32 without the noise digits a plain conversion shows
// (0.1 would read 0.10000000149011612).
func round32(f float32) float64 {
	const digits = 1e6
	return math.Round(float64(f)*digits) / digits
}

// recordHistoryLocked adds a sample the store accepted to its container's
// history. The history outlives a stop and an engine outage (it is the past,
// and shown as such); it goes with the container.
func (s *Store) recordHistoryLocked(st model.Stats) {
	r := s.history[st.Key()]
	if r == nil {
		r = &sampleRing{}
		s.history[st.Key()] = r
	}
	r.push(st)
}

// History returns a known container's samples of the last HistorySpan,
// oldest first (none if it was never sampled), and false for a container
// the store does not know.
func (s *Store) History(k model.Key) (protocol.History, bool) {
	k = k.Bound()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.containers[k]; !ok {
		return protocol.History{}, false
	}
	h := protocol.History{Engine: k.Engine, ID: k.ID, Samples: []model.Stats{}}
	if r := s.history[k]; r != nil {
		h.Samples = r.samples(k)
	}
	return h, true
}
