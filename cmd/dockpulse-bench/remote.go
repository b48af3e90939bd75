package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// contexts is a private docker CLI configuration (DOCKER_CONFIG) whose
// contexts name the engines a section reaches, made with the real docker
// command; close deletes it.
type contexts struct {
	root string
	cfg  *enginetest.CLIConfig
}

func newContexts() (*contexts, error) {
	root, err := os.MkdirTemp("", "dpc.")
	if err != nil {
		return nil, err
	}
	cfg, err := enginetest.MakeCLIConfig(root)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(root))
	}
	return &contexts{root: root, cfg: cfg}, nil
}

func (c *contexts) close() error { return os.RemoveAll(c.root) }

// add runs `docker context create NAME --docker DOCKER`.
func (c *contexts) add(name, docker string) error {
	return c.cfg.AddContext(name, docker, "--description", "dockpulse benchmark")
}

// env is this process's environment with the configuration in place of
// whatever names an engine: `dockpulse serve --context NAME` finds the
// engine only through the context.
func (c *contexts) env() []string {
	own := c.cfg.Env()
	drop := []string{engines.EnvHost, engines.EnvContext, engines.EnvTLSVerify, engines.EnvTLS, engines.EnvCertPath}
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, mine := own[k]; mine || slices.Contains(drop, k) {
			continue
		}
		out = append(out, kv)
	}
	for k, v := range own {
		out = append(out, k+"="+v)
	}
	return out
}

// client is a docker client for the context, over its own transport, made
// as Dockpulse makes its own (engines.Resolve, Endpoint.ClientOpts).
func (c *contexts) client(name string) (*client.Client, error) {
	env := c.cfg.Env()
	ep, err := engines.Resolve(engines.Options{Context: name, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		return nil, err
	}
	opts, err := ep.ClientOpts()
	if err != nil {
		return nil, err
	}
	cli, err := client.NewClientWithOpts(append(opts, client.WithAPIVersionNegotiation())...)
	if err != nil {
		return nil, fmt.Errorf("docker client for %s: %w", ep, err)
	}
	return cli, nil
}

// serve starts `dockpulse serve --context NAME…` with only these contexts
// and waits until every engine named is up.
func (b *bench) serveContexts(ctx context.Context, c *contexts, names []string, args ...string) (*backend, error) {
	for _, n := range names {
		args = append(args, "--context", n)
	}
	be, err := startBackendEnv(ctx, b.bin, c.env(), b.log, args...)
	if err != nil {
		return nil, err
	}
	if err := waitEnginesUp(ctx, be, names, 60*time.Second); err != nil {
		be.stop()
		return nil, err
	}
	return be, nil
}

// remoteResult is one transport's latencies, in nanoseconds.
type remoteResult struct {
	events                 int
	direct, ws, overhead   []float64
	transport, description string
}

// remoteRun measures event latency on engine e through the context name:
// WebSocket clients of `dockpulse serve --context NAME` against a direct
// /events subscriber over the same transport.
func (b *bench) remoteRun(ctx context.Context, e *engine, c *contexts, name string) (remoteResult, error) {
	sz := b.sz
	if _, _, err := e.ensureContainers(ctx, 4, 4); err != nil {
		return remoteResult{}, err
	}
	ids := e.runningIDs(4)
	cli, err := c.client(name)
	if err != nil {
		return remoteResult{}, err
	}
	defer cli.Close()
	if _, err := cli.Ping(ctx); err != nil {
		return remoteResult{}, fmt.Errorf("context %s: %w", name, err)
	}
	be, err := b.serveContexts(ctx, c, []string{name})
	if err != nil {
		return remoteResult{}, err
	}
	defer be.stop()
	clients, err := dialMany(ctx, be, sz.latencyClients)
	if err != nil {
		return remoteResult{}, err
	}
	defer closeAll(clients)
	d := subscribeClient(ctx, cli)
	defer d.cancel()
	time.Sleep(500 * time.Millisecond)
	dir, ok, err := steadyChanges(ctx, e, ids, d, clients, sz.latencyChanges)
	if err != nil {
		return remoteResult{}, err
	}
	if !ok || len(dir) < sz.latencyChanges {
		b.failf("latency over %s: the direct subscriber saw %d of %d events, or a client missed some", name, len(dir), sz.latencyChanges)
	}
	r := remoteResult{events: len(dir)}
	r.direct, r.ws, r.overhead = latencies(dir, clients)
	return r, nil
}

// remoteLatency is section 8: event latency over ssh:// (an sshd on
// 127.0.0.1 with generated keys, to the benchmark's engine) and over
// tcp:// with TLS (a private engine with generated certificates), each
// engine named by a context in a private DOCKER_CONFIG.
func (b *bench) remoteLatency(ctx context.Context) error {
	socket, ok := strings.CutPrefix(b.eng.host, "unix://")
	if !ok {
		return fmt.Errorf("ssh needs the engine's unix socket, not %s", b.eng.host)
	}
	c, err := newContexts()
	if err != nil {
		return err
	}
	defer c.close()

	sshDir := filepath.Join(c.root, "ssh")
	if err := os.MkdirAll(sshDir, 0o700); err != nil {
		return err
	}
	sshd, err := enginetest.StartSSHD(ctx, sshDir)
	if err != nil {
		return err
	}
	defer sshd.Close()
	// Both Dockpulse and the direct subscriber (cli/connhelper) run `ssh`
	// from PATH.
	path := os.Getenv("PATH")
	os.Setenv("PATH", sshd.BinDir+string(os.PathListSeparator)+path)
	defer os.Setenv("PATH", path)
	if err := c.add("bench-ssh", "host="+sshd.Host(socket)); err != nil {
		return err
	}
	b.progress("latency over ssh")
	overSSH, err := b.remoteRun(ctx, b.eng, c, "bench-ssh")
	if err != nil {
		return fmt.Errorf("ssh: %w", err)
	}
	overSSH.transport, overSSH.description = "ssh", "ssh:// to an sshd on 127.0.0.1 (`docker system dial-stdio`), one ssh process per connection"

	b.progress("starting the TLS engine")
	tlsDir, err := os.MkdirTemp("", "dpt.")
	if err != nil {
		return err
	}
	te, err := enginetest.StartTLSEngine(ctx, tlsDir)
	if err != nil {
		if te != nil {
			err = errors.Join(err, te.Close())
		}
		return err
	}
	teng, err := adoptEngine(ctx, te.Engine)
	if err != nil {
		return errors.Join(err, te.Close())
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := teng.close(cctx); err != nil {
			fmt.Fprintln(os.Stderr, "dockpulse-bench: TLS engine:", err)
		}
	}()
	if err := c.add("bench-tls", fmt.Sprintf("host=%s,ca=%s,cert=%s,key=%s", te.TCPHost, te.TLS.CA, te.TLS.Cert, te.TLS.Key)); err != nil {
		return err
	}
	b.progress("latency over TLS")
	overTLS, err := b.remoteRun(ctx, teng, c, "bench-tls")
	if err != nil {
		return fmt.Errorf("TLS: %w", err)
	}
	overTLS.transport, overTLS.description = "TLS", "tcp://127.0.0.1:PORT with TLS, client certificate verified"

	t := b.table
	t.section(fmt.Sprintf("8. Event latency over ssh and over TLS: %d and %d state changes (pause/unpause, 20-60 ms apart), %d WebSocket clients of `dockpulse serve --context NAME`, against a direct /events subscriber over the same transport; receive time − engine timeNano", overSSH.events, overTLS.events, b.sz.latencyClients))
	for _, r := range []remoteResult{overSSH, overTLS} {
		q3 := func(xs []float64) string {
			return ms(quantile(xs, .5)) + " / " + ms(quantile(xs, .95)) + " / " + ms(quantile(xs, 1))
		}
		rat := ratio(quantile(r.ws, .5), quantile(r.direct, .5)) + " / " + ratio(quantile(r.ws, .95), quantile(r.direct, .95)) + " / " + ratio(quantile(r.ws, 1), quantile(r.direct, 1))
		t.add(fmt.Sprintf("over %s (%s): latency median / p95 / max, WebSocket vs direct /events", r.transport, r.description), q3(r.ws), q3(r.direct), rat, "")
		t.add(fmt.Sprintf("over %s: overhead over the direct subscriber, per event and client: median / p95 / max", r.transport), q3(r.overhead), "", "", "")
	}
	return nil
}
