package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/hub"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/store"
)

// recordingSwitcher knows two contexts and records every switch.
type recordingSwitcher struct {
	mu      sync.Mutex
	watched map[string]bool
	calls   []string
}

func (r *recordingSwitcher) Contexts() ([]protocol.EngineContext, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []protocol.EngineContext
	for _, name := range []string{"default", "two"} {
		c := protocol.EngineContext{Name: name, Endpoint: "unix:///run/" + name + ".sock", Current: name == "default", Watched: r.watched[name]}
		if c.Watched {
			c.Status = model.EngineUp
		}
		out = append(out, c)
	}
	return out, nil
}

func (r *recordingSwitcher) SetWatched(name string, on bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("%s=%v", name, on))
	if name != "default" && name != "two" {
		return fmt.Errorf("docker context %q not found; known contexts: default, two: %w", name, model.ErrNotFound)
	}
	r.watched[name] = on
	return nil
}

func startSwitchServer(t *testing.T, sw Switcher) *Server {
	t.Helper()
	h := hub.New()
	srv, err := New(Config{Switcher: sw}, store.New(h, store.Config{}, zap.NewNop()), h, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

func call(t *testing.T, srv *Server, method, path, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestSwitchRoutes(t *testing.T) {
	sw := &recordingSwitcher{watched: map[string]bool{"default": true}}
	srv := startSwitchServer(t, sw)
	tok := srv.Token()

	status, body := call(t, srv, http.MethodGet, "/api/contexts", tok)
	var list []protocol.EngineContext
	if err := json.Unmarshal([]byte(body), &list); err != nil || status != http.StatusOK {
		t.Fatalf("GET /api/contexts: %d %v %s", status, err, body)
	}
	if len(list) != 2 || !list[0].Watched || list[0].Status != model.EngineUp || list[1].Watched || list[1].Status != "" {
		t.Fatalf("contexts = %+v", list)
	}

	if status, body := call(t, srv, http.MethodPut, "/api/engines/two/watch", tok); status != http.StatusNoContent {
		t.Fatalf("PUT watch: %d %s", status, body)
	}
	if status, body := call(t, srv, http.MethodDelete, "/api/engines/default/watch", tok); status != http.StatusNoContent {
		t.Fatalf("DELETE watch: %d %s", status, body)
	}
	status, body = call(t, srv, http.MethodPut, "/api/engines/far/watch", tok)
	if status != http.StatusNotFound || !strings.Contains(body, `docker context \"far\" not found; known contexts: default, two`) {
		t.Fatalf("PUT watch of an unknown context: %d %s", status, body)
	}
	if got := strings.Join(sw.calls, " "); got != "two=true default=false far=true" {
		t.Errorf("switches = %s", got)
	}
}

func TestSwitchRoutesNeedTheToken(t *testing.T) {
	sw := &recordingSwitcher{watched: map[string]bool{"default": true}}
	srv := startSwitchServer(t, sw)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/api/contexts"},
		{http.MethodPut, "/api/engines/two/watch"},
		{http.MethodDelete, "/api/engines/default/watch"},
	} {
		for _, tok := range []string{"", "wrong-token"} {
			if status, body := call(t, srv, r.method, r.path, tok); status != http.StatusUnauthorized {
				t.Errorf("%s %s with token %q: %d %s, want 401", r.method, r.path, tok, status, body)
			}
		}
	}
	if len(sw.calls) != 0 {
		t.Errorf("switched without the token: %v", sw.calls)
	}
}

func TestSwitchRoutesWithoutASwitcher(t *testing.T) {
	srv := startSwitchServer(t, nil)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/api/contexts"},
		{http.MethodPut, "/api/engines/two/watch"},
		{http.MethodDelete, "/api/engines/two/watch"},
	} {
		if status, body := call(t, srv, r.method, r.path, srv.Token()); status != http.StatusNotImplemented || !strings.Contains(body, "switching engines is not available here") {
			t.Errorf("%s %s: %d %s, want 501 in words", r.method, r.path, status, body)
		}
	}
}
