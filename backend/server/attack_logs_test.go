package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestAttackHandshakeFailureLogRedactsHeaders sends an authorised upgrade
// request with the token where the WebSocket library quotes a header in
// its error (an invalid Sec-WebSocket-Key, a Connection or Upgrade header it
// does not take): the handshake fails, and the log line that says so must
// not repeat the token.
func TestAttackHandshakeFailureLogRedactsHeaders(t *testing.T) {
	f := startAttackServer(t, Config{})
	tok := f.srv.Token()
	tests := []struct {
		name   string
		header map[string]string
	}{
		{"token as Sec-WebSocket-Key", map[string]string{"Sec-WebSocket-Key": tok}},
		{"token as the WebSocket version", map[string]string{"Sec-WebSocket-Version": tok}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, f.srv.URL()+"/ws", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", "websocket")
			req.Header.Set("Sec-WebSocket-Version", "13")
			req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			before := len(f.logs.lines("websocket handshake failed"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusSwitchingProtocols || resp.StatusCode < 400 {
				t.Fatalf("status %d, want the handshake refused", resp.StatusCode)
			}
			lines := f.logs.lines("websocket handshake failed")
			if len(lines) != before+1 {
				t.Fatalf("%d handshake failures logged, want %d", len(lines), before+1)
			}
			if l := lines[len(lines)-1]; strings.Contains(l, tok) || !strings.Contains(l, "[token]") {
				t.Fatalf("the log line does not redact the token: %s", l)
			}
		})
	}
}

// TestAttackRefusalFloodLogIsBounded floods the server with refused
// requests, which need no credential: without the token, with a foreign
// Origin, and with a thousand different Origins. What the log gets is
// bounded by the refusal log's limits, not by the flood.
func TestAttackRefusalFloodLogIsBounded(t *testing.T) {
	f := startAttackServer(t, Config{})
	tok := f.srv.Token()
	const workers, each = 8, 250
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				path, origin := "/api/snapshot", ""
				switch i % 3 {
				case 0: // no token
				case 1:
					path, origin = "/api/snapshot?token="+tok, "https://evil.example"
				case 2:
					path, origin = "/ws?token="+tok, fmt.Sprintf("https://%d-%d.evil.example", w, i)
				}
				req, err := http.NewRequest(http.MethodGet, f.srv.URL()+path, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if origin != "" {
					req.Header.Set("Origin", origin)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
					t.Errorf("status %d, want a refusal", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	lines := f.logs.lines("refused request")
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	t.Logf("%d refused requests: %d log lines, %d bytes", workers*each, len(lines), size)
	if len(lines) > refusalBurst+refusalSummaries+1 || size > 16<<10 {
		t.Fatalf("%d refused requests wrote %d log lines (%d bytes), want at most %d lines a minute", workers*each, len(lines), size, refusalBurst+refusalSummaries+1)
	}
}

// TestRefusalSummaries: past the burst, refusals are counted per source and
// summarised when the window ends, busiest first, with the token redacted
// from the Origin, and the table of sources stays bounded.
func TestRefusalSummaries(t *testing.T) {
	const tok = "c2VjcmV0LXRva2VuLXRoYXQtaXMtbG9uZw"
	sink := &logSink{}
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), sink, zapcore.DebugLevel))
	l := newRefusalLog(log, newGuard(tok, nil, false, false))
	l.window = 100 * time.Millisecond
	rej := &rejection{http.StatusForbidden, "origin not allowed"}
	refuse := func(remote, origin string, n int) {
		for range n {
			r := httptest.NewRequest(http.MethodGet, "/ws?token="+tok, nil)
			r.RemoteAddr = remote + ":5555"
			r.Header.Set("Origin", origin)
			l.refused(r, rej)
		}
	}
	refuse("127.0.0.1", "https://first.example", refusalBurst) // logged in full
	refuse("127.0.0.1", "https://"+tok+".example", 7)
	refuse("127.0.0.2", "https://evil.example", 30)
	for i := range 2 * refusalSources {
		refuse("127.0.0.3", fmt.Sprintf("https://%d.example", i), 1)
	}
	l.mu.Lock()
	sources := len(l.counts)
	l.mu.Unlock()
	if sources > refusalSources {
		t.Fatalf("%d sources kept, want at most %d", sources, refusalSources)
	}
	waitFor(t, 5*time.Second, "the window's summary", func() bool { return len(sink.lines("other sources")) > 0 })
	l.stop()

	if n := len(sink.lines(`"msg":"refused request"`)); n != refusalBurst {
		t.Errorf("%d refusals logged in full, want the burst of %d", n, refusalBurst)
	}
	summary := sink.lines("refused requests from")
	if len(summary) != refusalSummaries+1 {
		t.Fatalf("%d summary lines, want %d:\n%s", len(summary), refusalSummaries+1, strings.Join(summary, "\n"))
	}
	for i, want := range []string{"30 refused requests from 127.0.0.2 (Origin https://evil.example) in the last 100ms", "7 refused requests from 127.0.0.1 (Origin https://[token].example)"} {
		if !strings.Contains(summary[i], want) {
			t.Errorf("summary line %d is %s, want %q", i, summary[i], want)
		}
	}
	total := 0
	for _, s := range summary {
		var e struct{ Refused int }
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			t.Fatal(err)
		}
		total += e.Refused
	}
	if want := 7 + 30 + 2*refusalSources; total != want {
		t.Errorf("the summaries count %d refusals, want %d", total, want)
	}
	sink.assertNoToken(t, tok)
}
