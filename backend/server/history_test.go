package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

func getJSON(t *testing.T, f *fixture, path string, withToken bool, into any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if withToken {
		req.Header.Set("Authorization", "Bearer "+f.srv.Token())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode
}

func TestHistoryRoute(t *testing.T) {
	f := start(t, Config{})
	f.store.SetEngineUp(model.EngineInfo{EngineStatus: model.EngineStatus{Engine: "local"}})
	f.store.Upsert(model.Container{Engine: "local", ID: "a", Name: "web", State: "running"})
	for _, read := range []int64{1000, 2000, 3000} {
		f.store.PublishStats([]model.Stats{{Engine: "local", ID: "a", Read: read, MemoryUsage: uint64(read)}})
	}
	var h protocol.History
	if code := getJSON(t, f, "/api/engines/local/containers/a/history", true, &h); code != 200 {
		t.Fatalf("status %d", code)
	}
	if h.Engine != "local" || h.ID != "a" || len(h.Samples) != 3 || h.Samples[2].Read != 3000 || h.Samples[2].MemoryUsage != 3000 {
		t.Fatalf("history = %+v", h)
	}

	var e map[string]string
	for path, want := range map[string]string{
		"/api/engines/local/containers/nope/history": "no container",
		"/api/engines/other/containers/a/history":    "no container",
	} {
		if code := getJSON(t, f, path, true, &e); code != http.StatusNotFound || !strings.Contains(e["error"], want) {
			t.Fatalf("GET %s: status %d, body %v", path, code, e)
		}
	}
	if code := getJSON(t, f, "/api/engines/local/containers/a/history", false, &e); code != http.StatusUnauthorized {
		t.Fatalf("without token: status %d, body %v", code, e)
	}
}
