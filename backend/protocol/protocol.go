// Package protocol defines the versioned JSON messages Dockpulse pushes to
// its clients over the WebSocket (see docs/protocol.md).
//
// Every message is an envelope {"v", "type", "seq", "data"}; a WebSocket
// text message from the server carries one or more of them, separated by
// newlines (a backlog goes out in one write, not one write each). A connection
// receives "hello", then a full "snapshot" carrying the current sequence
// number, then deltas whose seq increases by exactly one each. A client that
// sees a gap has missed something and must reconnect to get a fresh snapshot.
// Heartbeats carry the current seq but do not advance it.
//
// A client sends one kind of message, "view": the containers it shows live,
// so that a server sampling stats by view (hello's statsMode "visible")
// streams those at full rate and samples the rest rarely.
package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Version is the protocol version; it changes on any incompatible change.
// Version 2 added engine.remove (the engines list may change while a client
// is connected) and the engine in the action route (docs/protocol.md).
const Version = 2

// Message types.
const (
	TypeHello           = "hello"
	TypeSnapshot        = "snapshot"
	TypeContainerUpsert = "container.upsert"
	TypeContainerRemove = "container.remove"
	TypeStats           = "stats"
	TypeEvent           = "event"
	TypeEngine          = "engine"
	TypeEngineRemove    = "engine.remove"
	TypeHeartbeat       = "heartbeat"

	// TypeView is the one client message.
	TypeView = "view"

	// The messages of the logs socket, /ws/logs (logs.go).
	TypeLogsHello   = "logs.hello"
	TypeLogsLines   = "logs.lines"
	TypeLogsSkipped = "logs.skipped"
	TypeLogsState   = "logs.state"
)

// Stats modes, as hello reports them.
const (
	// StatsAll: every running container is sampled every interval; clients
	// need not send views (the server accepts and ignores them).
	StatsAll = "all"
	// StatsVisible: containers in some client's view are sampled every
	// interval, the others about every BackgroundMs; a client should send
	// views.
	StatsVisible = "visible"
)

// Envelope is the frame around every message. Encode always fills Data.
type Envelope struct {
	V    int             `json:"v"`
	Type string          `json:"type"`
	Seq  uint64          `json:"seq"`
	Data json.RawMessage `json:"data"`
}

// Hello is the first message on every connection.
type Hello struct {
	Server          string `json:"server"`
	Version         string `json:"version"`
	Protocol        int    `json:"protocol"`
	HeartbeatMs     int64  `json:"heartbeatMs"`
	StatsIntervalMs int64  `json:"statsIntervalMs"`
	// StatsMode is StatsAll or StatsVisible.
	StatsMode string `json:"statsMode"`
	// BackgroundMs is, in StatsVisible mode, the sampling period of
	// running containers outside every view; 0 otherwise.
	BackgroundMs int64 `json:"backgroundMs,omitempty"`
}

// View is the data of a client's "view" message: every container it shows
// live (visible rows, an open detail panel), replacing its previous view. An
// empty list means none (a hidden window). A connection that has sent no
// view shows everything.
type View struct {
	Containers []model.Key `json:"containers"`
}

// MaxViewContainers caps a view. A client shows far fewer rows at once; the
// cap keeps one message's work bounded.
const MaxViewContainers = 150

// EncodeView builds a client's view message naming keys (none: an empty
// view, as for a hidden window).
func EncodeView(keys []model.Key) ([]byte, error) {
	return Encode(TypeView, 0, View{Containers: append([]model.Key{}, keys...)})
}

// DecodeView parses a client frame, which must be a "view" of this Version with
// seq 0, no fields beyond the protocol's, at most MaxViewContainers
// containers, each named by a non-empty engine and id.
func DecodeView(frame []byte) (View, error) {
	var env struct {
		V    int    `json:"v"`
		Type string `json:"type"`
		Seq  uint64 `json:"seq"`
		Data *View  `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(frame))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return View{}, fmt.Errorf("decode client message: %w", err)
	}
	if dec.More() {
		return View{}, errors.New("decode client message: data after the message")
	}
	switch {
	case env.V != Version:
		return View{}, fmt.Errorf("decode client message: protocol version %d, want %d", env.V, Version)
	case env.Type != TypeView:
		return View{}, fmt.Errorf("decode client message: type %q, want %q", env.Type, TypeView)
	case env.Seq != 0:
		return View{}, errors.New("decode client message: a view carries seq 0")
	case env.Data == nil || env.Data.Containers == nil:
		return View{}, errors.New("decode client message: view without a containers list")
	case len(env.Data.Containers) > MaxViewContainers:
		return View{}, fmt.Errorf("decode client message: view of %d containers, at most %d", len(env.Data.Containers), MaxViewContainers)
	}
	for i, k := range env.Data.Containers {
		if k.Engine == "" || k.ID == "" {
			return View{}, fmt.Errorf("decode client message: view container %d lacks an engine or an id", i)
		}
	}
	return *env.Data, nil
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

// EngineRemove names an engine no longer watched. A client drops the engine
// and all its containers, samples and status; its past events stay. An
// engine added while a client is connected arrives as an "engine" message
// for a name the client has not seen.
type EngineRemove struct {
	Engine string `json:"engine"`
}

// StatsBatch carries the latest sample of every container whose numbers
// changed since the previous batch. A container that stops being sampled
// gets no word here: the container.upsert or engine delta that stops it
// tells the client to drop its samples.
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

// Separator ends each envelope but the last in a server message. Encoded
// JSON never holds a raw newline, so it cannot occur inside an envelope.
const Separator = '\n'

// DecodeMessage parses every envelope of one server message, in order.
func DecodeMessage(msg []byte) ([]Envelope, error) {
	frames := bytes.Split(msg, []byte{Separator})
	envs := make([]Envelope, 0, len(frames))
	for i, frame := range frames {
		env, err := Decode(frame)
		if err != nil {
			return nil, fmt.Errorf("envelope %d of %d in the message: %w", i+1, len(frames), err)
		}
		envs = append(envs, env)
	}
	return envs, nil
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
