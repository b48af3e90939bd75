package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/store"
)

func TestPinLoopback(t *testing.T) {
	for addr, want := range map[string]string{
		"localhost:8080":  "127.0.0.1:8080",
		"LocalHost:0":     "127.0.0.1:0",
		"localhost":       "127.0.0.1:",
		"127.0.0.1:8080":  "127.0.0.1:8080",
		"[::1]:8080":      "[::1]:8080",
		"[localhost]:80":  "[localhost]:80",
		"0.0.0.0:8080":    "0.0.0.0:8080",
		"myhost:8080":     "myhost:8080",
		"localhost.x:808": "localhost.x:808",
	} {
		if got := pinLoopback(addr); got != want {
			t.Errorf("pinLoopback(%q) = %q, want %q", addr, got, want)
		}
	}
}

// envHostsChild marks the copy of this test run inside a mount namespace.
const envHostsChild = "DOCKPULSE_TEST_LOCALHOST_ELSEWHERE"

// TestListenLocalhostIsNotResolved: with `localhost` mapped to a
// non-loopback address (an /etc/hosts of its own, bind-mounted in a private
// mount namespace so nothing else on the machine sees it), a server told to
// listen on localhost:0 still listens on loopback. It runs as root, where
// unshare can make the namespace; elsewhere it is skipped (and fails in CI).
func TestListenLocalhostIsNotResolved(t *testing.T) {
	if os.Getenv(envHostsChild) != "" {
		h := hub.New()
		srv, err := New(Config{Addr: "localhost:0"}, store.New(h, store.Config{}, zap.NewNop()), h, zap.NewNop())
		if err == nil {
			err = srv.Start()
		}
		if err != nil {
			t.Fatalf("LISTEN-ERROR %v", err)
		}
		addrs, _ := net.LookupHost("localhost")
		t.Logf("localhost resolves to %v; LISTEN=%s", addrs, srv.Addr())
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		return
	}
	unshare, err := exec.LookPath("unshare")
	if os.Geteuid() != 0 || err != nil {
		enginetest.SkipOrFail(t, "needs root and unshare for a private /etc/hosts")
	}
	elsewhere := "192.0.2.1" // TEST-NET-1: not this machine's, so a listen there fails
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
				elsewhere = n.IP.String() // this machine's own: a listen there works, and is the danger
				break
			}
		}
	}
	hosts := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(hosts, []byte(elsewhere+" localhost\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", "sh", "-c",
		`mount --bind "$0" /etc/hosts && exec "$1" -test.run '^TestListenLocalhostIsNotResolved$' -test.v -test.count=1`,
		hosts, os.Args[0])
	cmd.Env = append(os.Environ(), envHostsChild+"=1")
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "mount:") || strings.Contains(string(out), "unshare:") {
		enginetest.SkipOrFail(t, fmt.Sprintf("no private mount namespace here: %s", out))
	}
	if !strings.Contains(string(out), "resolves to ["+elsewhere+"]") {
		t.Fatalf("the private /etc/hosts did not take (err %v):\n%s", err, out)
	}
	if err != nil || !strings.Contains(string(out), "LISTEN=127.0.0.1:") {
		t.Fatalf("with localhost mapped to %s, the server did not listen on 127.0.0.1 (err %v):\n%s", elsewhere, err, out)
	}
}
