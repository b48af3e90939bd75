package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/service"
)

// post performs a container action through the HTTP API, returning the
// status and the error message, if any.
func post(t *testing.T, svc *service.Service, path string) (int, string) {
	t.Helper()
	resp := call(t, svc, http.MethodPost, path)
	defer resp.Body.Close()
	var body struct{ Error string }
	if resp.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("POST %s: status %d with undecodable body: %v", path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode, body.Error
}

func TestContainerActions(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	c := connect(t, svc)
	id := e.CreateContainer(t, "dp-actions")
	state := func() string {
		in, err := cli.ContainerInspect(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return string(in.State.Status)
	}
	base := "/api/engines/" + service.EngineName + "/containers/" + id + "/"
	steps := []struct {
		action    string
		wantCode  int
		wantState string
		wantError string
	}{
		{"start", http.StatusNoContent, "running", ""},
		{"pause", http.StatusNoContent, "paused", ""},
		{"pause", http.StatusConflict, "paused", "already paused"},
		{"unpause", http.StatusNoContent, "running", ""},
		{"remove", http.StatusConflict, "running", "Stop the container"},
		{"restart", http.StatusNoContent, "running", ""},
		{"kill", http.StatusNoContent, "exited", ""},
		{"pause", http.StatusConflict, "exited", "not running"},
		{"stop", http.StatusNoContent, "exited", ""},
	}
	for _, s := range steps {
		code, msg := post(t, svc, base+s.action)
		if code != s.wantCode || !strings.Contains(msg, s.wantError) {
			t.Fatalf("%s: status %d %q, want %d containing %q", s.action, code, msg, s.wantCode, s.wantError)
		}
		if got := state(); got != s.wantState {
			t.Fatalf("after %s: engine says %s, want %s", s.action, got, s.wantState)
		}
	}
	// The client saw the effect through the engine's events.
	eventually(t, 5*time.Second, "client picture shows the kill", func() bool {
		for _, p := range c.picture() {
			if strings.HasSuffix(p, "dp-actions=exited") {
				return true
			}
		}
		return false
	})
	if code, msg := post(t, svc, base+"remove?volumes=1"); code != http.StatusNoContent {
		t.Fatalf("remove: status %d %q", code, msg)
	}
	if _, err := cli.ContainerInspect(context.Background(), id); err == nil {
		t.Fatal("the container still exists after remove")
	}
	eventually(t, 5*time.Second, "client picture drops the container", func() bool {
		for _, p := range c.picture() {
			if strings.Contains(p, "dp-actions") {
				return false
			}
		}
		return true
	})
}

func TestActionsOnBadTargets(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	svc := startService(t, e, service.Config{})
	bystander := e.RunContainer(t, "dp-bystander")
	tests := []struct {
		path     string
		wantCode int
		wantMsg  string
	}{
		// An engine that is not watched, even with a container the watched
		// one has: 404 naming the engine.
		{"/api/engines/elsewhere/containers/" + bystander + "/stop", http.StatusNotFound, `no such engine "elsewhere"`},
		{"/api/engines/" + service.EngineName + "/containers/0123456789ab/start", http.StatusNotFound, ""},
		{"/api/engines/" + service.EngineName + "/containers/no-such-container/remove", http.StatusNotFound, ""},
		{"/api/engines/" + service.EngineName + "/containers/..%2F..%2Fcontainers%2Fjson/start", http.StatusBadRequest, ""},
		{"/api/engines/" + service.EngineName + "/containers/-rf/stop", http.StatusBadRequest, ""},
		{"/api/engines/" + service.EngineName + "/containers/" + bystander + "/explode", http.StatusBadRequest, ""},
		{"/api/engines/" + service.EngineName + "/containers/" + bystander + "/remove?volumes=maybe", http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		code, msg := post(t, svc, tt.path)
		if code != tt.wantCode || msg == "" || !strings.Contains(msg, tt.wantMsg) {
			t.Errorf("POST %s: status %d %q, want %d with a message %q", tt.path, code, msg, tt.wantCode, tt.wantMsg)
		}
	}
	in, err := cli.ContainerInspect(context.Background(), bystander)
	if err != nil || in.State.Status != container.StateRunning {
		t.Fatalf("the bystander changed: %v %v", in.State, err)
	}
}
