package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGuardDecisions(t *testing.T) {
	const tok = "s3cret-token"
	desktop := newGuard(tok, WebviewOrigins, false, false)
	serve := newGuard(tok, WebviewOrigins, true, false)
	tests := []struct {
		name       string
		g          *guard
		target     string
		host       string
		origin     string
		authz      string
		wantStatus int // 0: allowed
	}{
		{"desktop webview", desktop, "/ws?token=" + tok, "127.0.0.1:5000", platformOrigins[0], "", 0},
		{"no origin (native client)", desktop, "/ws?token=" + tok, "127.0.0.1:5000", "", "", 0},
		{"bearer token", desktop, "/api/containers", "localhost:5000", "", "Bearer " + tok, 0},
		{"ipv6 loopback host", desktop, "/ws?token=" + tok, "[::1]:5000", "", "", 0},
		{"no token", desktop, "/ws", "127.0.0.1:5000", platformOrigins[0], "", http.StatusUnauthorized},
		{"wrong token", desktop, "/ws?token=nope", "127.0.0.1:5000", platformOrigins[0], "", http.StatusUnauthorized},
		{"token prefix", desktop, "/ws?token=s3cret", "127.0.0.1:5000", "", "", http.StatusUnauthorized},
		{"wrong bearer", desktop, "/api/stats", "127.0.0.1:5000", "", "Bearer nope", http.StatusUnauthorized},
		{"token as basic auth", desktop, "/api/stats", "127.0.0.1:5000", "", "Basic " + tok, http.StatusUnauthorized},
		{"foreign origin", desktop, "/ws?token=" + tok, "127.0.0.1:5000", "https://evil.example", "", http.StatusForbidden},
		{"null origin", desktop, "/ws?token=" + tok, "127.0.0.1:5000", "null", "", http.StatusForbidden},
		{"other local port", desktop, "/ws?token=" + tok, "127.0.0.1:5000", "http://127.0.0.1:8080", "", http.StatusForbidden},
		{"same origin not served by desktop", desktop, "/ws?token=" + tok, "127.0.0.1:5000", "http://127.0.0.1:5000", "", http.StatusForbidden},
		{"rebinding host", desktop, "/ws?token=" + tok, "evil.example:5000", "", "", http.StatusForbidden},
		{"rebinding host same origin", serve, "/ws?token=" + tok, "evil.example:5000", "http://evil.example:5000", "", http.StatusForbidden},
		{"private lan host", desktop, "/ws?token=" + tok, "192.168.1.5:5000", "", "", http.StatusForbidden},
		{"serve same origin", serve, "/ws?token=" + tok, "127.0.0.1:5000", "http://127.0.0.1:5000", "", 0},
		{"serve via ssh tunnel", serve, "/ws?token=" + tok, "localhost:9000", "http://localhost:9000", "", 0},
		{"serve other port", serve, "/ws?token=" + tok, "127.0.0.1:5000", "http://127.0.0.1:5001", "", http.StatusForbidden},
		{"serve same origin wrong token", serve, "/ws?token=x", "127.0.0.1:5000", "http://127.0.0.1:5000", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, tt.target, nil)
		r.Host = tt.host
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		if tt.authz != "" {
			r.Header.Set("Authorization", tt.authz)
		}
		got := 0
		if rej := tt.g.check(r); rej != nil {
			got = rej.status
		}
		if got != tt.wantStatus {
			t.Errorf("%s: got status %d, want %d", tt.name, got, tt.wantStatus)
		}
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost:5000": true, "127.0.0.1": true, "127.0.0.1:5000": true,
		"127.9.9.9:1": true, "[::1]": true, "[::1]:5000": true, "[::ffff:127.0.0.1]:80": true,
		// stray or misplaced brackets, found by FuzzGuard: "[localhost" was once read as localhost
		"[localhost": false, "localhost]": false, "[loCAlhost": false, "[localhost]": false,
		"[localhost]:80": false, "[127.0.0.1]:80": false, "[::1": false, "::1]": false, "[[::1]]": false,
		"[::1]]:80": false, "[::1]x": false,
		// an IPv6 address without brackets, a port that is not a number
		"::1": false, "::1:80": false, "localhost:": false, "localhost:80x": false, "localhost:+80": false,
		"127.0.0.1:5000:6000": false,
		// not loopback
		"": false, "localhost.": false, "evil.example": false, "127.0.0.1.evil.example": false,
		"0.0.0.0": false, "[::]:80": false, "192.168.1.5:5000": false, "[fe80::1%lo]:80": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestIsLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:0": true, "localhost:8080": true, "[::1]:1": true, "127.1.2.3:80": true,
		":8080": false, "0.0.0.0:80": false, "192.168.1.2:80": false, "[::]:80": false, "garbage": false,
		"127.0.0.1": false, "[localhost]:80": false, "::1:80": false,
	} {
		if got := IsLoopbackAddr(addr); got != want {
			t.Errorf("IsLoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestNewTokenIsFreshAndLong(t *testing.T) {
	a, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two tokens are equal")
	}
	if len(a) < 22 { // 128 bits in base64
		t.Fatalf("token %d chars, want at least 128 bits", len(a))
	}
}

func TestTokenFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	first, err := TokenFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	again, err := TokenFromFile(path)
	if err != nil || again != first {
		t.Fatalf("second read = %q, %v; want the same token", again, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := TokenFromFile(path); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("world-readable file accepted: %v", err)
	}
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := TokenFromFile(short); err == nil {
		t.Fatal("a short token was accepted")
	}
}
