package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/store"
)

// logSink keeps every log line the server writes, JSON-encoded with all its
// fields, so a test can prove the token never reaches a log.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *logSink) Sync() error { return nil }

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// lines returns the logged lines that contain needle.
func (s *logSink) lines(needle string) []string {
	var out []string
	for _, l := range strings.Split(s.String(), "\n") {
		if strings.Contains(l, needle) {
			out = append(out, l)
		}
	}
	return out
}

// assertNoToken fails if the token appears in any log line.
func (s *logSink) assertNoToken(t *testing.T, token string) {
	t.Helper()
	if leaks := s.lines(token); len(leaks) > 0 {
		t.Errorf("the token appears in %d log lines, first: %s", len(leaks), leaks[0])
	}
}

// attackFixture is a running server whose every log line, at debug level, is
// kept, fed by a publisher that upserts a container every few milliseconds.
type attackFixture struct {
	srv   *Server
	store *store.Store
	logs  *logSink
}

func startAttackServer(t *testing.T, cfg Config) *attackFixture {
	t.Helper()
	sink := &logSink{}
	core := zapcore.NewTee(
		zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), sink, zapcore.DebugLevel),
		zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)).Core(),
	)
	log := zap.New(core)
	h := hub.New()
	st := store.New(h, store.Config{}, log)
	srv, err := New(cfg, st, h, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		sink.assertNoToken(t, srv.Token())
	})
	return &attackFixture{srv: srv, store: st, logs: sink}
}

// publish upserts a container every interval until the test ends.
func (f *attackFixture) publish(t *testing.T, interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				f.store.Upsert(model.Container{Engine: "local", ID: "pub", State: "running", Labels: map[string]string{"i": fmt.Sprint(i)}})
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// healthyClient reads every message, checking the sequence as a UI must,
// and counts the deltas. It is the witness that attacks cost others nothing.
type healthyClient struct {
	*protocoltest.Client
}

func newHealthyClient(t *testing.T, f *attackFixture) *healthyClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := protocoltest.Dial(ctx, f.srv.WebSocketURL(), f.srv.Token(), &protocoltest.Options{DialOptions: protocoltest.DialOptions{ReadLimit: 1 << 20}})
	if err != nil {
		t.Fatalf("healthy client: %v", err)
	}
	t.Cleanup(c.Close)
	return &healthyClient{c}
}

// stillReceiving checks that the client is healthy and gets new deltas.
func (c *healthyClient) stillReceiving(t *testing.T, after string) {
	t.Helper()
	from := c.Deltas()
	waitFor(t, 10*time.Second, "healthy client receives after "+after, func() bool {
		if err := c.Err(); err != nil {
			t.Fatalf("healthy client failed after %s: %v", after, err)
		}
		return c.Deltas() >= from+3
	})
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAttackHandshakes sends every kind of request that must not get a
// stream: no token, wrong token, the token anywhere but the two documented
// places, a foreign or null Origin, a rebound Host. Each gets the documented
// status and a JSON error (or the mux's 404 for paths that are no route), and
// the healthy client keeps receiving.
func TestAttackHandshakes(t *testing.T) {
	f := startAttackServer(t, Config{})
	f.publish(t, 10*time.Millisecond)
	healthy := newHealthyClient(t, f)
	tok := f.srv.Token()
	base := "http://" + f.srv.Addr()
	basic := base64.StdEncoding.EncodeToString([]byte(tok + ":"))

	tests := []struct {
		name    string
		path    string
		header  http.Header
		host    string
		want    int
		jsonErr bool
		// echoes: the token is somewhere a refusal log line would repeat
		// without redaction; the test's cleanup proves it absent.
		echoes bool
	}{
		{"no token", "/ws", nil, "", 401, true, false},
		{"wrong token", "/ws?token=" + strings.Repeat("A", len(tok)), nil, "", 401, true, false},
		{"token prefix", "/ws?token=" + tok[:len(tok)-1], nil, "", 401, true, false},
		{"token plus suffix", "/ws?token=" + tok + "x", nil, "", 401, true, false},
		{"empty token", "/ws?token=", nil, "", 401, true, false},
		{"wrong query token wins over right bearer", "/ws?token=nope", http.Header{"Authorization": {"Bearer " + tok}}, "", 401, true, false},
		{"token in a cookie", "/ws", http.Header{"Cookie": {"token=" + tok}}, "", 401, true, false},
		{"token in the path", "/ws/" + tok, nil, "", 404, false, false},
		{"token in an api path", "/api/" + tok, nil, "", 401, true, true},
		{"token as the Host", "/ws?token=" + tok, nil, tok, 403, true, true},
		{"token in the Origin", "/ws?token=" + tok, http.Header{"Origin": {"http://" + tok}}, "", 403, true, true},
		{"token as another query name", "/ws?access_token=" + tok, nil, "", 401, true, false},
		{"token query name in capitals", "/ws?TOKEN=" + tok, nil, "", 401, true, false},
		{"token in a custom header", "/ws", http.Header{"X-Dockpulse-Token": {tok}}, "", 401, true, false},
		{"token as a bare Authorization", "/ws", http.Header{"Authorization": {tok}}, "", 401, true, false},
		{"token as Basic auth", "/ws", http.Header{"Authorization": {"Basic " + basic}}, "", 401, true, false},
		{"token as a subprotocol", "/ws", http.Header{"Sec-Websocket-Protocol": {tok}}, "", 401, true, false},
		{"token in the Referer", "/ws", http.Header{"Referer": {"http://127.0.0.1/?token=" + tok}}, "", 401, true, false},
		{"Origin null", "/ws?token=" + tok, http.Header{"Origin": {"null"}}, "", 403, true, false},
		{"foreign Origin", "/ws?token=" + tok, http.Header{"Origin": {"https://evil.example"}}, "", 403, true, false},
		{"other local port Origin", "/ws?token=" + tok, http.Header{"Origin": {"http://127.0.0.1:8080"}}, "", 403, true, false},
		{"Origin with a webview prefix", "/ws?token=" + tok, http.Header{"Origin": {"wails://wails.evil.example"}}, "", 403, true, false},
		{"own origin in desktop mode", "/ws?token=" + tok, http.Header{"Origin": {base}}, "", 403, true, false},
		{"DNS rebinding Host", "/ws?token=" + tok, nil, "evil.example:" + port(f.srv.Addr()), 403, true, false},
		{"rebinding Host that looks local", "/ws?token=" + tok, nil, "localhost.evil.example", 403, true, false},
		{"rebinding Host with the Origin to match", "/ws?token=" + tok, http.Header{"Origin": {"http://evil.example"}}, "evil.example", 403, true, false},
		{"LAN Host", "/ws?token=" + tok, nil, "192.168.1.10:" + port(f.srv.Addr()), 403, true, false},
		{"api without token", "/api/snapshot", nil, "", 401, true, false},
		{"api with foreign Origin", "/api/snapshot?token=" + tok, http.Header{"Origin": {"https://evil.example"}}, "", 403, true, false},
		{"api with rebinding Host", "/api/snapshot?token=" + tok, nil, "evil.example", 403, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			// A complete upgrade request: if the guard let it through, the
			// answer would be 101.
			key := make([]byte, 16)
			_, _ = rand.Read(key)
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", "websocket")
			req.Header.Set("Sec-WebSocket-Version", "13")
			req.Header.Set("Sec-WebSocket-Key", base64.StdEncoding.EncodeToString(key))
			for k, v := range tt.header {
				req.Header[k] = v
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tt.want)
			}
			if tt.jsonErr {
				var e struct{ Error string }
				if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
					t.Fatalf("body %q, want a JSON error", body)
				}
				if strings.Contains(string(body), tok) {
					t.Fatalf("the refusal echoes the token: %s", body)
				}
			}
		})
	}
	if n := f.srv.Connections(); n != 1 {
		t.Fatalf("connections = %d after the refusals, want only the healthy one", n)
	}
	healthy.stillReceiving(t, "the refused handshakes")
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// TestAttackMessages opens authorised streams and misbehaves on them. A
// client may send only views, at most rateLimit a second after a burst, so
// every other data frame and a flood of views end the connection with
// 1008, a frame over the read limit with 1009 (before its payload is read),
// and protocol violations end it at once; the healthy client keeps receiving
// and the server's connection count returns to one.
func TestAttackMessages(t *testing.T) {
	f := startAttackServer(t, Config{ReadLimit: 4096, WriteTimeout: 500 * time.Millisecond, Heartbeat: 200 * time.Millisecond})
	f.publish(t, 10*time.Millisecond)
	healthy := newHealthyClient(t, f)

	text, binaryOp, cont, ping := byte(0x1), byte(0x2), byte(0x0), byte(0x9)
	tests := []struct {
		name string
		send func(w *rawConn) error
		// want is the close status the server must send, or -1 when the
		// server may just drop the TCP connection (the peer broke the
		// framing itself, so a close frame would be read as garbage).
		want websocket.StatusCode
	}{
		{"malformed JSON", func(w *rawConn) error { return w.frame(text, true, []byte(`{"v":2,"type":`)) }, websocket.StatusPolicyViolation},
		{"unknown message type", func(w *rawConn) error {
			return w.frame(text, true, []byte(`{"v":2,"type":"container.kill","seq":1,"data":{"id":"x"}}`))
		}, websocket.StatusPolicyViolation},
		{"a valid-looking hello", func(w *rawConn) error { return w.frame(text, true, []byte(`{"v":2,"type":"hello","seq":0}`)) }, websocket.StatusPolicyViolation},
		{"binary frame", func(w *rawConn) error { return w.frame(binaryOp, true, []byte{0, 1, 2, 3}) }, websocket.StatusPolicyViolation},
		{"empty text frame", func(w *rawConn) error { return w.frame(text, true, nil) }, websocket.StatusPolicyViolation},
		{"invalid UTF-8 text", func(w *rawConn) error { return w.frame(text, true, []byte{0xff, 0xfe, 0xfd}) }, websocket.StatusPolicyViolation},
		{"oversized frame", func(w *rawConn) error { return w.frame(text, true, bytes.Repeat([]byte("x"), 4097)) }, websocket.StatusMessageTooBig},
		{"frame announcing 4 EiB", func(w *rawConn) error {
			if err := w.header(binaryOp, true, 1<<62); err != nil {
				return err
			}
			_, err := w.conn.Write(make([]byte, 5000))
			return err
		}, websocket.StatusMessageTooBig},
		// The read limit counts payload as it arrives, so a header alone
		// leaves the reader waiting; the unanswered pings end it.
		{"frame header announcing 4 EiB, then silence", func(w *rawConn) error { return w.header(binaryOp, true, 1<<62) }, -1},
		{"oversized message in small fragments", func(w *rawConn) error {
			if err := w.frame(text, false, bytes.Repeat([]byte("x"), 1000)); err != nil {
				return err
			}
			for range 10 {
				err := w.frame(cont, false, bytes.Repeat([]byte("x"), 1000))
				if errors.Is(err, net.ErrClosed) || isConnReset(err) {
					return nil // the server hung up once past the limit: as it should
				}
				if err != nil {
					return err
				}
			}
			return nil
		}, websocket.StatusMessageTooBig},
		{"flood of messages in one write", func(w *rawConn) error {
			var all []byte
			for i := range 20000 {
				all = append(all, w.encode(text, true, []byte(fmt.Sprintf(`{"n":%d}`, i)))...)
			}
			_, err := w.conn.Write(all)
			if errors.Is(err, net.ErrClosed) || isConnReset(err) {
				return nil // the server hung up mid-flood: that is the point
			}
			return err
		}, websocket.StatusPolicyViolation},
		{"a view, then the same again as a flood", func(w *rawConn) error {
			view := []byte(`{"v":2,"type":"view","seq":0,"data":{"containers":[{"engine":"local","id":"a"}]}}`)
			var all []byte
			for range 200 {
				all = append(all, w.encode(text, true, view)...)
			}
			_, err := w.conn.Write(all)
			if errors.Is(err, net.ErrClosed) || isConnReset(err) {
				return nil
			}
			return err
		}, websocket.StatusPolicyViolation},
		{"a view with a field the protocol lacks", func(w *rawConn) error {
			return w.frame(text, true, []byte(`{"v":2,"type":"view","seq":0,"data":{"containers":[],"all":true}}`))
		}, websocket.StatusPolicyViolation},
		{"a view with the token as a field name (the log must not repeat it)", func(w *rawConn) error {
			return w.frame(text, true, []byte(`{"v":2,"type":"view","seq":0,"data":{"containers":[],"`+f.srv.Token()+`":1}}`))
		}, websocket.StatusPolicyViolation},
		{"a view of unnamed containers", func(w *rawConn) error {
			return w.frame(text, true, []byte(`{"v":2,"type":"view","seq":0,"data":{"containers":[{}]}}`))
		}, websocket.StatusPolicyViolation},
		{"ping flood", func(w *rawConn) error {
			var all []byte
			for range 200 {
				all = append(all, w.encode(ping, true, []byte("are you there"))...)
			}
			_, err := w.conn.Write(all)
			if errors.Is(err, net.ErrClosed) || isConnReset(err) {
				return nil
			}
			return err
		}, websocket.StatusPolicyViolation},
		{"continuation without a start", func(w *rawConn) error { return w.frame(cont, true, []byte("x")) }, websocket.StatusProtocolError},
		{"fragmented ping", func(w *rawConn) error { return w.frame(ping, false, []byte("x")) }, websocket.StatusProtocolError},
		{"oversized ping", func(w *rawConn) error { return w.frame(ping, true, bytes.Repeat([]byte("x"), 126)) }, websocket.StatusProtocolError},
		{"reserved opcode", func(w *rawConn) error { return w.frame(0x3, true, []byte("x")) }, websocket.StatusProtocolError},
		{"RSV bits set", func(w *rawConn) error { return w.frame(0x40|text, true, []byte("x")) }, websocket.StatusProtocolError},
		{"unmasked frame", func(w *rawConn) error {
			_, err := w.conn.Write([]byte{0x81, 0x01, 'x'})
			return err
		}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := rawDial(t, f.srv.Addr(), "/ws?token="+f.srv.Token(), nil)
			if err := tt.send(w); err != nil {
				t.Fatalf("send: %v", err)
			}
			status, err := w.closeStatus(10 * time.Second)
			if err != nil {
				t.Fatalf("waiting for the close: %v", err)
			}
			if tt.want >= 0 && status != tt.want {
				t.Fatalf("closed with %d, want %d", status, tt.want)
			}
			waitFor(t, 10*time.Second, "server frees the connection", func() bool { return f.srv.Connections() == 1 })
		})
	}
	healthy.stillReceiving(t, "the message attacks")
}

// TestPolitePingsAreAnswered checks the other side of the ping limit: a
// client that pings now and then, as native clients may, gets its pongs and
// stays connected.
func TestPolitePingsAreAnswered(t *testing.T) {
	f := startAttackServer(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := protocoltest.DialConn(ctx, f.srv.WebSocketURL(), f.srv.Token(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	// Reading processes the pongs (CloseRead would not do: the server's
	// messages would end it).
	readCtx, readDone := context.WithCancel(ctx)
	go func() {
		defer readDone()
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}()
	for i := range rateBurst + 10 {
		if err := c.Ping(ctx); err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
		if i >= rateBurst-5 {
			time.Sleep(time.Second / rateLimit)
		}
	}
	if readCtx.Err() != nil || f.srv.Connections() != 1 {
		t.Fatalf("a polite pinger was disconnected (%d connections)", f.srv.Connections())
	}
}

func TestRateLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := newRateLimiter(func() time.Time { return now })
	for i := range rateBurst {
		if !l.allow() {
			t.Fatalf("ping %d of the burst refused", i)
		}
	}
	if l.allow() {
		t.Fatal("ping beyond the burst allowed at once")
	}
	now = now.Add(time.Second)
	for i := range rateLimit {
		if !l.allow() {
			t.Fatalf("ping %d of the next second refused", i)
		}
	}
	if l.allow() {
		t.Fatal("more than rateLimit in a second in a second allowed")
	}
	now = now.Add(time.Hour)
	n := 0
	for l.allow() {
		n++
	}
	if n != rateBurst {
		t.Fatalf("after a quiet hour %d pings allowed, want the burst %d", n, rateBurst)
	}
}

// TestAttackPingFloodWithoutReading floods pings and never reads the pongs:
// the server's writes to it back up and time out, and it is dropped, while
// the healthy client keeps receiving.
func TestAttackPingFloodWithoutReading(t *testing.T) {
	f := startAttackServer(t, Config{WriteTimeout: 300 * time.Millisecond, Heartbeat: 200 * time.Millisecond})
	f.publish(t, 5*time.Millisecond)
	healthy := newHealthyClient(t, f)
	w := rawDial(t, f.srv.Addr(), "/ws?token="+f.srv.Token(), nil)
	flood := w.encode(0x9, true, bytes.Repeat([]byte("p"), 125))
	var batch []byte
	for range 200 {
		batch = append(batch, flood...)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_ = w.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := w.conn.Write(batch); err != nil {
				return // dropped, or our own buffers are full for 5 s
			}
		}
	}()
	waitFor(t, 20*time.Second, "server drops the ping flooder", func() bool { return f.srv.Connections() == 1 })
	w.conn.Close()
	<-done
	healthy.stillReceiving(t, "the ping flood")
}

// TestAttackConnectionCap opens many authorised connections at once: no more
// than MaxConns are ever open, the rest get 503, the healthy client keeps
// its slot and keeps receiving, and closing them frees their slots.
func TestAttackConnectionCap(t *testing.T) {
	const maxConns = 8
	f := startAttackServer(t, Config{MaxConns: maxConns})
	f.publish(t, 10*time.Millisecond)
	healthy := newHealthyClient(t, f)

	const attempts = 60
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		accepted []*protocoltest.Conn
		refused  int
		other    []string
	)
	start := make(chan struct{})
	for range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, resp, err := protocoltest.DialConn(ctx, f.srv.WebSocketURL(), f.srv.Token(), nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				accepted = append(accepted, c)
			case resp != nil && resp.StatusCode == http.StatusServiceUnavailable:
				refused++
			default:
				other = append(other, fmt.Sprint(err))
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(other) > 0 {
		t.Fatalf("%d attempts failed otherwise than 503, first: %s", len(other), other[0])
	}
	if len(accepted) != maxConns-1 || refused != attempts-len(accepted) {
		t.Fatalf("accepted %d, refused %d of %d; want %d accepted (the cap %d minus the healthy client)", len(accepted), refused, attempts, maxConns-1, maxConns)
	}
	if n := f.srv.Connections(); n != maxConns {
		t.Fatalf("connections = %d, want %d", n, maxConns)
	}
	healthy.stillReceiving(t, "the connection storm")
	for _, c := range accepted {
		c.CloseNow()
	}
	waitFor(t, 10*time.Second, "slots freed", func() bool { return f.srv.Connections() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := protocoltest.DialConn(ctx, f.srv.WebSocketURL(), f.srv.Token(), nil)
	if err != nil {
		t.Fatalf("a connection after the storm: %v", err)
	}
	c.CloseNow()
}

// TestRefusalFieldsRedactToken checks what guard.refusalFields logs for a
// refused request that carries the token in the path, the Host, the Origin,
// a cookie or the query: never the token.
func TestRefusalFieldsRedactToken(t *testing.T) {
	const tok = "c2VjcmV0LXRva2VuLXRoYXQtaXMtbG9uZw"
	g := newGuard(tok, WebviewOrigins, false, false)
	reqs := map[string]*http.Request{}
	add := func(name, target string, mod func(r *http.Request)) {
		r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:1"+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Host = "127.0.0.1:1"
		r.RemoteAddr = "127.0.0.1:5555"
		r.Pattern = "GET /api/"
		if mod != nil {
			mod(r)
		}
		reqs[name] = r
	}
	add("path", "/api/"+tok, nil)
	add("escaped path", "/api/x%2F"+tok, nil)
	add("query", "/api/x?token="+tok+"x", nil)
	add("host", "/api/x", func(r *http.Request) { r.Host = tok + ".evil.example" })
	add("origin", "/api/x", func(r *http.Request) { r.Header.Set("Origin", "http://"+tok) })
	add("cookie", "/api/x", func(r *http.Request) { r.Header.Set("Cookie", "token="+tok) })
	for name, r := range reqs {
		rej := g.check(r)
		if rej == nil {
			t.Fatalf("%s: request allowed", name)
		}
		sink := &logSink{}
		log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), sink, zapcore.DebugLevel))
		log.Info("refused request", g.refusalFields(r, rej)...)
		if strings.Contains(sink.String(), tok) {
			t.Errorf("%s: log line has the token: %s", name, sink.String())
		}
		if !strings.Contains(sink.String(), rej.msg) {
			t.Errorf("%s: log line lacks the reason: %s", name, sink.String())
		}
	}
}

// rawConn is a hand-framed WebSocket client, for frames no library sends.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func rawDial(t *testing.T, addr, path string, header http.Header) *rawConn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", base64.StdEncoding.EncodeToString(key))
	for k, v := range header {
		req.Header[k] = v
	}
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: status %d", resp.StatusCode)
	}
	_ = conn.SetDeadline(time.Time{})
	return &rawConn{t: t, conn: conn, br: br}
}

// encode builds one masked client frame; op may carry RSV bits.
func (w *rawConn) encode(op byte, fin bool, payload []byte) []byte {
	b := w.headerBytes(op, fin, uint64(len(payload)))
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	b = append(b, mask[:]...)
	for i, c := range payload {
		b = append(b, c^mask[i%4])
	}
	return b
}

func (w *rawConn) headerBytes(op byte, fin bool, n uint64) []byte {
	first := op
	if fin {
		first |= 0x80
	}
	switch {
	case n < 126:
		return []byte{first, 0x80 | byte(n)}
	case n <= 0xffff:
		b := []byte{first, 0x80 | 126, 0, 0}
		binary.BigEndian.PutUint16(b[2:], uint16(n))
		return b
	default:
		b := []byte{first, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(b[2:], n)
		return b
	}
}

func (w *rawConn) frame(op byte, fin bool, payload []byte) error {
	_, err := w.conn.Write(w.encode(op, fin, payload))
	return err
}

// header sends only a frame header (with its mask) announcing n bytes.
func (w *rawConn) header(op byte, fin bool, n uint64) error {
	_, err := w.conn.Write(append(w.headerBytes(op, fin, n), 1, 2, 3, 4))
	return err
}

// closeStatus reads server frames until a close frame (its status) or the
// end of the connection (-1).
func (w *rawConn) closeStatus(within time.Duration) (websocket.StatusCode, error) {
	_ = w.conn.SetReadDeadline(time.Now().Add(within))
	for {
		var h [2]byte
		if _, err := io.ReadFull(w.br, h[:]); err != nil {
			if errors.Is(err, io.EOF) || isConnReset(err) {
				return -1, nil
			}
			return 0, err
		}
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(w.br, b[:]); err != nil {
				return -1, nil
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(w.br, b[:]); err != nil {
				return -1, nil
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(w.br, payload); err != nil {
			return -1, nil
		}
		if h[0]&0x0f == 0x8 {
			// Answer as a well-behaved client does, which lets the server
			// finish its closing handshake at once.
			_ = w.frame(0x8, true, payload)
			if len(payload) < 2 {
				return websocket.StatusNoStatusRcvd, nil
			}
			return websocket.StatusCode(binary.BigEndian.Uint16(payload)), nil
		}
	}
}

func isConnReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe"))
}

// TestAttackSlowHeaders is slowloris: a connection that starts a request and
// never finishes its headers holds no slot forever; the server hangs up once
// its header timeout (10 s) has passed.
func TestAttackSlowHeaders(t *testing.T) {
	t.Parallel()
	f := startAttackServer(t, Config{})
	conn, err := net.DialTimeout("tcp", f.srv.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /ws?token=" + f.srv.Token() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err = io.ReadAll(conn) // whatever the server answers, then EOF
	if err != nil && !isConnReset(err) {
		t.Fatalf("the half-sent request was not cut within 30 s: %v", err)
	}
	t.Logf("cut after %v", time.Since(start))
}

// countingActor records the container actions that got through.
type countingActor struct {
	mu    sync.Mutex
	calls []string
}

func (a *countingActor) Act(_ context.Context, engine, action, id string, _ model.ActOptions) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, engine+" "+action+" "+id)
	return nil
}

func (a *countingActor) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.calls)
}

// TestAttackActions is cross-site request forgery and its kin against the
// one route that changes things: no refused request may reach the actor,
// whatever it carries; a proper one does.
func TestAttackActions(t *testing.T) {
	actor := &countingActor{}
	f := startAttackServer(t, Config{Actions: actor})
	tok := f.srv.Token()
	base := "http://" + f.srv.Addr()
	tests := []struct {
		name   string
		method string
		path   string
		header http.Header
		host   string
		want   int
	}{
		{"no token", "POST", "/api/engines/default/containers/abc/kill", nil, "", 401},
		{"wrong token", "POST", "/api/engines/default/containers/abc/kill?token=nope", nil, "", 401},
		{"token in a cookie", "POST", "/api/engines/default/containers/abc/kill", http.Header{"Cookie": {"token=" + tok}}, "", 401},
		{"token in a form body", "POST", "/api/engines/default/containers/abc/kill", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "", 401},
		{"cross-site form post with the token", "POST", "/api/engines/default/containers/abc/kill?token=" + tok, http.Header{"Origin": {"https://evil.example"}, "Content-Type": {"application/x-www-form-urlencoded"}}, "", 403},
		{"Origin null with the token", "POST", "/api/engines/default/containers/abc/remove?token=" + tok, http.Header{"Origin": {"null"}}, "", 403},
		{"rebinding Host with the token", "POST", "/api/engines/default/containers/abc/stop?token=" + tok, nil, "evil.example", 403},
		{"GET instead of POST", "GET", "/api/engines/default/containers/abc/kill?token=" + tok, nil, "", 404},
		{"PUT instead of POST", "PUT", "/api/engines/default/containers/abc/kill?token=" + tok, nil, "", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := strings.NewReader("token=" + tok)
			req, err := http.NewRequest(tt.method, base+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header[k] = v
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	if n := actor.count(); n != 0 {
		t.Fatalf("refused requests reached the actor: %v", actor.calls)
	}
	req, err := http.NewRequest("POST", base+"/api/engines/default/containers/abc/kill", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || actor.count() != 1 || actor.calls[0] != "default kill abc" {
		t.Fatalf("the proper request: status %d, actor calls %v", resp.StatusCode, actor.calls)
	}
	// The route without the engine is gone: it reaches no engine at all.
	req, err = http.NewRequest("POST", base+"/api/containers/abc/kill", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 == 2 || actor.count() != 1 {
		t.Fatalf("the old route: status %d, actor calls %v; want refused", resp.StatusCode, actor.calls)
	}
}

// TestActionLogsRedactToken uses the token as a container ID and as an
// action: the refusal, or the action's log line, must not repeat it.
func TestActionLogsRedactToken(t *testing.T) {
	actor := &countingActor{}
	f := startAttackServer(t, Config{Actions: actor}) // its cleanup checks the logs
	tok := f.srv.Token()
	for _, path := range []string{"/api/engines/default/containers/" + tok + "/kill", "/api/engines/default/containers/abc/" + tok, "/api/engines/" + tok + "/containers/abc/kill"} {
		req, err := http.NewRequest("POST", "http://"+f.srv.Addr()+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}
