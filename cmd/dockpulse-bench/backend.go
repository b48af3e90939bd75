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
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/service"
)

// backend is one `dockpulse serve` process.
type backend struct {
	cmd     *exec.Cmd
	started time.Time
	base    string // http://127.0.0.1:PORT
	token   string
	exited  chan struct{}
}

// startBackend runs `bin serve [args]` (dockpulse-server: `bin [args]`)
// against host and waits for its URL.
func startBackend(ctx context.Context, bin, host string, logw io.Writer, args ...string) (*backend, error) {
	return startBackendEnv(ctx, bin, append(os.Environ(), "DOCKER_HOST="+host), logw, args...)
}

// backendEnv is more of every backend's environment (-backend-env), e.g.
// GOGC=200 or GODEBUG=gctrace=1, the benchmark's own untouched.
var backendEnv []string

// startBackendEnv runs `bin serve [args]` with env (and backendEnv) for
// its environment.
func startBackendEnv(ctx context.Context, bin string, env []string, logw io.Writer, args ...string) (*backend, error) {
	cmd := exec.Command(bin, append(append(serveCommand(bin), "--log-level", "warn"), args...)...)
	cmd.Env = append(env, backendEnv...)
	tail := &tailBuffer{}
	cmd.Stderr = io.MultiWriter(logw, tail)
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
			return nil, fmt.Errorf("dockpulse serve printed no URL; its stderr ends: %s", tail)
		}
		u, err := url.Parse(strings.TrimSpace(l))
		if err != nil {
			b.stop()
			return nil, fmt.Errorf("dockpulse serve URL %q: %w", l, err)
		}
		if b.token, _, err = protocoltest.TradeCode(ctx, u); err != nil {
			b.stop()
			return nil, err
		}
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

// tailBuffer keeps the last 2 KiB written to it, for errors.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if n := len(t.buf) - 2048; n > 0 {
		t.buf = t.buf[n:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

func (b *backend) pid() int { return b.cmd.Process.Pid }

func (b *backend) wsURL() string {
	return "ws" + strings.TrimPrefix(b.base, "http") + "/ws"
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
// must, counting the errors (Gaps) rather than stopping at the first, and
// keeps every event with its receive time.
type wsClient struct {
	*protocoltest.Client
}

// dialWS connects and, unless stall is set, reads until the connection
// ends. A stalled client reads hello and the snapshot, then never again.
func dialWS(ctx context.Context, b *backend, stall bool) (*wsClient, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	opts := &protocoltest.Options{DialOptions: protocoltest.DialOptions{ReadLimit: 256 << 20}, CountGaps: true, MaxEvents: -1, Stalled: stall}
	if stall {
		// A tiny receive buffer, so that the kernel cannot absorb the burst
		// on the stalled client's behalf: its queue on the server must fill.
		d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = setRcvBuf(fd, 4096)
			})
			return errors.Join(err, serr)
		}}
		opts.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	}
	c, _, err := protocoltest.Dial(dctx, b.wsURL(), b.token, opts)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	return &wsClient{c}, nil
}

// seen returns the events the client has received so far.
func (c *wsClient) seen() []received {
	evs := c.Events()
	out := make([]received, len(evs))
	for i, ev := range evs {
		out[i] = received{key: eventKey(ev.ActorID, ev.Action, ev.TimeNano),
			timeNano: ev.TimeNano, sentNano: ev.SentNano, recvNano: ev.At.UnixNano()}
	}
	return out
}

// samplesOf is how many stats samples of a container the client received.
func (c *wsClient) samplesOf(id string) int {
	return c.Samples(model.Key{Engine: service.EngineName, ID: id})
}

// sendView tells the server which containers the client shows.
func (c *wsClient) sendView(ctx context.Context, ids []string) error {
	var keys []model.Key
	for _, id := range ids {
		keys = append(keys, model.Key{Engine: service.EngineName, ID: id})
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return c.SendView(wctx, keys...)
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
		c.Close()
	}
}

// waitEngineUp waits until the backend's store says the engine is up.
func waitEngineUp(ctx context.Context, b *backend, timeout time.Duration) error {
	return waitEnginesUp(ctx, b, nil, timeout)
}

// waitEnginesUp waits until the backend's store says every engine named is
// up (with no names: its first engine).
func waitEnginesUp(ctx context.Context, b *backend, names []string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var es []model.EngineInfo
	for time.Now().Before(deadline) {
		body, err := b.get(ctx, "/api/engines")
		if err == nil && json.Unmarshal(body, &es) == nil && len(es) > 0 && enginesUp(es, names) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(names) == 0 {
		return fmt.Errorf("engine not up in dockpulse within %s", timeout)
	}
	var have []string
	for _, e := range es {
		have = append(have, e.Engine+" "+e.Status)
	}
	return fmt.Errorf("engines %s not all up in dockpulse within %s (it has: %s)", strings.Join(names, ", "), timeout, strings.Join(have, ", "))
}

func enginesUp(es []model.EngineInfo, names []string) bool {
	if len(names) == 0 {
		return es[0].Status == model.EngineUp
	}
	for _, n := range names {
		if !slices.ContainsFunc(es, func(e model.EngineInfo) bool { return e.Engine == n && e.Status == model.EngineUp }) {
			return false
		}
	}
	return true
}
