package protocoltest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// Options adjusts a Client.
type Options struct {
	DialOptions
	// Queue, when positive, passes every envelope after the snapshot on
	// through Envelopes, a channel of this size. The reader waits while it
	// is full, as a slow UI would.
	Queue int
	// MaxEvents is how many events the picture keeps, the newest: 0 means
	// DefaultMaxEvents, a negative number every one.
	MaxEvents int
	// CountGaps counts order errors (Gaps) and reads on, as a benchmark
	// that reports them does. Without it the first one ends the client, as
	// it must end a UI's connection. The handshake is checked either way.
	CountGaps bool
	// Stalled reads hello and the snapshot, then nothing more: a client
	// that has stopped reading.
	Stalled bool
}

// DefaultMaxEvents is as many events as the server's own history holds.
const DefaultMaxEvents = 500

// Event is an engine event the client received, and when its message was
// read.
type Event struct {
	model.Event
	At time.Time
}

// SnapshotInfo tells how the snapshot arrived.
type SnapshotInfo struct {
	At         time.Time // when its message was read
	Bytes      int       // the size of that message
	Containers int       // how many containers it held
}

// Client is a connection that checks the protocol's order rules and keeps
// the picture its messages describe. Its methods are safe for concurrent
// use.
type Client struct {
	conn      *Conn
	queue     chan protocol.Envelope
	maxEvents int
	countGaps bool
	done      chan struct{}

	mu         sync.Mutex
	seq        Sequence
	hello      protocol.Hello
	snapshot   SnapshotInfo
	containers map[model.Key]model.Container
	stats      map[model.Key]model.Stats
	engines    map[string]model.EngineInfo
	firstUp    map[string]time.Time
	events     []Event
	samples    map[model.Key]int
	sampleSum  int
	deltas     int
	gaps       int
	err        error
}

// Dial connects to wsURL with token and returns once hello and the
// snapshot have arrived, in that order, within ctx. The response is the
// handshake's, also on a refusal or a bad hello (its status is then 101),
// or nil if the server was not reached.
func Dial(ctx context.Context, wsURL, token string, opts *Options) (*Client, *http.Response, error) {
	if opts == nil {
		opts = &Options{}
	}
	conn, resp, err := DialConn(ctx, wsURL, token, &opts.DialOptions)
	if err != nil {
		return nil, resp, err
	}
	c := &Client{
		conn:       conn,
		maxEvents:  cmp.Or(opts.MaxEvents, DefaultMaxEvents),
		countGaps:  opts.CountGaps,
		done:       make(chan struct{}),
		containers: map[model.Key]model.Container{},
		stats:      map[model.Key]model.Stats{},
		engines:    map[string]model.EngineInfo{},
		firstUp:    map[string]time.Time{},
		samples:    map[model.Key]int{},
	}
	if opts.Queue > 0 {
		c.queue = make(chan protocol.Envelope, opts.Queue)
	}
	for range 2 {
		m, err := conn.ReadMessage(ctx)
		if err == nil {
			err = c.handshake(m)
		}
		if err != nil {
			conn.CloseNow()
			return nil, resp, fmt.Errorf("handshake: %w", err)
		}
		if c.synced() {
			break
		}
	}
	if opts.Stalled {
		close(c.done)
		if c.queue != nil {
			close(c.queue)
		}
		return c, resp, nil
	}
	go c.read()
	return c, resp, nil
}

// handshake takes in a message of the handshake: hello and the snapshot
// must come first, in order; deltas that share the snapshot's message are
// taken in as usual.
func (c *Client) handshake(m Message) error {
	for i, env := range m.Envelopes {
		if !c.synced() {
			c.mu.Lock()
			err := c.seq.Check(env)
			if err == nil {
				err = c.applyLocked(env, m)
			}
			c.mu.Unlock()
			if err != nil {
				return err
			}
			continue
		}
		return c.handle(Message{Envelopes: m.Envelopes[i:], At: m.At, Bytes: m.Bytes})
	}
	return nil
}

func (c *Client) synced() bool {
	return locked(c, func() bool { return c.seq.Synced() })
}

// read takes in messages until the connection ends or breaks a rule.
func (c *Client) read() {
	defer close(c.done)
	if c.queue != nil {
		defer close(c.queue)
	}
	for {
		m, err := c.conn.ReadMessage(context.Background())
		if err == nil {
			err = c.handle(m)
		}
		if err != nil {
			c.fail(err)
			c.conn.CloseNow()
			return
		}
	}
}

// handle checks and applies each envelope of a message, then queues it.
func (c *Client) handle(m Message) error {
	for _, env := range m.Envelopes {
		c.mu.Lock()
		err := c.seq.Check(env)
		if err != nil && c.countGaps {
			c.gaps++
			err = nil
		}
		if err == nil {
			err = c.applyLocked(env, m)
		}
		c.mu.Unlock()
		if err != nil {
			return err
		}
		if c.queue != nil {
			c.queue <- env
		}
	}
	return nil
}

func (c *Client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// applyLocked changes the picture as env says, as the UI's store does.
func (c *Client) applyLocked(env protocol.Envelope, m Message) error {
	decode := func(v any) error {
		if err := json.Unmarshal(env.Data, v); err != nil {
			return fmt.Errorf("%s data: %w", env.Type, err)
		}
		return nil
	}
	switch env.Type {
	case protocol.TypeHello:
		if err := decode(&c.hello); err != nil {
			return err
		}
		if c.hello.Protocol != protocol.Version {
			return fmt.Errorf("hello: protocol %d, want %d", c.hello.Protocol, protocol.Version)
		}
		return nil
	case protocol.TypeSnapshot:
		var s protocol.Snapshot
		if err := decode(&s); err != nil {
			return err
		}
		if s.Seq != env.Seq {
			return fmt.Errorf("snapshot of seq %d in an envelope of seq %d", s.Seq, env.Seq)
		}
		c.snapshot = SnapshotInfo{At: m.At, Bytes: m.Bytes, Containers: len(s.Containers)}
		clear(c.containers)
		for _, ctr := range s.Containers {
			c.containers[ctr.Key()] = ctr
		}
		clear(c.stats)
		for _, st := range s.Stats {
			c.stats[st.Key()] = st
		}
		clear(c.engines)
		for _, e := range s.Engines {
			c.setEngineLocked(e, m.At)
		}
		c.events = c.events[:0]
		for _, ev := range s.Events {
			c.addEventLocked(ev, m.At)
		}
		return nil
	case protocol.TypeHeartbeat:
		return nil
	}
	c.deltas++
	switch env.Type {
	case protocol.TypeContainerUpsert:
		var ctr model.Container
		if err := decode(&ctr); err != nil {
			return err
		}
		c.containers[ctr.Key()] = ctr
		if !ctr.Sampled() {
			delete(c.stats, ctr.Key())
		}
	case protocol.TypeContainerRemove:
		var k protocol.ContainerRemove
		if err := decode(&k); err != nil {
			return err
		}
		delete(c.containers, k)
		delete(c.stats, k)
	case protocol.TypeStats:
		var b protocol.StatsBatch
		if err := decode(&b); err != nil {
			return err
		}
		for _, st := range b.Samples {
			c.stats[st.Key()] = st
			c.samples[st.Key()]++
			c.sampleSum++
		}
	case protocol.TypeEvent:
		var ev model.Event
		if err := decode(&ev); err != nil {
			return err
		}
		c.addEventLocked(ev, m.At)
	case protocol.TypeEngine:
		var e model.EngineInfo
		if err := decode(&e); err != nil {
			return err
		}
		c.setEngineLocked(e, m.At)
	case protocol.TypeEngineRemove:
		var gone protocol.EngineRemove
		if err := decode(&gone); err != nil {
			return err
		}
		c.removeEngineLocked(gone.Engine)
	}
	// Any other type is one a newer server may add: it advances seq and
	// changes nothing.
	return nil
}

// removeEngineLocked drops an engine no longer watched with its containers
// and samples; its events stay.
func (c *Client) removeEngineLocked(engine string) {
	delete(c.engines, engine)
	for k := range c.containers {
		if k.Engine == engine {
			delete(c.containers, k)
		}
	}
	for k := range c.stats {
		if k.Engine == engine {
			delete(c.stats, k)
		}
	}
}

// setEngineLocked replaces an engine's entry; an engine that is not up has
// no samples.
func (c *Client) setEngineLocked(e model.EngineInfo, at time.Time) {
	c.engines[e.Engine] = e
	if e.Status != model.EngineUp {
		for k := range c.stats {
			if k.Engine == e.Engine {
				delete(c.stats, k)
			}
		}
		return
	}
	if _, ok := c.firstUp[e.Engine]; !ok {
		c.firstUp[e.Engine] = at
	}
}

func (c *Client) addEventLocked(ev model.Event, at time.Time) {
	c.events = append(c.events, Event{Event: ev, At: at})
	if c.maxEvents > 0 && len(c.events) > c.maxEvents {
		c.events = slices.Delete(c.events, 0, len(c.events)-c.maxEvents)
	}
}

// Conn is the client's connection, for raw access (a close handshake, raw
// reads of a stalled client).
func (c *Client) Conn() *Conn { return c.conn }

// SendView tells the server which containers the client shows.
func (c *Client) SendView(ctx context.Context, keys ...model.Key) error {
	return c.conn.SendView(ctx, keys...)
}

// Envelopes passes on every envelope after the snapshot, once checked and
// applied, if Options.Queue asked for it (nil otherwise). It is closed when
// the client stops reading.
func (c *Client) Envelopes() <-chan protocol.Envelope { return c.queue }

// Next returns the next envelope from Envelopes of one of types (any type
// if none), skipping the others.
func (c *Client) Next(ctx context.Context, types ...string) (protocol.Envelope, error) {
	if c.queue == nil {
		return protocol.Envelope{}, errors.New("protocoltest: Next needs Options.Queue")
	}
	for {
		select {
		case env, ok := <-c.queue:
			if !ok {
				return protocol.Envelope{}, fmt.Errorf("connection ended: %w", c.Err())
			}
			if len(types) == 0 || slices.Contains(types, env.Type) {
				return env, nil
			}
		case <-ctx.Done():
			return protocol.Envelope{}, fmt.Errorf("no %v message: %w", types, ctx.Err())
		}
	}
}

// Done is closed when the client has stopped reading.
func (c *Client) Done() <-chan struct{} { return c.done }

// Close ends the connection without a close handshake and waits for the
// reader, discarding what Envelopes still holds.
func (c *Client) Close() {
	c.conn.CloseNow()
	if c.queue != nil {
		for range c.queue {
		}
	}
	<-c.done
}

// Err is what ended or broke the connection first: a read error (for a
// closed connection, websocket.CloseStatus tells its status), a message
// that does not decode, or an order error unless counted. Nil while all
// is well.
func (c *Client) Err() error {
	return locked(c, func() error { return c.err })
}

// Hello is the connection's hello.
func (c *Client) Hello() protocol.Hello {
	return locked(c, func() protocol.Hello { return c.hello })
}

// Snapshot tells how the snapshot arrived.
func (c *Client) Snapshot() SnapshotInfo {
	return locked(c, func() SnapshotInfo { return c.snapshot })
}

// Seq is the seq of the last delta (or the snapshot) received.
func (c *Client) Seq() uint64 {
	return locked(c, func() uint64 { return c.seq.Seq() })
}

// Containers is every container the client knows, by engine and ID.
func (c *Client) Containers() []model.Container {
	return locked(c, func() []model.Container {
		return sortedValues(c.containers, func(a, b model.Container) int { return cmp.Compare(a.Key().String(), b.Key().String()) })
	})
}

// Stats is the latest sample of every container that has one, by engine
// and ID. A container that stops running, or is removed, or whose engine
// goes down, loses its sample.
func (c *Client) Stats() []model.Stats {
	return locked(c, func() []model.Stats {
		return sortedValues(c.stats, func(a, b model.Stats) int { return cmp.Compare(a.Key().String(), b.Key().String()) })
	})
}

// Engines is every engine the client knows, by name.
func (c *Client) Engines() []model.EngineInfo {
	return locked(c, func() []model.EngineInfo {
		return sortedValues(c.engines, func(a, b model.EngineInfo) int { return cmp.Compare(a.Engine, b.Engine) })
	})
}

// Engine is one engine's entry; its Status is empty if the client knows
// none.
func (c *Client) Engine(name string) model.EngineInfo {
	return locked(c, func() model.EngineInfo { return c.engines[name] })
}

// FirstUp is when the client first saw the engine up (its snapshot or an
// engine delta), zero if never.
func (c *Client) FirstUp(engine string) time.Time {
	return locked(c, func() time.Time { return c.firstUp[engine] })
}

// Events is the snapshot's events and those received since, oldest first,
// at most Options.MaxEvents of them.
func (c *Client) Events() []Event {
	return locked(c, func() []Event { return slices.Clone(c.events) })
}

// Samples is how many samples of a container arrived in stats deltas.
func (c *Client) Samples(k model.Key) int {
	return locked(c, func() int { return c.samples[k] })
}

// SampleCount is how many samples arrived in stats deltas, in all.
func (c *Client) SampleCount() int {
	return locked(c, func() int { return c.sampleSum })
}

// Deltas is how many deltas arrived.
func (c *Client) Deltas() int {
	return locked(c, func() int { return c.deltas })
}

// Gaps is how many order errors Options.CountGaps counted.
func (c *Client) Gaps() int {
	return locked(c, func() int { return c.gaps })
}

// locked returns f's result, read under the client's lock.
func locked[T any](c *Client, f func() T) T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return f()
}

func sortedValues[K comparable, V any](m map[K]V, compare func(a, b V) int) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, compare)
	return out
}
