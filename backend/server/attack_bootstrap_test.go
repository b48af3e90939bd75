package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// send makes one request to the server and returns its status, headers and body.
func send(t *testing.T, f *attackFixture, method, path, body string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// trade posts a code to /api/session.
func trade(t *testing.T, f *attackFixture, code string, header http.Header) (int, http.Header, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"code": code})
	return send(t, f, http.MethodPost, "/api/session", string(body), header)
}

func newNonce(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestAttackServiceWorkerScript: whatever path an earlier holder of the
// port registered as a worker, the browser's update check for it gets a
// worker that removes itself, and the answer clears the origin's cache and
// storage.
func TestAttackServiceWorkerScript(t *testing.T) {
	for _, ui := range []bool{true, false} {
		cfg := Config{}
		if ui {
			cfg.UI = testUI
		}
		f := startAttackServer(t, cfg)
		for _, path := range []string{"/sw.js", "/", "/index.html", "/assets/index-abc.js", "/api/snapshot", "/ws"} {
			status, h, body := send(t, f, http.MethodGet, path, "", http.Header{"Service-Worker": {"script"}})
			if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") {
				t.Errorf("UI %v, worker script %s: status %d, Content-Type %q; want 200, JavaScript", ui, path, status, h.Get("Content-Type"))
			}
			if got := h.Get("Clear-Site-Data"); got != `"cache", "storage"` {
				t.Errorf("UI %v, worker script %s: Clear-Site-Data %q", ui, path, got)
			}
			for _, want := range []string{"skipWaiting()", "clients.claim()", "registration.unregister()", "navigate("} {
				if !strings.Contains(body, want) {
					t.Errorf("UI %v, worker script %s: no %s in %q", ui, path, want, body)
				}
			}
			if strings.Contains(body, "addEventListener('fetch'") || strings.Contains(body, f.srv.Token()) {
				t.Errorf("UI %v, worker script %s handles fetches or holds the token: %q", ui, path, body)
			}
		}
	}
}

// TestAttackUIPolicyAndNoStore: the UI carries a Content-Security-Policy
// that allows workers from its own origin only, and no answer, UI or API, successful or not, may
// be stored by a cache.
func TestAttackUIPolicyAndNoStore(t *testing.T) {
	f := startAttackServer(t, Config{UI: testUI, Actions: &countingActor{}})
	tok := f.srv.Token()
	for _, path := range []string{"/", "/index.html", "/?code=x", "/assets/index-abc.js"} {
		_, h, _ := send(t, f, http.MethodGet, path, "", nil)
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "connect-src 'self'", "worker-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %s", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: Content-Security-Policy %q allows something unsafe", path, csp)
		}
	}
	answers := []struct{ method, path string }{
		// (A missing file's 404 is the file server's own error, which drops
		// Cache-Control; it holds nothing.)
		{"GET", "/"}, {"GET", "/index.html"}, {"GET", "/assets/index-abc.js"},
		{"GET", "/api/snapshot?token=" + tok}, {"GET", "/api/snapshot"}, {"GET", "/api/nothing?token=" + tok},
		{"GET", "/api/challenge?nonce=" + newNonce(t)}, {"GET", "/api/challenge"},
		{"POST", "/api/engines/default/containers/abc/start?token=" + tok}, {"POST", "/api/session"},
	}
	for _, a := range answers {
		status, h, _ := send(t, f, a.method, a.path, "", nil)
		if got := h.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s: status %d, Cache-Control %q, want no-store", a.method, strings.ReplaceAll(a.path, tok, "[token]"), status, got)
		}
	}
}

// TestAttackSessionCode: the code in the printed address is traded for the
// token once; a second use, a wrong code, a malformed body or a foreign
// page is refused, and each trade makes the next code.
func TestAttackSessionCode(t *testing.T) {
	var mu sync.Mutex
	var next []string
	f := startAttackServer(t, Config{UI: testUI, OnNewCode: func(c string) { mu.Lock(); next = append(next, c); mu.Unlock() }})
	code := f.srv.Code()
	if len(code) < 43 || code == f.srv.Token() {
		t.Fatalf("code %q: want 256 bits, not the token", code)
	}
	// A foreign page cannot trade it, and does not spend it trying.
	if status, _, _ := trade(t, f, code, http.Header{"Origin": {"http://evil.example"}}); status != http.StatusForbidden {
		t.Errorf("trade from a foreign Origin: status %d, want 403", status)
	}
	status, h, body := trade(t, f, code, http.Header{"Origin": {f.srv.URL()}})
	var got struct{ Token string }
	if err := json.Unmarshal([]byte(body), &got); status != http.StatusOK || err != nil || got.Token != f.srv.Token() {
		t.Fatalf("first trade: status %d, body %q; want 200 and the token", status, strings.ReplaceAll(body, f.srv.Token(), "[token]"))
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("trade answer: Cache-Control %q, want no-store", h.Get("Cache-Control"))
	}
	status, _, body = trade(t, f, code, nil)
	if status != http.StatusGone || !strings.Contains(body, "already used") || strings.Contains(body, f.srv.Token()) {
		t.Errorf("second trade of the same code: status %d, body %q; want 410, already used", status, body)
	}
	mu.Lock()
	fresh := append([]string(nil), next...)
	mu.Unlock()
	if len(fresh) != 1 || fresh[0] != f.srv.Code() || fresh[0] == code {
		t.Fatalf("after one trade, OnNewCode got %q, Code() is %q; want one fresh code", fresh, f.srv.Code())
	}
	if status, _, _ := trade(t, f, fresh[0], nil); status != http.StatusOK {
		t.Errorf("trade of the next code: status %d, want 200", status)
	}
	for _, bad := range []string{
		``, `{}`, `{"code":""}`, `{"code":1}`, `{"code":"` + f.srv.Token() + `"}`, `{"code":"` + f.srv.Code() + `","x":1}`,
		`{"code":"` + f.srv.Code() + `"}{}`, `{"code":"` + strings.Repeat("a", 300) + `"}`, "code=" + f.srv.Code(),
	} {
		status, _, body := send(t, f, http.MethodPost, "/api/session", bad, nil)
		if status == http.StatusOK || strings.Contains(body, f.srv.Token()) {
			t.Errorf("POST /api/session %.60q: status %d, body %q; want a refusal", bad, status, body)
		}
	}
	if status, _, _ := trade(t, f, f.srv.Code(), nil); status != http.StatusOK {
		t.Errorf("the current code after the malformed attempts: status %d, want 200", status)
	}
	if len(f.logs.lines("refused request")) == 0 {
		t.Error("no refusal was logged")
	}
}

// TestAttackSessionRoutesOnlyInServeMode: the desktop server (no UI) hands
// out no token for a code and answers no challenge.
func TestAttackSessionRoutesOnlyInServeMode(t *testing.T) {
	f := startAttackServer(t, Config{})
	if status, _, body := trade(t, f, f.srv.Code(), nil); status == http.StatusOK || strings.Contains(body, f.srv.Token()) {
		t.Errorf("desktop trade: status %d, body %q", status, body)
	}
	if status, _, body := send(t, f, http.MethodGet, "/api/challenge?nonce="+newNonce(t), "", nil); status == http.StatusOK {
		t.Errorf("desktop challenge: status %d, body %q", status, body)
	}
}

// TestAttackChallenge: the challenge answers HMAC-SHA256(token, label +
// nonce), which never holds the token, for a well-formed nonce only.
func TestAttackChallenge(t *testing.T) {
	f := startAttackServer(t, Config{UI: testUI})
	seen := map[string]bool{}
	for range 3 {
		nonce := newNonce(t)
		status, h, body := send(t, f, http.MethodGet, "/api/challenge?nonce="+nonce, "", http.Header{"Origin": {f.srv.URL()}})
		var got struct{ MAC string }
		if err := json.Unmarshal([]byte(body), &got); status != http.StatusOK || err != nil {
			t.Fatalf("challenge: status %d, body %q", status, body)
		}
		m := hmac.New(sha256.New, []byte(f.srv.Token()))
		m.Write([]byte("dockpulse challenge v1\n" + nonce))
		if want := base64.RawURLEncoding.EncodeToString(m.Sum(nil)); got.MAC != want {
			t.Errorf("challenge MAC %q, want %q", got.MAC, want)
		}
		if strings.Contains(body, f.srv.Token()) || h.Get("Cache-Control") != "no-store" || seen[got.MAC] {
			t.Errorf("challenge answer %q holds the token, may be stored (%q) or repeats", body, h.Get("Cache-Control"))
		}
		seen[got.MAC] = true
	}
	good := newNonce(t)
	// The last of 43 characters holds 2 bits and 4 zero bits: the next
	// character of the alphabet decodes to the same bytes, non-canonically.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	nonCanonical := good[:42] + string(alphabet[strings.IndexByte(alphabet, good[42])+1])
	for name, query := range map[string]string{
		"no nonce":               "",
		"empty nonce":            "nonce=",
		"short nonce":            "nonce=" + good[1:],
		"long nonce":             "nonce=" + good + "A",
		"padded nonce":           "nonce=" + good + "%3D",
		"standard base64":        "nonce=" + "%2B" + good[1:],
		"non-canonical":          "nonce=" + nonCanonical,
		"two nonces":             "nonce=" + good + "&nonce=" + good,
		"nonce and token":        "nonce=" + good + "&token=" + f.srv.Token(),
		"the token as the nonce": "nonce=" + url.QueryEscape(f.srv.Token()+"x"),
	} {
		status, _, body := send(t, f, http.MethodGet, "/api/challenge?"+query, "", nil)
		if status != http.StatusBadRequest || strings.Contains(body, "mac") {
			t.Errorf("%s: status %d, body %q; want 400", name, status, body)
		}
	}
	if status, _, _ := send(t, f, http.MethodGet, "/api/challenge?nonce="+good, "", http.Header{"Origin": {"http://evil.example"}}); status != http.StatusForbidden {
		t.Errorf("challenge from a foreign Origin: status %d, want 403", status)
	}
}

// TestAttackChallengeFloodIsLimited: the routes without a token share a
// rate limit; a flood is answered 429 and costs a bounded number of log
// lines.
func TestAttackChallengeFloodIsLimited(t *testing.T) {
	f := startAttackServer(t, Config{UI: testUI})
	limited := 0
	for range 200 {
		status, h, _ := send(t, f, http.MethodGet, "/api/challenge?nonce="+newNonce(t), "", nil)
		if status == http.StatusTooManyRequests && h.Get("Retry-After") != "" {
			limited++
		}
	}
	if limited < 150 {
		t.Errorf("%d of 200 challenges at once were limited; want all but about the burst", limited)
	}
	if n := len(f.logs.lines("refused")); n > refusalBurst {
		t.Errorf("%d refusal lines within the window, want at most %d", n, refusalBurst)
	}
}

// TestAttackCrossSitePagesCannotSpendTheLimit: a web page elsewhere can send
// no-cors GETs to the challenge without an Origin; they are refused before
// the shared rate limit, so the real page still gets its answer.
func TestAttackCrossSitePagesCannotSpendTheLimit(t *testing.T) {
	f := startAttackServer(t, Config{UI: testUI})
	for _, site := range []string{"cross-site", "same-site"} {
		for range 100 {
			if status, _, _ := send(t, f, http.MethodGet, "/api/challenge?nonce="+newNonce(t), "", http.Header{"Sec-Fetch-Site": {site}}); status != http.StatusForbidden {
				t.Fatalf("a %s challenge: status %d, want 403", site, status)
			}
		}
	}
	for _, site := range []string{"same-origin", ""} {
		h := http.Header{}
		if site != "" {
			h.Set("Sec-Fetch-Site", site)
		}
		if status, _, body := send(t, f, http.MethodGet, "/api/challenge?nonce="+newNonce(t), "", h); status != http.StatusOK {
			t.Errorf("after the flood, a challenge with Sec-Fetch-Site %q: status %d (%s), want 200", site, status, body)
		}
	}
}

// TestChallengeMACVector: the page checks the same vector
// (frontend/src/live/challenge.test.ts), so both sides compute one MAC.
func TestChallengeMACVector(t *testing.T) {
	if got := ChallengeMAC("s3cret-token", strings.Repeat("A", 43)); got != "F8yg8fQCNGx4opKhenQ-xT2L3zrI6vRgGLh11qyqM44" {
		t.Fatalf("ChallengeMAC = %q", got)
	}
}
