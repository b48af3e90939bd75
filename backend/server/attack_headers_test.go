package server

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

// testUI is a built UI as the embedded one is served: a subdirectory of
// the binary's files (fs.Sub, which refuses an invalid name with
// fs.ErrInvalid), with an index and an assets directory without one.
var testUI = func() fs.FS {
	ui, err := fs.Sub(fstest.MapFS{
		"dist/index.html":           {Data: []byte("<!doctype html><title>Dockpulse</title>")},
		"dist/assets/index-abc.js":  {Data: []byte("console.log(1)")},
		"dist/assets/index-abc.css": {Data: []byte("body{}")},
	}, "dist")
	if err != nil {
		panic(err)
	}
	return ui
}()

// answerTo sends a GET to the server and returns its status, headers and body.
func answerTo(t *testing.T, f *attackFixture, path string) (int, http.Header, string) {
	t.Helper()
	return send(t, f, http.MethodGet, path, "", nil)
}

// TestAttackResponseHeaders: every answer, successful or not, carries
// X-Content-Type-Options: nosniff, so no browser runs a JSON body or an
// asset as something else.
func TestAttackResponseHeaders(t *testing.T) {
	f := startAttackServer(t, Config{UI: testUI, Actions: &countingActor{}})
	tok := f.srv.Token()
	for _, path := range []string{"/", "/index.html", "/assets/index-abc.js", "/api/snapshot?token=" + tok, "/api/engines?token=" + tok, "/api/nothing?token=" + tok, "/api/snapshot", "/missing"} {
		status, h, _ := answerTo(t, f, path)
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: status %d, X-Content-Type-Options %q, want nosniff", strings.ReplaceAll(path, tok, "[token]"), status, got)
		}
	}
	req, err := http.NewRequest(http.MethodPost, f.srv.URL()+"/api/engines/default/containers/abc/start?token="+tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("POST action: status %d, X-Content-Type-Options %q; want 204, nosniff", resp.StatusCode, resp.Header.Get("X-Content-Type-Options"))
	}
}

// TestAttackStaticPaths: the UI's directories are not listed, and a path
// that is not valid UTF-8 (an overlong encoding of "/", a lone continuation
// byte) or is very long answers 4xx, never 500.
func TestAttackStaticPaths(t *testing.T) {
	f := startAttackServer(t, Config{UI: testUI})
	tests := []struct {
		path string
		want int
	}{
		{"/", http.StatusOK},
		{"/assets/index-abc.js", http.StatusOK},
		{"/assets/", http.StatusNotFound},
		{"/assets", http.StatusNotFound},
		{"/%C0%AF", http.StatusBadRequest},
		{"/assets/%C0%AFindex-abc.js", http.StatusBadRequest},
		{"/%80", http.StatusBadRequest},
		{"/%ED%A0%80", http.StatusBadRequest}, // a UTF-16 surrogate
		{"/api/%C0%AF?token=" + f.srv.Token(), http.StatusBadRequest},
		{"/" + strings.Repeat("a", 8000), http.StatusNotFound},
	}
	for _, tt := range tests {
		status, _, body := answerTo(t, f, tt.path)
		if status != tt.want {
			t.Errorf("GET %.60s: status %d, want %d", strings.ReplaceAll(tt.path, f.srv.Token(), "[token]"), status, tt.want)
		}
		if strings.Contains(body, "index-abc.css") {
			t.Errorf("GET %.60s lists the assets: %.200s", tt.path, body)
		}
	}
}
