package integration

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/nettest"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
)

// settleWithin is how soon after the engine answers again the backend's
// picture must equal `docker ps -a` (the promise). The watcher's
// retry cap in these tests is 500 ms, so most of it is for a noisy machine.
const settleWithin = 2 * time.Second

// TestEngineKilledTenTimesUnderChurn SIGKILLs the engine ten times while
// containers are created, started, stopped and removed. After each restart
// the store and a connected client equal `docker ps -a` within settleWithin,
// the client saw the engine down and up again, nothing logged an error, the
// stats streams match the running containers, and once the backend stops no
// goroutine of it is left.
func TestEngineKilledTenTimesUnderChurn(t *testing.T) {
	e := enginetest.Require(t)
	e.RequireRestartable(t)
	e.RemoveTestContainers(t)
	leaks := goleak.IgnoreCurrent()
	svc := runService(t, e.Host, service.Config{})
	c := connect(t, svc.Service)
	eventually(t, 10*time.Second, "engine up", func() bool { return c.engineStatus() == model.EngineUp })

	ch := newChurn(t, e.Host, "dp-churn-", 6)
	verify := ch.cli // closed before the goroutines are counted
	ctx, cancel := context.WithCancel(context.Background())
	churnDone := make(chan struct{})
	go func() { defer close(churnDone); ch.run(ctx) }()
	defer func() { cancel(); <-churnDone }()

	const rounds = 10
	var worst time.Duration
	for round := 1; round <= rounds; round++ {
		// Let the churn do a few operations against the live engine first.
		ops, _ := ch.counts()
		eventually(t, 30*time.Second, "churn progresses", func() bool { n, _ := ch.counts(); return n >= ops+3 })

		e.Kill(t)
		down := nextEngineStatus(t, c, model.EngineDown)
		if down.Reason == "" {
			t.Fatalf("round %d: engine down without a reason", round)
		}
		e.Start(t)
		answered := time.Now()
		ch.Lock() // the churn stops between two operations
		nextEngineStatus(t, c, model.EngineUp)
		settle(t, verify, svc.Service, c, settleWithin)
		took := time.Since(answered)
		if took > settleWithin {
			t.Errorf("round %d: equal to docker ps -a only %v after the engine answered, want within %v", round, took, settleWithin)
		}
		worst = max(worst, took)
		running := 0
		for _, ctr := range svc.Store.Containers() {
			if ctr.Running() {
				running++
			}
		}
		eventually(t, 5*time.Second, "one stats stream per running container", func() bool { return engineOf(t, svc.Service).Collector.Streams() == running })
		t.Logf("round %d: down (%s), up, equal to docker ps -a %v after it answered; %d containers, %d running", round, down.Reason, took, len(svc.Store.Containers()), running)
		ch.Unlock()
	}
	cancel()
	<-churnDone
	ops, errs := ch.counts()
	t.Logf("churn: %d operations, %d failed while the engine was down; slowest settle %v", ops, errs, worst)
	if err := c.Err(); err != nil {
		t.Fatalf("client saw a protocol error: %v", err)
	}
	if errs := svc.errorLogs(); len(errs) > 0 {
		t.Fatalf("the backend logged errors: %v", errs)
	}
	if n := svc.logs.FilterMessage("engine connection lost").Len(); n != rounds {
		t.Errorf("engine connection lost logged %d times, want %d", n, rounds)
	}

	c.Close()
	if err := svc.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := ch.cli.Close(); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t, leaks,
		// enginetest reaps the dockerd it started, for as long as it runs.
		goleak.IgnoreAnyFunction("github.com/dockpulse/dockpulse/backend/enginetest.(*Engine).start.func1"),
	)
	e.RemoveTestContainers(t)
}

// TestEngineUnreachableFromStart starts the backend with DOCKER_HOST at a
// socket that is missing, stale (nobody listens: connection refused) or
// served by something that hangs up at once. The backend starts anyway and
// serves clients, reports the engine down with a reason that names the
// problem, keeps retrying, and comes up by itself when an engine appears at
// that path.
func TestEngineUnreachableFromStart(t *testing.T) {
	e := enginetest.Require(t)
	engineSocket := strings.TrimPrefix(e.Host, "unix://")
	tests := []struct {
		name       string
		prepare    func(t *testing.T, path string) (cleanup func())
		wantReason string
	}{
		{"missing socket", func(t *testing.T, path string) func() { return func() {} }, "Cannot connect to the Docker daemon"},
		{"stale socket, connection refused", func(t *testing.T, path string) func() {
			ln, err := net.Listen("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			ln.(*net.UnixListener).SetUnlinkOnClose(false)
			ln.Close() // the file stays, nobody listens
			return func() { os.Remove(path) }
		}, "Cannot connect to the Docker daemon"},
		{"socket that hangs up", func(t *testing.T, path string) func() {
			ln, err := net.Listen("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					conn.Close()
				}
			}()
			return func() { ln.Close(); <-done }
		}, "error during connect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, err := os.MkdirTemp("", "dpu")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			path := filepath.Join(dir, "docker.sock")
			undo := tt.prepare(t, path)
			svc := runService(t, "unix://"+path, service.Config{})
			c := connect(t, svc.Service)
			info := waitEngine(t, c, model.EngineDown)
			if !strings.Contains(info.Reason, tt.wantReason) {
				t.Fatalf("reason %q, want it to mention %q", info.Reason, tt.wantReason)
			}
			t.Logf("engine down: %s", info.Reason)
			// Retrying: a while later it is still down, not given up.
			time.Sleep(3 * 500 * time.Millisecond)
			if got := c.engineStatus(); got != model.EngineDown {
				t.Fatalf("status %s while nothing answers", got)
			}

			// The engine appears at that path.
			undo()
			os.Remove(path)
			p, err := nettest.NewProxy("unix", path, "unix", engineSocket)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { p.Close() })
			waitEngine(t, c, model.EngineUp)
			settle(t, e.Client(t), svc.Service, c, 5*time.Second)
			if err := c.Err(); err != nil {
				t.Fatalf("client: %v", err)
			}
		})
	}
}

// waitEngine waits for the client's engine status, whether it arrived as
// part of the snapshot or as a later delta.
func waitEngine(t *testing.T, c *liveClient, status string) model.EngineInfo {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		info := c.Engine(service.EngineName)
		if info.Status == status {
			return info
		}
		if time.Now().After(deadline) {
			t.Fatalf("engine status %q (%s), want %q", info.Status, info.Reason, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// helperEnv makes the test binary, re-run by TestEngineSocketWithoutPermission,
// act as a backend process instead of running tests.
const helperEnv = "DOCKPULSE_TEST_HELPER_BACKEND"

// TestHelperBackend is not a test: run as a child process, it runs the
// backend on $DOCKER_HOST, prints its endpoint and runs until stdin closes.
func TestHelperBackend(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for TestEngineSocketWithoutPermission")
	}
	svc := runService(t, os.Getenv("DOCKER_HOST"), service.Config{})
	ep, err := svc.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("ENDPOINT %s %s\n", ep.URL, ep.Token)
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// TestEngineSocketWithoutPermission runs the backend as an unprivileged
// user (root bypasses file permissions) against an engine socket it may not
// open: the engine is reported down with "permission denied"; once the
// socket's mode lets it in, the backend comes up by itself.
func TestEngineSocketWithoutPermission(t *testing.T) {
	if os.Getenv(helperEnv) == "1" {
		t.Skip("inside the helper")
	}
	e := enginetest.Require(t)
	setpriv, err := exec.LookPath("setpriv")
	if err != nil || os.Geteuid() != 0 {
		msg := "needs root and setpriv (util-linux) to run the backend as another user"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so this fails instead of skipping)")
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "dpp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A root-owned socket with mode 0600, as /var/run/docker.sock is to a
	// user outside the docker group, reaching the real engine.
	path := filepath.Join(dir, "docker.sock")
	p, err := nettest.NewProxy("unix", path, "unix", strings.TrimPrefix(e.Host, "unix://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	// The test binary lives in a root-only build directory: copy it.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "backend.test")
	if err := copyFile(self, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--",
		bin, "-test.run=^TestHelperBackend$", "-test.v")
	cmd.Env = []string{helperEnv + "=1", "DOCKER_HOST=unix://" + path, "HOME=" + dir, "PATH=/usr/bin:/bin"}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		stdin.Close()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("helper backend: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Errorf("helper backend did not stop\n%s", stderr.String())
		}
	})
	endpoint := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "ENDPOINT" {
				endpoint <- f[1:]
			}
		}
		exited <- cmd.Wait()
	}()
	var ep []string
	select {
	case ep = <-endpoint:
	case err := <-exited:
		t.Fatalf("helper backend exited: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("helper backend printed no endpoint\n%s", stderr.String())
	}
	c, err := connectTo(t, ep[0], ep[1])
	if err != nil {
		t.Fatal(err)
	}
	info := waitEngine(t, c, model.EngineDown)
	if !strings.Contains(info.Reason, "permission denied") {
		t.Fatalf("reason %q, want it to say permission denied", info.Reason)
	}
	t.Logf("engine down: %s", info.Reason)
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	waitEngine(t, c, model.EngineUp)
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestClientCutOff connects clients through a TCP proxy and breaks the
// path three ways. A client that closes cleanly, and a connection reset
// under both ends, are freed at once; a path that silently stops forwarding
// is freed by the server within its heartbeat timeout (a ping unanswered for
// one interval), and the client notices by its own watchdog (no message for
// three heartbeat intervals). Each client then reconnects and resyncs.
func TestClientCutOff(t *testing.T) {
	e := enginetest.Require(t)
	const heartbeat = 250 * time.Millisecond
	svc := runService(t, e.Host, service.Config{Server: server.Config{Heartbeat: heartbeat, WriteTimeout: time.Second}})
	verify := e.Client(t)
	eventually(t, 10*time.Second, "engine up", func() bool {
		engines := svc.Store.Engines()
		return len(engines) == 1 && engines[0].Status == model.EngineUp
	})
	e.RunContainer(t, "dp-cut") // a running container: stats flow all the time

	tests := []struct {
		name string
		cut  func(c *websocket.Conn, p *nettest.Proxy)
		// serverWithin bounds how long the server may hold the connection.
		serverWithin time.Duration
	}{
		{"client closes cleanly", func(c *websocket.Conn, p *nettest.Proxy) {
			_ = c.Close(websocket.StatusNormalClosure, "bye")
		}, time.Second},
		{"connection reset", func(c *websocket.Conn, p *nettest.Proxy) { p.CutAll(true) }, time.Second},
		{"path goes silent", func(c *websocket.Conn, p *nettest.Proxy) { p.Pause() }, 2 * heartbeat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := nettest.NewProxy("tcp", "127.0.0.1:0", "tcp", svc.Server.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			conn, _, err := websocket.Dial(ctx, "ws://"+p.Addr()+"/ws?token="+svc.Server.Token(), nil)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			defer conn.CloseNow()
			conn.SetReadLimit(64 << 20)
			// The client's watchdog, as the UI's: any message resets it.
			watchdog := 3 * heartbeat
			readErr := make(chan error, 1)
			go func() {
				for {
					ctx, cancel := context.WithTimeout(context.Background(), watchdog)
					_, _, err := conn.Read(ctx)
					cancel()
					if err != nil {
						readErr <- err
						return
					}
				}
			}()
			eventually(t, 5*time.Second, "connected", func() bool { return svc.Server.Connections() == 1 })
			// Some traffic first, so the cut lands on a live stream.
			time.Sleep(2 * heartbeat)

			cutAt := time.Now()
			tt.cut(conn, p)
			eventually(t, 10*time.Second, "server frees the connection", func() bool { return svc.Server.Connections() == 0 })
			freed := time.Since(cutAt)
			select {
			case err := <-readErr:
				t.Logf("server freed the connection %v after the cut (bound %v); the client noticed: %v", freed, tt.serverWithin, err)
			case <-time.After(10 * time.Second):
				t.Fatal("the client never noticed")
			}
			// Timing is not the assertion on a noisy machine, but far beyond
			// the bound means the mechanism did not work.
			if freed > tt.serverWithin+2*time.Second {
				t.Errorf("freed after %v, bound %v", freed, tt.serverWithin)
			}
			p.Resume()
			c, err := connectTo(t, svc.Server.WebSocketURL(), svc.Server.Token())
			if err != nil {
				t.Fatalf("reconnect: %v", err)
			}
			settle(t, verify, svc.Service, c, 5*time.Second)
			c.Close()
		})
	}
}

// TestBackendRestartedUnderClient stops the backend under a connected
// client and starts a new one, as the desktop app does when it restarts.
// The client is told the server is going away (1001), its old token is
// refused by the new backend (a fresh one per launch), and a client that
// fetches the endpoint again, as the UI does before every attempt,
// reconnects and resyncs to the engine's picture, including a change made
// while no backend ran.
func TestBackendRestartedUnderClient(t *testing.T) {
	e := enginetest.Require(t)
	verify := e.Client(t)
	first := runService(t, e.Host, service.Config{})
	c := connect(t, first.Service)
	waitEngine(t, c, model.EngineUp)
	e.CreateContainer(t, "dp-restart-before")
	eventually(t, 10*time.Second, "container seen", func() bool { return len(c.picture()) > 0 })
	oldEP, err := first.Endpoint()
	if err != nil {
		t.Fatal(err)
	}

	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for ended := false; !ended; {
		select {
		case _, ok := <-c.Envelopes():
			ended = !ok
		case <-deadline:
			t.Fatal("the client was not disconnected")
		}
	}
	if code := websocket.CloseStatus(c.Err()); code != websocket.StatusGoingAway {
		t.Fatalf("client ended with %v, want going away (1001)", c.Err())
	}
	e.CreateContainer(t, "dp-restart-while-down")

	second := runService(t, e.Host, service.Config{Server: server.Config{Addr: hostPort(oldEP.URL)}})
	if _, err := connectTo(t, second.Server.WebSocketURL(), oldEP.Token); err == nil {
		t.Fatal("the new backend accepted the old launch's token")
	}
	// Reconnect as the UI does: fetch the endpoint, dial, with backoff.
	var c2 *liveClient
	eventually(t, 10*time.Second, "reconnect", func() bool {
		ep, err := second.Endpoint()
		if err != nil {
			return false
		}
		c2, err = connectTo(t, ep.URL, ep.Token)
		return err == nil
	})
	waitEngine(t, c2, model.EngineUp)
	settle(t, verify, second.Service, c2, 5*time.Second)
}

// hostPort extracts 127.0.0.1:PORT from ws://127.0.0.1:PORT/ws.
func hostPort(wsURL string) string {
	s := strings.TrimPrefix(wsURL, "ws://")
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	return s
}
