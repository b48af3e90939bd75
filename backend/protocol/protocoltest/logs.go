package protocoltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// LogsURL is the logs socket's URL on the server whose /ws URL is wsURL,
// for the containers ids of engine, with further parameters (tail, since)
// from extra; without the token.
func LogsURL(wsURL, engine string, ids []string, extra url.Values) string {
	q := url.Values{"engine": {engine}, "id": ids}
	for k, v := range extra {
		q[k] = v
	}
	return wsURL + "/logs?" + q.Encode()
}

// LogsOptions adjusts a LogsClient.
type LogsOptions struct {
	DialOptions
	// Paused reads logs.hello, then nothing until Resume: a client that has
	// stopped reading.
	Paused bool
	// Discard counts lines without keeping them (a flood's millions): Items
	// then hold only the notices and states, and Lines is empty.
	Discard bool
}

// LogsItem is one message after logs.hello: lines, a skip notice or a
// state, and when it was read.
type LogsItem struct {
	Seq     uint64
	Lines   []logs.Line
	Skipped *protocol.LogsSkipped
	State   *protocol.LogsState
	At      time.Time
}

// LogsClient is a logs socket that checks the order rules (logs.hello
// first with seq 1, then seq increasing by exactly one, every message one
// envelope of a logs type) and keeps every message. Its methods are safe
// for concurrent use.
type LogsClient struct {
	conn    *Conn
	hello   protocol.LogsHello
	resume  chan struct{}
	once    sync.Once
	done    chan struct{}
	discard bool

	mu          sync.Mutex
	items       []LogsItem
	lines       int
	first, last logs.Line // the first and the last line read
	err         error
}

// DialLogs opens a logs socket at url (LogsURL) with token and returns
// once logs.hello has arrived. The response is the handshake's, also on a
// refusal (its status says why).
func DialLogs(ctx context.Context, url, token string, opts *LogsOptions) (*LogsClient, *http.Response, error) {
	if opts == nil {
		opts = &LogsOptions{}
	}
	conn, resp, err := DialConn(ctx, url, token, &opts.DialOptions)
	if err != nil {
		return nil, resp, err
	}
	c := &LogsClient{conn: conn, resume: make(chan struct{}), done: make(chan struct{}), discard: opts.Discard}
	env, err := c.next(ctx, 1)
	if err == nil && env.Type != protocol.TypeLogsHello {
		err = fmt.Errorf("first message %q, want %q", env.Type, protocol.TypeLogsHello)
	}
	if err == nil {
		err = json.Unmarshal(env.Data, &c.hello)
	}
	if err != nil {
		conn.CloseNow()
		return nil, resp, fmt.Errorf("logs hello: %w", err)
	}
	if !opts.Paused {
		c.Resume()
	}
	go c.read()
	return c, resp, nil
}

// next reads one message, which must be one envelope with seq want.
func (c *LogsClient) next(ctx context.Context, want uint64) (protocol.Envelope, error) {
	m, err := c.conn.ReadMessage(ctx)
	if err != nil {
		return protocol.Envelope{}, err
	}
	if len(m.Envelopes) != 1 {
		return protocol.Envelope{}, fmt.Errorf("a message of %d envelopes, want one each", len(m.Envelopes))
	}
	env := m.Envelopes[0]
	if env.Seq != want {
		return env, fmt.Errorf("%s with seq %d, want %d", env.Type, env.Seq, want)
	}
	return env, nil
}

func (c *LogsClient) read() {
	defer close(c.done)
	<-c.resume
	for seq := uint64(2); ; seq++ {
		env, err := c.next(context.Background(), seq)
		at := time.Now()
		if err == nil {
			err = c.add(env, at)
		}
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
	}
}

func (c *LogsClient) add(env protocol.Envelope, at time.Time) error {
	item := LogsItem{Seq: env.Seq, At: at}
	var err error
	switch env.Type {
	case protocol.TypeLogsLines:
		var b protocol.LogsLines
		if err = json.Unmarshal(env.Data, &b); err == nil {
			item.Lines, err = b.Lines()
		}
	case protocol.TypeLogsSkipped:
		item.Skipped = &protocol.LogsSkipped{}
		err = json.Unmarshal(env.Data, item.Skipped)
	case protocol.TypeLogsState:
		item.State = &protocol.LogsState{}
		err = json.Unmarshal(env.Data, item.State)
	default:
		err = fmt.Errorf("message type %q on a logs socket", env.Type)
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", env.Type, env.Seq, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(item.Lines); n > 0 {
		if c.lines == 0 {
			c.first = item.Lines[0]
		}
		c.last = item.Lines[n-1]
		c.lines += n
		if c.discard {
			return nil
		}
	}
	c.items = append(c.items, item)
	return nil
}

// Conn is the connection, for raw access.
func (c *LogsClient) Conn() *Conn { return c.conn }

// Resume starts reading (a Paused client).
func (c *LogsClient) Resume() { c.once.Do(func() { close(c.resume) }) }

// Hello is the socket's logs.hello.
func (c *LogsClient) Hello() protocol.LogsHello { return c.hello }

// Items are the messages read so far after logs.hello, in order.
func (c *LogsClient) Items() []LogsItem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]LogsItem(nil), c.items...)
}

// Lines are the lines read so far, in order.
func (c *LogsClient) Lines() []logs.Line {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]logs.Line, 0, c.lines)
	for _, it := range c.items {
		out = append(out, it.Lines...)
	}
	return out
}

// Span is the first and the last line read so far (zero before any).
func (c *LogsClient) Span() (first, last logs.Line) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first, c.last
}

// LineCount is how many lines were read so far.
func (c *LogsClient) LineCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines
}

// Done is closed when the client stops reading: the socket ended or broke
// a rule (Err says which).
func (c *LogsClient) Done() <-chan struct{} { return c.done }

// Err is why the client stopped reading, nil while it reads. A socket the
// server closed is a websocket.CloseError.
func (c *LogsClient) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the connection and waits for the reader.
func (c *LogsClient) Close() {
	c.conn.CloseNow()
	c.Resume()
	<-c.done
}

// ErrLogsTimeout is Wait's error when its condition does not hold in time.
var ErrLogsTimeout = errors.New("logs client: condition not met in time")

// Wait polls cond every 10 ms until it holds (nil), the client stops
// reading (its Err, or nil if cond holds then) or within passes.
func (c *LogsClient) Wait(within time.Duration, cond func() bool) error {
	deadline := time.Now().Add(within)
	for !cond() {
		select {
		case <-c.done:
			if cond() {
				return nil
			}
			return fmt.Errorf("logs client stopped: %w", c.Err())
		default:
		}
		if time.Now().After(deadline) {
			return ErrLogsTimeout
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}
