// Package protocol defines the versioned JSON messages Dockpulse pushes to
// its clients over the WebSocket (see docs/protocol.md).
//
// Every message is one envelope {"v", "type", "seq", "data"}. A connection
// receives "hello", then a full "snapshot" carrying the current sequence
// number, then deltas whose seq increases by exactly one each. A client that
// sees a gap has missed something and must reconnect to get a fresh snapshot.
// Heartbeats carry the current seq but do not advance it.
package protocol

import (
	"encoding/json"
	"fmt"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Version is the protocol version; it changes on any incompatible change.
const Version = 1

// Message types.
const (
	TypeHello           = "hello"
	TypeSnapshot        = "snapshot"
	TypeContainerUpsert = "container.upsert"
	TypeContainerRemove = "container.remove"
	TypeStats           = "stats"
	TypeEvent           = "event"
	TypeEngine          = "engine"
	TypeHeartbeat       = "heartbeat"
)

// Envelope is the frame around every message.
type Envelope struct {
	V    int             `json:"v"`
	Type string          `json:"type"`
	Seq  uint64          `json:"seq"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Hello is the first message on every connection.
type Hello struct {
	Server            string `json:"server"`
	Version           string `json:"version"`
	Protocol          int    `json:"protocol"`
	HeartbeatMillis   int64  `json:"heartbeatMs"`
	StatsIntervalMsec int64  `json:"statsIntervalMs"`
}

// Snapshot is the complete current picture. Its Seq is the sequence number of
// the last delta it already contains.
type Snapshot struct {
	Seq        uint64             `json:"seq"`
	Engines    []model.EngineInfo `json:"engines"`
	Containers []model.Container  `json:"containers"`
	Stats      []model.Stats      `json:"stats"`
	Events     []model.Event      `json:"events"`
}

// ContainerRemove names a container that no longer exists.
type ContainerRemove = model.Key

// StatsBatch carries the latest sample of every container whose numbers
// changed since the previous batch, and the containers that stopped being
// sampled.
type StatsBatch struct {
	Samples []model.Stats `json:"samples"`
}

// Heartbeat lets a client tell a quiet connection from a dead one.
type Heartbeat struct {
	Time int64 `json:"time"` // server Unix ms
}

// Encode builds one frame. Encoding the domain types cannot fail, so an
// error here is a programming error and is reported as such.
func Encode(typ string, seq uint64, data any) ([]byte, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encode %s data: %w", typ, err)
	}
	frame, err := json.Marshal(Envelope{V: Version, Type: typ, Seq: seq, Data: raw})
	if err != nil {
		return nil, fmt.Errorf("encode %s envelope: %w", typ, err)
	}
	return frame, nil
}

// Decode parses a frame's envelope, checking the version.
func Decode(frame []byte) (Envelope, error) {
	var env Envelope
	if err := json.Unmarshal(frame, &env); err != nil {
		return Envelope{}, fmt.Errorf("decode envelope: %w", err)
	}
	if env.V != Version {
		return Envelope{}, fmt.Errorf("decode envelope: protocol version %d, want %d", env.V, Version)
	}
	if env.Type == "" {
		return Envelope{}, fmt.Errorf("decode envelope: missing type")
	}
	return env, nil
}
