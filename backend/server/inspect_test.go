package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/store"
)

// oneInspector knows one container of one engine.
type oneInspector struct{ in model.Inspect }

func (o oneInspector) Inspect(_ context.Context, engine, id string) (model.Inspect, error) {
	switch {
	case engine != o.in.Engine:
		return model.Inspect{}, fmt.Errorf("inspect %s: %w %q here", id, model.ErrNoEngine, engine)
	case id == "bad?":
		return model.Inspect{}, fmt.Errorf("inspect %q: %w: not a container ID or name", id, model.ErrInvalid)
	case id != o.in.ID:
		return model.Inspect{}, fmt.Errorf("inspect %s: %w: no such container", id, model.ErrNotFound)
	}
	return o.in, nil
}

func getInspect(t *testing.T, srv *Server, path, token string) (int, []byte) {
	t.Helper()
	status, body := call(t, srv, http.MethodGet, path, token)
	return status, []byte(body)
}

func TestInspectRoute(t *testing.T) {
	const secret = "hunter2-never-logged"
	want := model.Inspect{Engine: "local", ID: "c0ffee", Name: "web", Env: []model.EnvVar{{Name: "SECRET", Value: secret}}, Raw: `{"Id":"c0ffee"}`}
	core, logs := observer.New(zap.DebugLevel)
	h := hub.New()
	srv, err := New(Config{Inspector: oneInspector{want}}, store.New(h, store.Config{}, zap.NewNop()), h, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })

	status, body := getInspect(t, srv, "/api/engines/local/containers/c0ffee/inspect", srv.Token())
	var got model.Inspect
	if err := json.Unmarshal(body, &got); err != nil || status != http.StatusOK {
		t.Fatalf("status %d, %v: %s", status, err, body)
	}
	if got.Name != "web" || got.Raw != want.Raw || len(got.Env) != 1 || got.Env[0].Value != secret {
		t.Errorf("answer = %+v", got)
	}

	refused := []struct {
		path   string
		token  string
		status int
		says   string
	}{
		{"/api/engines/elsewhere/containers/c0ffee/inspect", srv.Token(), http.StatusNotFound, `no such engine \"elsewhere\"`},
		{"/api/engines/local/containers/gone/inspect", srv.Token(), http.StatusNotFound, "no such container"},
		{"/api/engines/local/containers/" + url.PathEscape("bad?") + "/inspect", srv.Token(), http.StatusBadRequest, "not a container ID"},
		{"/api/engines/local/containers/c0ffee/inspect", "", http.StatusUnauthorized, "token"},
		{"/api/engines/local/containers/c0ffee/inspect", "wrong", http.StatusUnauthorized, "token"},
	}
	for _, r := range refused {
		status, body := getInspect(t, srv, r.path, r.token)
		if status != r.status || !strings.Contains(string(body), r.says) || strings.Contains(string(body), secret) {
			t.Errorf("GET %s (token %q): %d %s, want %d saying %q", r.path, r.token, status, body, r.status, r.says)
		}
	}
	for _, e := range logs.All() {
		if line := fmt.Sprint(e.Message, e.ContextMap()); strings.Contains(line, secret) {
			t.Errorf("a log line holds an environment value: %s", line)
		}
	}
}

func TestInspectRouteWithoutInspector(t *testing.T) {
	f := start(t, Config{})
	status, body := getInspect(t, f.srv, "/api/engines/local/containers/c0ffee/inspect", f.srv.Token())
	if status != http.StatusNotImplemented || !strings.Contains(string(body), "inspect is not available") {
		t.Errorf("without an inspector: %d %s", status, body)
	}
}
