package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/service"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// TestKernelStatsSourceWithARemoteEngine runs the backend with
// --stats-source kernel on a local engine and two remote ones (tcp:// with
// TLS, and the local engine again over ssh://): the service starts, the
// local engine's stats come from the kernel's files and the remote ones'
// from their stats API, each engine's info says which, a warning names each
// remote engine and why, and the remote engines' running containers are
// sampled.
func TestKernelStatsSourceWithARemoteEngine(t *testing.T) {
	local := enginetest.Require(t)
	te := enginetest.RequireTLSEngine(t)
	cfg := enginetest.NewCLIConfig(t)
	cfg.CreateContext("here", "host="+local.Host)
	cfg.CreateContext("far", fmt.Sprintf("host=%s,ca=%s,cert=%s,key=%s", te.TCPHost, te.TLS.CA, te.TLS.Cert, te.TLS.Key))
	sshd := enginetest.RequireSSHD(t)
	cfg.CreateContext("over-ssh", "host="+sshd.Host(local.Host))
	remoteID := te.RunContainer(t, "dp-kernel-remote")
	localID := local.RunContainer(t, "dp-kernel-local")

	r := runService(t, "", service.Config{
		Engines:     []engines.Endpoint{resolveContext(t, cfg, "here"), resolveContext(t, cfg, "far"), resolveContext(t, cfg, "over-ssh")},
		StatsSource: service.StatsSourceKernel,
	})
	c := connect(t, r.Service)
	for name, want := range map[string]string{"here": stats.SourceKernel, "far": stats.SourceEngine, "over-ssh": stats.SourceEngine} {
		if got := waitEngineNamed(t, c, name, model.EngineUp).StatsSource; got != want {
			t.Errorf("engine %s: stats source %q, want %q", name, got, want)
		}
	}

	warned := map[string]bool{}
	for _, e := range r.logs.All() {
		fields := e.ContextMap()
		name := fmt.Sprint(fields["engine"])
		if e.Level.String() == "warn" && strings.Contains(fmt.Sprint(fields["why"]), "not on this host") {
			warned[name] = true
		}
		if name == "here" && e.Level.String() == "warn" && strings.Contains(e.Message, "stats") {
			t.Errorf("a warning about the local engine's stats: %s %v", e.Message, fields)
		}
	}
	for _, name := range []string{"far", "over-ssh"} {
		if !warned[name] {
			t.Errorf("no warning names the remote engine %s and why its stats come from the engine", name)
		}
	}

	deadline := time.Now().Add(20 * time.Second)
	for _, k := range []model.Key{{Engine: "far", ID: remoteID}, {Engine: "here", ID: localID}, {Engine: "over-ssh", ID: localID}} {
		for c.Samples(k) < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("container %.12s of engine %s: %d samples", k.ID, k.Engine, c.Samples(k))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
