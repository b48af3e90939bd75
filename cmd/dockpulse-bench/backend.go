package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// backend is one `dockpulse serve` process.
type backend struct {
	cmd     *exec.Cmd
	started time.Time
	base    string // http://127.0.0.1:PORT
	token   string
	exited  chan struct{}
}

// startBackend runs `bin serve [args]` against host and waits for its URL.
func startBackend(ctx context.Context, bin, host string, logw io.Writer, args ...string) (*backend, error) {
	cmd := exec.Command(bin, append([]string{"serve", "--log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host)
	cmd.Stderr = logw
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	b := &backend{cmd: cmd, exited: make(chan struct{})}
	b.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	go func() { _ = cmd.Wait(); close(b.exited) }()
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case l, ok := <-line:
		if !ok {
			b.stop()
			return nil, errors.New("dockpulse serve printed no URL")
		}
		u, err := url.Parse(strings.TrimSpace(l))
		if err != nil {
			b.stop()
			return nil, fmt.Errorf("dockpulse serve URL %q: %w", l, err)
		}
		b.token = u.Query().Get("token")
		b.base = "http://" + u.Host
	case <-time.After(30 * time.Second):
		b.stop()
		return nil, errors.New("dockpulse serve printed no URL within 30s")
	case <-ctx.Done():
		b.stop()
		return nil, ctx.Err()
	}
	return b, nil
}

func (b *backend) pid() int { return b.cmd.Process.Pid }

func (b *backend) wsURL() string {
	return "ws" + strings.TrimPrefix(b.base, "http") + "/ws?token=" + url.QueryEscape(b.token)
}

// stop ends the process with SIGTERM (SIGKILL after 10 s) and waits.
func (b *backend) stop() {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.exited
	}
}

// get fetches a polling endpoint.
func (b *backend) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+b.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body, nil
}

// received is one event as a client saw it.
type received struct {
	key      string // actor/action/timeNano
	timeNano int64
	sentNano int64
	recvNano int64
}

func eventKey(actor, action string, timeNano int64) string {
	return fmt.Sprintf("%s/%s/%d", actor, action, timeNano)
}

// wsClient is a WebSocket client that checks the sequence numbers as a UI
// must and records every event with its receive time.
type wsClient struct {
	conn *websocket.Conn

	mu            sync.Mutex
	events        []received
	seq           uint64
	gaps          int
	msgs          int
	samples       map[string]int // stats samples per container ID
	hello         protocol.Hello
	engineUp      bool
	engineUpAt    time.Time
	containers    int
	snapshotBytes int
	snapshotAt    time.Time
	err           error
	closeStatus   websocket.StatusCode
	done          chan struct{}
}

// dialWS connects and, unless stall is set, reads until the connection
// ends. A stalled client reads hello and the snapshot, then never again.
func dialWS(ctx context.Context, b *backend, stall bool) (*wsClient, error) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var opts *websocket.DialOptions
	if stall {
		// A tiny receive buffer, so that the kernel cannot absorb the burst
		// on the stalled client's behalf: its queue on the server must fill.
		d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			})
			return errors.Join(err, serr)
		}}
		opts = &websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
	}
	conn, _, err := websocket.Dial(dctx, b.wsURL(), opts)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	conn.SetReadLimit(256 << 20)
	c := &wsClient{conn: conn, done: make(chan struct{}), samples: map[string]int{}}
	if stall {
		for i := 0; i < 2; i++ {
			if _, data, err := conn.Read(ctx); err != nil {
				conn.CloseNow()
				return nil, err
			} else if err := c.handle(data, time.Now()); err != nil {
				conn.CloseNow()
				return nil, err
			}
		}
		close(c.done)
		return c, nil
	}
	go c.readLoop()
	return c, nil
}

func (c *wsClient) readLoop() {
	defer close(c.done)
	for {
		_, data, err := c.conn.Read(context.Background())
		now := time.Now()
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.closeStatus = websocket.CloseStatus(err)
			c.mu.Unlock()
			return
		}
		if err := c.handle(data, now); err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			c.conn.CloseNow()
			return
		}
	}
}

type eventData struct {
	ActorID  string `json:"actorId"`
	Action   string `json:"action"`
	TimeNano int64  `json:"timeNano"`
	SentNano int64  `json:"sentNano"`
}

func (c *wsClient) handle(data []byte, now time.Time) error {
	envs, err := protocol.DecodeMessage(data)
	if err != nil {
		return err
	}
	for _, env := range envs {
		if err := c.apply(env, len(data), now); err != nil {
			return err
		}
	}
	return nil
}

// apply takes in one envelope of a message of size bytes.
func (c *wsClient) apply(env protocol.Envelope, size int, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs++
	switch env.Type {
	case protocol.TypeHello:
		return json.Unmarshal(env.Data, &c.hello)
	case protocol.TypeHeartbeat:
		if env.Type == protocol.TypeHeartbeat && env.Seq != c.seq {
			c.gaps++
		}
		return nil
	case protocol.TypeSnapshot:
		var snap protocol.Snapshot
		if err := json.Unmarshal(env.Data, &snap); err != nil {
			return err
		}
		c.seq = env.Seq
		c.snapshotBytes = size
		c.snapshotAt = now
		c.containers = len(snap.Containers)
		for _, e := range snap.Engines {
			if e.Status == model.EngineUp && !c.engineUp {
				c.engineUp, c.engineUpAt = true, now
			}
		}
		return nil
	}
	if env.Seq != c.seq+1 {
		c.gaps++
	}
	c.seq = env.Seq
	switch env.Type {
	case protocol.TypeEvent:
		var ev eventData
		if err := json.Unmarshal(env.Data, &ev); err != nil {
			return err
		}
		c.events = append(c.events, received{key: eventKey(ev.ActorID, ev.Action, ev.TimeNano),
			timeNano: ev.TimeNano, sentNano: ev.SentNano, recvNano: now.UnixNano()})
	case protocol.TypeStats:
		var b protocol.StatsBatch
		if err := json.Unmarshal(env.Data, &b); err != nil {
			return err
		}
		for _, s := range b.Samples {
			c.samples[s.ID]++
		}
	case protocol.TypeContainerUpsert:
		c.containers++ // approximate: only used before the engine is up
	case protocol.TypeEngine:
		var e model.EngineInfo
		if err := json.Unmarshal(env.Data, &e); err != nil {
			return err
		}
		if e.Status == model.EngineUp && !c.engineUp {
			c.engineUp, c.engineUpAt = true, now
		}
	}
	return nil
}

// seen returns a copy of the events the client has received so far.
func (c *wsClient) seen() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.events...)
}

// sampleCount is how many stats samples the client has received, in all.
func (c *wsClient) sampleCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.samples {
		n += v
	}
	return n
}

// sendView tells the server which containers the client shows.
func (c *wsClient) sendView(ctx context.Context, ids []string) error {
	var keys []model.Key
	for _, id := range ids {
		keys = append(keys, model.Key{Engine: "local", ID: id})
	}
	frame, err := protocol.EncodeView(keys)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return c.conn.Write(wctx, websocket.MessageText, frame)
}

func (c *wsClient) close() {
	c.conn.CloseNow()
	<-c.done
}

// dialMany connects n reading clients.
func dialMany(ctx context.Context, b *backend, n int) ([]*wsClient, error) {
	out := make([]*wsClient, 0, n)
	for i := 0; i < n; i++ {
		c, err := dialWS(ctx, b, false)
		if err != nil {
			closeAll(out)
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func closeAll(cs []*wsClient) {
	for _, c := range cs {
		c.close()
	}
}

// waitEngineUp waits until the backend's store says the engine is up.
func waitEngineUp(ctx context.Context, b *backend, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		body, err := b.get(ctx, "/api/engines")
		if err == nil {
			var es []model.EngineInfo
			if json.Unmarshal(body, &es) == nil && len(es) > 0 && es[0].Status == model.EngineUp {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("engine not up in dockpulse within %s", timeout)
}
