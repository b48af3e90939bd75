package docker

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/model"
)

// testdata/inspect-limits.json is a Docker 20.10 answer for
//
//	docker run -d --name shop-web --network shop-net --network-alias web \
//	  --cpus 0.5 -m 256m --memory-reservation 128m --pids-limit 100 \
//	  --cpuset-cpus 0 --cpu-shares 512 --restart on-failure:3 \
//	  --stop-signal SIGINT --stop-timeout 3 \
//	  -e SECRET=x -e EMPTY= -e WITH_EQ=a=b \
//	  --health-cmd 'echo ok; exit 1' --health-interval 1s --health-timeout 2s \
//	  --health-retries 4 --health-start-period 500ms busybox sleep 1000
//
// taken 3.5 s after it started.
func readInspect(t *testing.T, path string) (container.InspectResponse, []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var in container.InspectResponse
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	return in, raw
}

func TestFromFullInspect(t *testing.T) {
	in, raw := readInspect(t, "testdata/inspect-limits.json")
	got := FromFullInspect("local", in, raw)

	if got.Engine != "local" || got.Name != "shop-web" || got.Image != "dockpulse-test/busybox:latest" || got.State != "running" || len(got.ID) != 64 {
		t.Errorf("identity: %q %q %q %q %q", got.Engine, got.ID, got.Name, got.Image, got.State)
	}
	if got.Raw != string(raw) {
		t.Error("Raw is not the engine's answer as it was read")
	}
	wantEnv := []model.EnvVar{{Name: "EMPTY", Value: ""}, {Name: "WITH_EQ", Value: "a=b"}, {Name: "SECRET", Value: "x"}}
	if !reflect.DeepEqual(got.Env, wantEnv) {
		t.Errorf("Env = %+v, want %+v (in the engine's order, split at the first =)", got.Env, wantEnv)
	}
	wantLimits := model.Limits{
		NanoCPUs: 500_000_000, CpusetCPUs: "0", CPUShares: 512,
		Memory: 256 << 20, MemoryReservation: 128 << 20, MemorySwap: 512 << 20, PidsLimit: 100,
	}
	if got.Limits != wantLimits {
		t.Errorf("Limits = %+v, want %+v", got.Limits, wantLimits)
	}
	if got.RestartPolicy != "on-failure" || got.RestartRetries != 3 {
		t.Errorf("restart = %q:%d, want on-failure:3", got.RestartPolicy, got.RestartRetries)
	}
	if got.StopSignal != "SIGINT" || got.StopTimeout == nil || *got.StopTimeout != 3 {
		t.Errorf("stop = %q, %v; want SIGINT, 3 s", got.StopSignal, got.StopTimeout)
	}
	if got.NetworkMode != "shop-net" || len(got.Networks) != 1 {
		t.Fatalf("networks: mode %q, %+v", got.NetworkMode, got.Networks)
	}
	n := got.Networks[0]
	if n.Name != "shop-net" || n.IPAddress != "172.18.0.2" || n.PrefixLen != 16 || n.Gateway != "172.18.0.1" ||
		n.MacAddress != "02:42:ac:12:00:02" || len(n.NetworkID) != 64 || len(n.Aliases) == 0 || n.Aliases[0] != "web" {
		t.Errorf("network = %+v", n)
	}
	h := got.Healthcheck
	if h == nil {
		t.Fatal("no healthcheck")
	}
	if !reflect.DeepEqual(h.Test, []string{"CMD-SHELL", "echo ok; exit 1"}) || h.IntervalMs != 1000 || h.TimeoutMs != 2000 ||
		h.StartPeriodMs != 500 || h.Retries != 4 || h.Status != "starting" || h.FailingStreak != 3 {
		t.Errorf("healthcheck = %+v", h)
	}
	if len(h.Log) != 3 {
		t.Fatalf("health log = %+v, want 3 results", h.Log)
	}
	first := h.Log[0]
	wantStart := time.Date(2026, 12, 2, 0, 28, 8, 717016503, time.UTC).UnixMilli()
	if first.Start != wantStart || first.End <= first.Start || first.ExitCode != 1 || first.Output != "ok\n" {
		t.Errorf("first health result = %+v (start want %d)", first, wantStart)
	}
	if got.StartedAt == 0 || got.Created == 0 || got.FinishedAt != 0 {
		t.Errorf("times: created %d, started %d, finished %d (never: 0)", got.Created, got.StartedAt, got.FinishedAt)
	}
}

// TestFromFullInspectNoLimits: a container without limits, health check or
// stop settings has none of them, rather than limits of zero.
func TestFromFullInspectNoLimits(t *testing.T) {
	in, raw := readInspect(t, "testdata/inspect-limits.json")
	in.HostConfig.Resources = container.Resources{CPUQuota: -1, PidsLimit: new(int64(-1)), MemorySwap: 0}
	in.HostConfig.RestartPolicy = container.RestartPolicy{}
	in.Config.Healthcheck = nil
	in.State.Health = nil
	in.Config.StopSignal, in.Config.StopTimeout, in.Config.Env = "", nil, nil
	in.NetworkSettings.Networks = nil
	got := FromFullInspect("local", in, raw)
	if got.Limits != (model.Limits{}) {
		t.Errorf("Limits = %+v, want none", got.Limits)
	}
	if got.Healthcheck != nil || got.StopSignal != "" || got.StopTimeout != nil {
		t.Errorf("healthcheck %+v, stop %q %v: want none", got.Healthcheck, got.StopSignal, got.StopTimeout)
	}
	if got.RestartPolicy != "no" || got.RestartRetries != 0 {
		t.Errorf("restart = %q:%d, want no", got.RestartPolicy, got.RestartRetries)
	}
	if got.Env == nil || got.Networks == nil || len(got.Env)+len(got.Networks) != 0 {
		t.Errorf("Env %#v, Networks %#v: want empty lists, not null", got.Env, got.Networks)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, `"limits":{}`) == false || strings.Contains(s, `"healthcheck"`) || strings.Contains(s, `"stopTimeout"`) {
		t.Errorf("JSON says more than it knows: %s", s[:min(len(s), 600)])
	}
}

// TestFromFullInspectQuotaAndDisabledHealth: --cpu-quota/--cpu-period and
// unlimited swap come through; a disabled health check ("NONE") is none.
func TestFromFullInspectQuotaAndDisabledHealth(t *testing.T) {
	in, raw := readInspect(t, "testdata/inspect-limits.json")
	in.HostConfig.Resources = container.Resources{CPUQuota: 150000, CPUPeriod: 100000, Memory: 64 << 20, MemorySwap: -1}
	in.Config.Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
	in.State.Health = nil
	stop := 0
	in.Config.StopTimeout = &stop
	got := FromFullInspect("local", in, raw)
	want := model.Limits{CPUQuota: 150000, CPUPeriod: 100000, Memory: 64 << 20, MemorySwap: -1}
	if got.Limits != want {
		t.Errorf("Limits = %+v, want %+v", got.Limits, want)
	}
	if got.Healthcheck != nil {
		t.Errorf("a disabled health check = %+v, want none", got.Healthcheck)
	}
	if got.StopTimeout == nil || *got.StopTimeout != 0 {
		t.Errorf("StopTimeout = %v, want 0 s (kill at once), not the default", got.StopTimeout)
	}
}

// TestFromFullInspectPartial: an answer with nil sections converts without
// a panic.
func TestFromFullInspectPartial(t *testing.T) {
	got := FromFullInspect("local", container.InspectResponse{}, []byte("{}"))
	if got.Raw != "{}" || got.Env == nil || got.Networks == nil || got.Healthcheck != nil || got.RestartPolicy != "no" {
		t.Errorf("partial answer = %+v", got)
	}
}

// TestFullInspectRefusesBadRefs: what is not an ID or name never reaches
// the engine's URL.
func TestFullInspectRefusesBadRefs(t *testing.T) {
	c, err := New(engines.Endpoint{Name: "local", Host: "unix:///nonexistent.sock"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, id := range []string{"", "../info", "a/b", "x?y", strings.Repeat("a", 129)} {
		if _, err := c.FullInspect(t.Context(), id); err == nil || !strings.Contains(err.Error(), "not a container ID or name") {
			t.Errorf("FullInspect(%q) = %v, want a refusal", id, err)
		}
	}
}
