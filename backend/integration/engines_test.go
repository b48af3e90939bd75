package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/nettest"
	"github.com/dockpulse/dockpulse/backend/service"
)

// waitEngineNamed waits for the status of the named engine.
func waitEngineNamed(t *testing.T, c *liveClient, name, status string) model.EngineInfo {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		info := c.Engine(name)
		if info.Status == status {
			return info
		}
		if time.Now().After(deadline) {
			t.Fatalf("engine %s status %q (%s), want %q", name, info.Status, info.Reason, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// resolveContext resolves a context of cfg as `docker --context NAME` would.
func resolveContext(t *testing.T, cfg *enginetest.CLIConfig, name string) engines.Endpoint {
	t.Helper()
	env := cfg.Env()
	ep, err := engines.Resolve(engines.Options{Context: name, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// keyMaterial is what of the PEM files must never reach a log line or an
// error: each line of their base64 bodies.
func keyMaterial(t *testing.T, paths ...string) []string {
	t.Helper()
	var out []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(line) > 16 && !bytes.HasPrefix(line, []byte("-----")) {
				out = append(out, string(line))
			}
		}
	}
	return out
}

// checkNoKeyMaterial fails if any log line of r or any engine reason the
// client saw holds key material or a PEM marker of a private key.
func checkNoKeyMaterial(t *testing.T, r *running, secrets []string, texts ...string) {
	t.Helper()
	for _, e := range r.logs.All() {
		texts = append(texts, fmt.Sprintf("%s %v", e.Message, e.ContextMap()))
	}
	for _, text := range texts {
		if strings.Contains(text, "PRIVATE KEY") {
			t.Errorf("a private key marker in %q", text)
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("TLS material in %q", text)
			}
		}
	}
}

// TestTLSEngine: an engine on tcp://127.0.0.1:PORT with TLS (certificates
// made by the test), named by a real context with its TLS material, works
// with the right CA, survives its connections being cut (reconnects,
// resyncs) and is refused with a wrong CA; no key material reaches a log
// line or an error.
func TestTLSEngine(t *testing.T) {
	te := enginetest.RequireTLSEngine(t)
	cli := te.Client(t)
	proxy, err := nettest.NewProxy("tcp", "127.0.0.1:0", "tcp", strings.TrimPrefix(te.TCPHost, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	wrong, err := enginetest.GenerateTLS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("tls-engine", fmt.Sprintf("host=tcp://%s,ca=%s,cert=%s,key=%s", proxy.Addr(), te.TLS.CA, te.TLS.Cert, te.TLS.Key))
	cfg.CreateContext("wrong-ca", fmt.Sprintf("host=%s,ca=%s,cert=%s,key=%s", te.TCPHost, wrong.CA, te.TLS.Cert, te.TLS.Key))
	secrets := keyMaterial(t, te.TLS.Key, te.TLS.ServerKey, wrong.Key)

	ep := resolveContext(t, cfg, "tls-engine")
	if !ep.HasTLS() || ep.SkipTLSVerify {
		t.Fatalf("context tls-engine: TLS %v, skip verify %v; want TLS, verified", ep.HasTLS(), ep.SkipTLSVerify)
	}
	r := runService(t, "", service.Config{Engine: ep})
	c := connect(t, r.Service)
	info := waitEngineNamed(t, c, "tls-engine", model.EngineUp)
	if info.Host != "tcp://"+proxy.Addr() {
		t.Errorf("engine info host %q, want tcp://%s", info.Host, proxy.Addr())
	}
	te.RunContainer(t, "dp-tls-a")
	settle(t, cli, r.Service, c, 20*time.Second)

	// A dropped connection is an engine gone and back: down, then up with
	// exactly the engine's picture, including what changed meanwhile.
	proxy.Pause()
	proxy.CutAll(true)
	waitEngineNamed(t, c, "tls-engine", model.EngineDown)
	te.CreateContainer(t, "dp-tls-b")
	proxy.Resume()
	waitEngineNamed(t, c, "tls-engine", model.EngineUp)
	settle(t, cli, r.Service, c, 20*time.Second)

	bad := runService(t, "", service.Config{Engine: resolveContext(t, cfg, "wrong-ca")})
	bc := connect(t, bad.Service)
	down := waitEngineNamed(t, bc, "wrong-ca", model.EngineDown)
	if down.Host != te.TCPHost {
		t.Errorf("an engine that never came up says endpoint %q, want %s", down.Host, te.TCPHost)
	}
	if !strings.Contains(down.Reason, "certificate") {
		t.Errorf("with a wrong CA the engine is down for %q; want the certificate named", down.Reason)
	}
	if n := len(bc.Containers()); n != 0 {
		t.Errorf("with a wrong CA the client knows %d containers", n)
	}
	// The default context reads the same material from DOCKER_CERT_PATH,
	// verified because DOCKER_TLS_VERIFY is set.
	env := cfg.Env(engines.EnvHost, te.TCPHost, engines.EnvTLSVerify, "1", engines.EnvCertPath, te.TLS.Dir)
	def, err := engines.Resolve(engines.Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	dc, err := docker.New(def)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	if _, err := dc.Info(context.Background()); err != nil || def.Name != engines.DefaultContext || def.SkipTLSVerify {
		t.Errorf("DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: %s (skip verify %v): %v", def, def.SkipTLSVerify, err)
	}

	checkNoKeyMaterial(t, r, secrets, c.Engine("tls-engine").Reason)
	checkNoKeyMaterial(t, bad, secrets, down.Reason)
}

// TestSSHEngine: the engine reached as ssh://ALIAS/path/to/docker.sock
// through an sshd the test runs (ssh … docker system dial-stdio) works, and
// survives every ssh connection being killed: it reconnects and resyncs.
func TestSSHEngine(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	sshd := enginetest.RequireSSHD(t)
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("over-ssh", "host="+sshd.Host(e.Host), "--description", "the test engine over ssh")
	ep := resolveContext(t, cfg, "over-ssh")
	r := runService(t, "", service.Config{Engine: ep})
	c := connect(t, r.Service)
	info := waitEngineNamed(t, c, "over-ssh", model.EngineUp)
	if info.Host != sshd.Host(e.Host) {
		t.Errorf("engine info host %q, want %q", info.Host, sshd.Host(e.Host))
	}
	id := e.RunContainer(t, "dp-ssh-a")
	settle(t, cli, r.Service, c, 20*time.Second)

	if n := sshd.KillSessions(t); n == 0 {
		t.Fatal("no ssh connection to kill")
	}
	// The session is back within the retry delay: the log says it was lost.
	eventually(t, 20*time.Second, "the ssh connection's loss noticed", func() bool {
		return r.logs.FilterMessage("engine connection lost").Len() > 0
	})
	if err := cli.ContainerStop(context.Background(), id, container.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	e.CreateContainer(t, "dp-ssh-b")
	waitEngineNamed(t, c, "over-ssh", model.EngineUp)
	settle(t, cli, r.Service, c, 20*time.Second)
	if errs := r.errorLogs(); len(errs) > 0 {
		t.Errorf("errors logged: %v", errs)
	}
}
