package servecmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/frontend"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// testCommand is the serve command as `dockpulse serve` runs it.
var testCommand = Command{Name: "dockpulse serve", Version: "dev", UI: frontend.UI}

// syncBuffer collects stderr from the serve goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe runs `dockpulse serve` against the test engine and uses it as a
// user would: the printed URL serves the UI, and a plain WebSocket client
// with the printed token receives the snapshot and live deltas.
func TestServe(t *testing.T) {
	e := enginetest.Require(t)
	t.Setenv("DOCKER_HOST", e.Host)
	ctx := t.Context()
	lines, stderr := startServe(t, "--log-level", "debug")
	u := printedURL(t, lines)
	if u.Query().Has("token") {
		t.Fatalf("the printed address %s carries the token", u)
	}
	token := tradeCode(t, u)
	if len(token) < 22 {
		t.Fatalf("token %q is shorter than 128 bits", token)
	}
	if _, status, _ := protocoltest.TradeCode(ctx, u); status != http.StatusGone {
		t.Fatalf("the printed code traded twice: status %d, want 410", status)
	}
	if next := printedURL(t, lines); next.Query().Get("code") == u.Query().Get("code") || next.Host != u.Host || tradeCode(t, next) != token {
		t.Fatalf("after a trade serve printed %s: want a fresh code for the same server and token", next)
	}
	go func() { _, _ = io.Copy(io.Discard, lines) }() // the next addresses

	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<title>Dockpulse</title>") {
		t.Fatalf("GET /: status %d, body %.200s", resp.StatusCode, body)
	}

	dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
	defer dcancel()
	c, _, err := protocoltest.Dial(dctx, "ws://"+u.Host+"/ws", token, &protocoltest.Options{DialOptions: protocoltest.DialOptions{ReadLimit: 16 << 20}, Queue: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if hello := c.Hello(); hello.StatsMode != protocol.StatsVisible {
		t.Errorf("hello statsMode %q, want the default %q", hello.StatsMode, protocol.StatsVisible)
	}
	id := e.RunContainer(t, "dp-serve")
	for {
		rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
		env, err := c.Next(rctx, protocol.TypeContainerUpsert)
		rcancel()
		if err != nil {
			t.Fatal(err)
		}
		var ctr model.Container
		if err := json.Unmarshal(env.Data, &ctr); err != nil {
			t.Fatal(err)
		}
		if ctr.ID == id && ctr.State == model.StateRunning {
			break
		}
	}
	if strings.Contains(stderr.String(), token) {
		t.Fatal("the token appears in the log")
	}
}

func TestServeRefusesNonLoopbackWithoutAllowRemote(t *testing.T) {
	var stdout, stderr syncBuffer
	code := testCommand.Run(context.Background(), []string{"--addr", "0.0.0.0:0"}, &stdout, &stderr)
	if code != 2 || stdout.String() != "" || !strings.Contains(stderr.String(), "--allow-remote") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, a hint about --allow-remote", code, stdout.String(), stderr.String())
	}
}

func TestStatsFlagDefaults(t *testing.T) {
	for _, tc := range []struct {
		env  string
		flag func(*flag.FlagSet) *string
		want map[string]string // the default for each value of env
	}{
		{EnvStats, StatsFlag, map[string]string{"": "visible", "all": "all", "visible": "visible"}},
		{EnvStatsSource, StatsSourceFlag, map[string]string{"": "auto", "kernel": "kernel", "engine": "engine"}},
	} {
		for env, want := range tc.want {
			t.Setenv(tc.env, env)
			if got := *tc.flag(flag.NewFlagSet("x", flag.ContinueOnError)); got != want {
				t.Errorf("with %s=%q: default %q, want %q", tc.env, env, got, want)
			}
		}
	}
}

func TestServeRefusesUnknownStatsMode(t *testing.T) {
	var stdout, stderr syncBuffer
	code := testCommand.Run(context.Background(), []string{"--stats", "some"}, &stdout, &stderr)
	if code != 2 || stdout.String() != "" || !strings.Contains(stderr.String(), `stats mode "some": want "all" or "visible"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, the modes there are", code, stdout.String(), stderr.String())
	}
}

// TestServeTokenFileSurvivesRestart: with --token-file, a restarted server
// accepts the token the first one printed.
func TestServeTokenFileSurvivesRestart(t *testing.T) {
	e := enginetest.Require(t)
	t.Setenv("DOCKER_HOST", e.Host)
	tokenFile := filepath.Join(t.TempDir(), "token")
	first, firstToken := serveOnce(t, "--token-file", tokenFile)
	second, secondToken := serveOnce(t, "--token-file", tokenFile)
	if firstToken != secondToken {
		t.Fatal("the token changed across restarts")
	}
	if first.Query().Get("code") == second.Query().Get("code") {
		t.Fatalf("both launches printed the same code: %s", first)
	}
}

// printedURL reads the next address serve prints: http://127.0.0.1:PORT/?code=…
func printedURL(t *testing.T, r *bufio.Reader) *url.URL {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("printed line: %v", err)
	}
	u, err := url.Parse(strings.TrimSpace(line))
	if err != nil || u.Scheme != "http" || !strings.HasPrefix(u.Host, "127.0.0.1:") || u.Path != "/" || len(u.Query().Get("code")) < 43 {
		t.Fatalf("printed line %q is not http://127.0.0.1:PORT/?code=... with a 256-bit code", line)
	}
	return u
}

// tradeCode trades the code of a printed address for the token.
func tradeCode(t *testing.T, u *url.URL) string {
	t.Helper()
	token, _, err := protocoltest.TradeCode(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// serveOnce starts serve with args, returns its printed URL and the token
// its code trades for, and stops it.
func serveOnce(t *testing.T, args ...string) (*url.URL, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, outW := io.Pipe()
	var stderr syncBuffer
	exited := make(chan int, 1)
	go func() { exited <- testCommand.Run(ctx, args, outW, &stderr) }()
	lines := bufio.NewReader(out)
	u := printedURL(t, lines)
	go func() { _, _ = io.Copy(io.Discard, lines) }() // the next addresses
	token := tradeCode(t, u)
	cancel()
	if code := <-exited; code != 0 {
		t.Fatalf("serve %v exited %d; stderr:\n%s", args, code, stderr.String())
	}
	return u, token
}

func TestServeRefusesUnknownStatsSource(t *testing.T) {
	var stdout, stderr syncBuffer
	code := testCommand.Run(context.Background(), []string{"--stats-source", "cgroups"}, &stdout, &stderr)
	if code != 2 || stdout.String() != "" || !strings.Contains(stderr.String(), `stats source "cgroups": want "auto", "kernel" or "engine"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, the sources there are", code, stdout.String(), stderr.String())
	}
}

// TestServeLoopbackHosts: listening on every interface, as in a container,
// with --loopback-hosts the printed address names 127.0.0.1 (where the
// published port is) and its code trades there.
func TestServeLoopbackHosts(t *testing.T) {
	e := enginetest.Require(t)
	t.Setenv("DOCKER_HOST", e.Host)
	u, token := serveOnce(t, "--addr", "0.0.0.0:0", "--allow-remote", "--loopback-hosts")
	if token == "" {
		t.Fatalf("the code of %s traded for no token", u)
	}
}

// TestVersionFlag: --version prints the program's name and version, and
// exits 0 without starting anything.
func TestVersionFlag(t *testing.T) {
	for _, name := range []string{"dockpulse serve", "dockpulse-server"} {
		var stdout, stderr bytes.Buffer
		c := Command{Name: name, Version: "v1.2.3", UI: frontend.UI}
		if code := c.Run(context.Background(), []string{"--version"}, &stdout, &stderr); code != 0 {
			t.Fatalf("%s --version exited %d: %s", name, code, stderr.String())
		}
		if want := strings.Fields(name)[0] + " v1.2.3\n"; stdout.String() != want {
			t.Errorf("%s --version printed %q, want %q", name, stdout.String(), want)
		}
	}
}
