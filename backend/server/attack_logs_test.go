package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
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
