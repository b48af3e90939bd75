//go:build !dev

package server

import (
	"net/http"
	"runtime"
	"testing"
)

// TestAttackDevOriginsRefusedInReleaseBuild: a build without the dev tag
// (every build but `wails dev`) lets in only its own platform's webview
// origin. A page served from the dev server's port, from
// http://wails.localhost on Linux or macOS, or from wails://wails on
// Windows, is refused even with the token.
func TestAttackDevOriginsRefusedInReleaseBuild(t *testing.T) {
	f := startAttackServer(t, Config{})
	own, other := "wails://wails", "http://wails.localhost"
	if runtime.GOOS == "windows" {
		own, other = other, own
	}
	tests := []struct {
		origin string
		want   int
	}{
		{own, http.StatusOK},
		{other, http.StatusForbidden},
		{"wails://wails.localhost:34115", http.StatusForbidden},
		{"http://wails.localhost:34115", http.StatusForbidden},
		{"http://localhost:34115", http.StatusForbidden},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodGet, f.srv.URL()+"/api/engines?token="+f.srv.Token(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", tt.origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("Origin %s: status %d, want %d", tt.origin, resp.StatusCode, tt.want)
		}
	}
}
