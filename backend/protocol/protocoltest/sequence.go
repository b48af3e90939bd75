package protocoltest

import (
	"fmt"

	"github.com/dockpulse/dockpulse/backend/protocol"
)

// Sequence checks the order of a connection's envelopes as a client must:
// hello first, the snapshot second, then deltas (every other type, known or
// not) whose seq is one more than the previous, and heartbeats that carry
// the current seq without advancing it.
type Sequence struct {
	n   int // envelopes checked
	seq uint64
}

// Check takes in the connection's next envelope and reports whether it
// breaks the order. Either way the sequence moves on to the envelope's seq,
// so that a caller that counts errors can go on checking.
func (s *Sequence) Check(env protocol.Envelope) error {
	i := s.n
	s.n++
	switch {
	case i == 0:
		if env.Type != protocol.TypeHello {
			return fmt.Errorf("first message is %s, want %s", env.Type, protocol.TypeHello)
		}
		return nil
	case i == 1:
		if env.Type != protocol.TypeSnapshot {
			return fmt.Errorf("second message is %s, want %s", env.Type, protocol.TypeSnapshot)
		}
		s.seq = env.Seq
		return nil
	case env.Type == protocol.TypeHello || env.Type == protocol.TypeSnapshot:
		return fmt.Errorf("%s as message %d", env.Type, i+1)
	case env.Type == protocol.TypeHeartbeat:
		if env.Seq != s.seq {
			return fmt.Errorf("heartbeat seq %d, client at %d", env.Seq, s.seq)
		}
		return nil
	}
	prev := s.seq
	s.seq = env.Seq
	if env.Seq != prev+1 {
		return fmt.Errorf("gap: %s has seq %d after %d", env.Type, env.Seq, prev)
	}
	return nil
}

// Seq is the seq of the last delta (or the snapshot) checked.
func (s *Sequence) Seq() uint64 { return s.seq }

// Synced reports whether the snapshot has been checked.
func (s *Sequence) Synced() bool { return s.n >= 2 }
