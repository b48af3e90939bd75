package integration

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/service"
)

// limitedContainer runs, on its own network, the container of
//
//	docker network create NET
//	docker run -d --network NET --network-alias web --cpus 0.5 -m 256m \
//	  -e SECRET=x --health-cmd 'echo probe-ok' --health-interval 300ms \
//	  --stop-signal SIGINT --stop-timeout 3 busybox sleep 3600
//
// and returns its ID and the network's name. Both are removed when the test
// ends.
func limitedContainer(t *testing.T, e *enginetest.Engine, name string) (id, netName string) {
	t.Helper()
	cli := e.Client(t)
	ctx := t.Context()
	netName = name + "-net"
	nw, err := cli.NetworkCreate(ctx, netName, network.CreateOptions{Labels: map[string]string{enginetest.TestLabel: "1"}})
	if err != nil {
		t.Fatalf("create network: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := cli.NetworkRemove(ctx, nw.ID); err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove network: %v", err)
		}
	})
	stop := 3
	resp, err := cli.ContainerCreate(ctx,
		&container.Config{
			Image: enginetest.TestImage, Cmd: []string{"sleep", "3600"},
			Labels: map[string]string{enginetest.TestLabel: "1"},
			Env:    []string{"SECRET=x"},
			Healthcheck: &container.HealthConfig{
				Test: []string{"CMD-SHELL", "echo probe-ok"}, Interval: 300 * time.Millisecond,
			},
			StopSignal: "SIGINT", StopTimeout: &stop,
		},
		&container.HostConfig{
			NetworkMode: container.NetworkMode(netName),
			Resources:   container.Resources{NanoCPUs: 500_000_000, Memory: 256 << 20},
		},
		&network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{netName: {Aliases: []string{"web"}}}},
		nil, name)
	if err != nil {
		t.Fatalf("create container: %v", err)
	}
	// Registered after the network's, so it runs first.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := cli.ContainerRemove(ctx, resp.ID, container.RemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove container: %v", err)
		}
	})
	if err := cli.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		t.Fatalf("start container: %v", err)
	}
	return resp.ID, netName
}

// TestInspectRoute: the route answers what the container was made with and
// how its health checks went, with the engine's own answer beside it.
func TestInspectRoute(t *testing.T) {
	e := enginetest.Require(t)
	id, netName := limitedContainer(t, e, "dp-inspect")
	svc := startService(t, e, service.Config{})
	path := "/api/engines/" + service.EngineName + "/containers/" + id + "/inspect"

	var in model.Inspect
	eventually(t, 10*time.Second, "a health check result", func() bool {
		get(t, svc, path, &in)
		return in.Healthcheck != nil && len(in.Healthcheck.Log) > 0
	})
	if in.Engine != service.EngineName || in.ID != id || in.Name != "dp-inspect" || in.State != "running" || in.StartedAt == 0 {
		t.Errorf("identity: %+v", in)
	}
	if in.Limits.NanoCPUs != 500_000_000 || in.Limits.Memory != 256<<20 || in.Limits.PidsLimit != 0 || in.Limits.CPUQuota != 0 {
		t.Errorf("limits = %+v, want 0.5 CPU and 256 MiB, nothing else", in.Limits)
	}
	if !slices.Contains(in.Env, model.EnvVar{Name: "SECRET", Value: "x"}) {
		t.Errorf("env = %+v, want SECRET=x", in.Env)
	}
	if in.StopSignal != "SIGINT" || in.StopTimeout == nil || *in.StopTimeout != 3 {
		t.Errorf("stop = %q %v, want SIGINT after 3 s", in.StopSignal, in.StopTimeout)
	}
	if len(in.Networks) != 1 {
		t.Fatalf("networks = %+v, want %s", in.Networks, netName)
	}
	n := in.Networks[0]
	if n.Name != netName || n.IPAddress == "" || n.PrefixLen == 0 || n.Gateway == "" || n.MacAddress == "" || !slices.Contains(n.Aliases, "web") {
		t.Errorf("network = %+v, want %s with its IP, gateway, MAC and the alias web", n, netName)
	}
	h := in.Healthcheck
	if !slices.Equal(h.Test, []string{"CMD-SHELL", "echo probe-ok"}) || h.IntervalMs != 300 {
		t.Errorf("healthcheck = %+v", h)
	}
	if r := h.Log[0]; r.ExitCode != 0 || r.Output != "probe-ok\n" || r.Start == 0 || r.End < r.Start {
		t.Errorf("first health result = %+v", r)
	}

	// The raw answer is the engine's, and says the same.
	var raw struct {
		ID         string `json:"Id"`
		HostConfig struct {
			NanoCpus int64
			Memory   int64
		}
		Config struct{ Env []string }
	}
	if err := json.Unmarshal([]byte(in.Raw), &raw); err != nil {
		t.Fatalf("raw is not JSON: %v", err)
	}
	if raw.ID != id || raw.HostConfig.NanoCpus != 500_000_000 || raw.HostConfig.Memory != 256<<20 || !slices.Contains(raw.Config.Env, "SECRET=x") {
		t.Errorf("raw = %+v", raw)
	}

	// A short ID and the name reach the same container.
	for _, ref := range []string{id[:12], "dp-inspect"} {
		var again model.Inspect
		get(t, svc, "/api/engines/"+service.EngineName+"/containers/"+ref+"/inspect", &again)
		if again.ID != id {
			t.Errorf("inspect %s: ID %q, want %q", ref, again.ID, id)
		}
	}

	refused := []struct {
		path   string
		status int
		says   string
	}{
		{"/api/engines/elsewhere/containers/" + id + "/inspect", http.StatusNotFound, `no such engine "elsewhere" here`},
		{"/api/engines/" + service.EngineName + "/containers/0123456789ab/inspect", http.StatusNotFound, "no such container"},
		{"/api/engines/" + service.EngineName + "/containers/-rf/inspect", http.StatusBadRequest, "not a container ID or name"},
	}
	for _, r := range refused {
		resp := call(t, svc, http.MethodGet, r.path)
		var body struct{ Error string }
		err := json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != r.status || !strings.Contains(body.Error, r.says) {
			t.Errorf("GET %s: %d %q (%v), want %d saying %q", r.path, resp.StatusCode, body.Error, err, r.status, r.says)
		}
	}
}

// TestInspectGoneContainer: a container removed after the table listed it
// is a clear 404, not an engine failure.
func TestInspectGoneContainer(t *testing.T) {
	e := enginetest.Require(t)
	id := e.CreateContainer(t, "dp-inspect-gone")
	svc := startService(t, e, service.Config{})
	if err := e.Client(t).ContainerRemove(t.Context(), id, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Inspect(t.Context(), service.EngineName, id)
	if !errors.Is(err, model.ErrNotFound) || !strings.Contains(err.Error(), "no such container") {
		t.Errorf("inspect of a removed container: %v, want not found", err)
	}
}
