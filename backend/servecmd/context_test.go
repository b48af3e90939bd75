package servecmd

import (
	"bufio"
	"context"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
)

// TestServeWithContext: with no DOCKER_HOST, `serve --context NAME` watches
// the engine of a real context, named as `docker context ls` names it, and
// says its endpoint.
func TestServeWithContext(t *testing.T) {
	e := enginetest.Require(t)
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("private-engine", "host="+e.Host, "--description", "the test engine")
	cfg.Setenv(t)
	ctx := t.Context()
	lines, stderr := startServe(t, "--context", "private-engine")
	u := printedURL(t, lines)
	token := tradeCode(t, u)
	go func() { _, _ = io.Copy(io.Discard, lines) }()
	dctx, dcancel := context.WithTimeout(ctx, 20*time.Second)
	defer dcancel()
	c, _, err := protocoltest.Dial(dctx, "ws://"+u.Host+"/ws", token, &protocoltest.Options{Queue: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for c.Engine("private-engine").Status != model.EngineUp {
		if time.Now().After(deadline) {
			t.Fatalf("engine private-engine never up; engines %+v; stderr:\n%s", c.Engine("private-engine"), stderr.String())
		}
		rctx, rcancel := context.WithTimeout(ctx, time.Second)
		_, _ = c.Next(rctx)
		rcancel()
	}
	if got := c.Engine("private-engine").Host; got != e.Host {
		t.Errorf("engine info says endpoint %q, want %q", got, e.Host)
	}
	if !strings.Contains(stderr.String(), e.Host) {
		t.Errorf("the log does not say the endpoint %s:\n%s", e.Host, stderr.String())
	}
}

// startServe runs serve with args until the test ends, when it must exit
// 0 within 15 s; it returns serve's stdout and stderr.
func startServe(t *testing.T, args ...string) (*bufio.Reader, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, outW := io.Pipe()
	stderr := &syncBuffer{}
	exited := make(chan int, 1)
	go func() { exited <- testCommand.Run(ctx, args, outW, stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-exited:
			if code != 0 {
				t.Errorf("serve exited %d; stderr:\n%s", code, stderr.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return bufio.NewReader(out), stderr
}

// TestServeRefusesUnknownAndDuplicateContexts: a wrong name lists the known
// ones; a context named twice, or --context beside --all-contexts, is
// refused in words, not half-used.
func TestServeRefusesUnknownAndDuplicateContexts(t *testing.T) {
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("alpha", "host=unix:///run/alpha.sock")
	cfg.Setenv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--context", "nope"}, `docker context "nope" not found; known contexts: alpha, default`},
		{[]string{"--context", "alpha", "--context", "nope"}, `docker context "nope" not found; known contexts: alpha, default`},
		{[]string{"--context", "alpha", "--context", "default", "--context", "alpha"}, "--context alpha is given twice"},
		{[]string{"--context", "alpha", "--all-contexts"}, "--context alpha with --all-contexts"},
		{[]string{"--context", ""}, "empty context name"},
	} {
		var stdout, stderr syncBuffer
		if code := testCommand.Run(context.Background(), tc.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// TestEngineFlags: the engines the flags choose, in order, named as
// `docker context ls` names them.
func TestEngineFlags(t *testing.T) {
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("alpha", "host=unix:///run/alpha.sock")
	cfg.CreateContext("beta", "host=unix:///run/beta.sock")
	cfg.Setenv(t)
	t.Setenv("DOCKER_HOST", "unix:///run/default.sock")
	for _, tc := range []struct {
		args []string
		want []string // name=host
	}{
		{nil, []string{"default=unix:///run/default.sock"}},
		{[]string{"--context", "beta", "--context", "alpha"}, []string{"beta=unix:///run/beta.sock", "alpha=unix:///run/alpha.sock"}},
		{[]string{"--context", "alpha", "--context", "default"}, []string{"alpha=unix:///run/alpha.sock", "default=unix:///run/default.sock"}},
		{[]string{"--all-contexts"}, []string{"default=unix:///run/default.sock", "alpha=unix:///run/alpha.sock", "beta=unix:///run/beta.sock"}},
	} {
		fset := flag.NewFlagSet("test", flag.ContinueOnError)
		f := DefineEngineFlags(fset)
		if err := fset.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		eps, err := f.Resolve()
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var got []string
		for _, ep := range eps {
			got = append(got, ep.Name+"="+ep.Host)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: engines %v, want %v", tc.args, got, tc.want)
		}
	}
}
