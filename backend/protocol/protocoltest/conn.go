// Package protocoltest is a Go client of the Dockpulse live protocol for
// tests and benchmarks, as net/http/httptest is a server for them (and as
// frontend/src/livetest is for the UI's tests).
//
// Client is what a well-behaved UI does: it dials with the token, reads
// every message into its envelopes, checks the order rules (hello, then the
// snapshot, then deltas whose seq increases by exactly one, heartbeats that
// carry the current seq), keeps the picture the deltas describe (containers,
// their latest samples, engines, events) and sends views.
//
// Conn is the level below, for tests that look at each envelope in turn or
// misbehave on purpose: it dials, reads envelopes and sends views, checking
// nothing.
package protocoltest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// DefaultReadLimit is the largest server message a connection accepts
// unless DialOptions says otherwise: room for a snapshot of thousands of
// containers.
const DefaultReadLimit = 64 << 20

// DialOptions adjusts the WebSocket handshake.
type DialOptions struct {
	// Origin, when set, is sent as the Origin header (a browser always
	// sends one; a native client need not).
	Origin string
	// Header holds further request headers.
	Header http.Header
	// HTTPClient makes the handshake request (for a custom dialer).
	HTTPClient *http.Client
	// ReadLimit caps a server message, in bytes; 0 means DefaultReadLimit.
	ReadLimit int64
}

// URL is wsURL (ws://host/ws) with token as its token query parameter,
// escaped; an empty token adds none.
func URL(wsURL, token string) string {
	if token == "" {
		return wsURL
	}
	sep := "?"
	if strings.Contains(wsURL, "?") {
		sep = "&"
	}
	return wsURL + sep + "token=" + url.QueryEscape(token)
}

// Conn is one WebSocket connection to the server, read envelope by envelope.
// Its methods other than SendView must not be called concurrently; the
// embedded *websocket.Conn gives raw access (Read, Write, Close, Ping).
type Conn struct {
	*websocket.Conn
	pending []protocol.Envelope
	last    Message
}

// Message is one server message: its envelopes, when it was read and its
// size on the wire.
type Message struct {
	Envelopes []protocol.Envelope
	At        time.Time
	Bytes     int
}

// DialConn opens a connection to wsURL with token. The response is the
// handshake's, also on a refusal (its status says why), or nil if the
// server was not reached.
func DialConn(ctx context.Context, wsURL, token string, opts *DialOptions) (*Conn, *http.Response, error) {
	if opts == nil {
		opts = &DialOptions{}
	}
	header := http.Header{}
	for k, v := range opts.Header {
		header[k] = v
	}
	if opts.Origin != "" {
		header.Set("Origin", opts.Origin)
	}
	ws, resp, err := websocket.Dial(ctx, URL(wsURL, token), &websocket.DialOptions{HTTPHeader: header, HTTPClient: opts.HTTPClient})
	if err != nil {
		return nil, resp, err
	}
	limit := opts.ReadLimit
	if limit == 0 {
		limit = DefaultReadLimit
	}
	ws.SetReadLimit(limit)
	return &Conn{Conn: ws}, resp, nil
}

// ErrInvalidMessage wraps the error of a server message that is not a text
// message of envelopes; any other error of ReadMessage is the connection's.
var ErrInvalidMessage = errors.New("invalid server message")

// ReadMessage returns the envelopes of the next server message, or those of
// the last one that Next has not returned yet. A binary message or one that
// does not decode is an ErrInvalidMessage.
func (c *Conn) ReadMessage(ctx context.Context) (Message, error) {
	if len(c.pending) > 0 {
		m := c.last
		m.Envelopes, c.pending = c.pending, nil
		return m, nil
	}
	typ, data, err := c.Read(ctx)
	at := time.Now()
	if err != nil {
		return Message{}, err
	}
	if typ != websocket.MessageText {
		return Message{}, fmt.Errorf("%w: message type %v, want text", ErrInvalidMessage, typ)
	}
	envs, err := protocol.DecodeMessage(data)
	if err != nil {
		return Message{}, fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	c.last = Message{At: at, Bytes: len(data)}
	return Message{Envelopes: envs, At: at, Bytes: len(data)}, nil
}

// Next returns the next envelope, reading a message when none is pending.
func (c *Conn) Next(ctx context.Context) (protocol.Envelope, error) {
	if len(c.pending) == 0 {
		m, err := c.ReadMessage(ctx)
		if err != nil {
			return protocol.Envelope{}, err
		}
		c.pending = m.Envelopes
	}
	env := c.pending[0]
	c.pending = c.pending[1:]
	return env, nil
}

// NextDelta is Next, skipping heartbeats.
func (c *Conn) NextDelta(ctx context.Context) (protocol.Envelope, error) {
	for {
		env, err := c.Next(ctx)
		if err != nil || env.Type != protocol.TypeHeartbeat {
			return env, err
		}
	}
}

// SendView tells the server which containers the client shows (none: an
// empty view, as for a hidden window). It may be called while another
// goroutine reads.
func (c *Conn) SendView(ctx context.Context, keys ...model.Key) error {
	frame, err := protocol.EncodeView(keys)
	if err != nil {
		return err
	}
	if err := c.Write(ctx, websocket.MessageText, frame); err != nil {
		return fmt.Errorf("send view: %w", err)
	}
	return nil
}
