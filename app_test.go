package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"go.uber.org/zap/zaptest"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
)

func TestBoundMethodsBeforeStartup(t *testing.T) {
	app := NewApp(service.Config{}, zaptest.NewLogger(t))
	if _, err := app.Containers(); err == nil || !strings.Contains(err.Error(), "starting") {
		t.Fatalf("Containers before startup: err %v, want 'still starting'", err)
	}
	if _, err := app.LiveEndpoint(); err == nil {
		t.Fatal("LiveEndpoint before startup returned no error")
	}
}

// TestPollingWorksWithoutTheLiveServer starts the app with its WebSocket
// server unable to listen: the bound polling methods must still show the
// engine, and LiveEndpoint must say why there is no stream.
func TestPollingWorksWithoutTheLiveServer(t *testing.T) {
	e := enginetest.Require(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	id := e.CreateContainer(t, "dp-app-poll")

	app := NewApp(service.Config{DockerHost: e.Host, Server: server.Config{Addr: taken.Addr().String()}}, zaptest.NewLogger(t))
	app.startup(context.Background())
	defer app.shutdown(context.Background())

	if _, err := app.LiveEndpoint(); err == nil {
		t.Fatal("LiveEndpoint succeeded although the server could not listen")
	}
	// The engine turns up once its past events are read, which may be after
	// the containers are listed.
	deadline := time.Now().Add(10 * time.Second)
	for {
		snap, err := app.Snapshot()
		if err != nil {
			t.Fatalf("Snapshot: %v", err)
		}
		list, err := app.Containers()
		if err != nil {
			t.Fatalf("Containers: %v", err)
		}
		if found(list, id) && found(snap.Containers, id) && len(snap.Engines) == 1 && snap.Engines[0].Status == model.EngineUp {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never listed %s with the engine up: containers %+v, engines %+v", id, list, snap.Engines)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestLiveEndpointOfARunningApp(t *testing.T) {
	e := enginetest.Require(t)
	app := NewApp(service.Config{DockerHost: e.Host}, zaptest.NewLogger(t))
	app.startup(context.Background())
	defer app.shutdown(context.Background())
	ep, err := app.LiveEndpoint()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ep.URL, "ws://127.0.0.1:") || !strings.HasSuffix(ep.URL, "/ws") || len(ep.Token) < 22 {
		t.Fatalf("endpoint %+v", ep)
	}
}

func found(list []model.Container, id string) bool {
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

func TestBoundActions(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	id := e.RunContainer(t, "dp-app-actions")
	app := NewApp(service.Config{DockerHost: e.Host}, zaptest.NewLogger(t))
	app.startup(context.Background())
	defer app.shutdown(context.Background())

	if err := app.PauseContainer(service.EngineName, id); err != nil {
		t.Fatal(err)
	}
	if in, err := cli.ContainerInspect(context.Background(), id); err != nil || in.State.Status != "paused" {
		t.Fatalf("after PauseContainer: %v %v", in.State, err)
	}
	err := app.RemoveContainer(service.EngineName, id, true, false)
	if err == nil || !strings.Contains(err.Error(), "cannot remove") {
		t.Fatalf("RemoveContainer of a paused container: %v, want the engine's refusal", err)
	}
	// Forced, as `docker rm -f`: the engine kills it and removes it.
	if err := app.RemoveContainer(service.EngineName, id, true, true); err != nil {
		t.Fatalf("RemoveContainer(force) of a paused container: %v", err)
	}
	if _, err := cli.ContainerInspect(context.Background(), id); !cerrdefs.IsNotFound(err) {
		t.Fatalf("after a forced remove, inspect: %v, want not found", err)
	}
	if err := app.KillContainer(service.EngineName, "no-such-container"); err == nil || !strings.Contains(err.Error(), "No such container") {
		t.Fatalf("KillContainer of an unknown container: %v", err)
	}
	if err := app.KillContainer("elsewhere", id); !errors.Is(err, model.ErrNotFound) || !strings.Contains(err.Error(), `"elsewhere"`) {
		t.Fatalf("KillContainer on an engine not watched: %v, want not found naming it", err)
	}
}

// TestBoundHistory: the bound History method answers what the history route
// does, and names a missing container as such.
func TestBoundHistory(t *testing.T) {
	e := enginetest.Require(t)
	id := e.RunContainer(t, "dp-app-history")
	app := NewApp(service.Config{DockerHost: e.Host}, zaptest.NewLogger(t))
	app.startup(context.Background())
	defer app.shutdown(context.Background())

	deadline := time.Now().Add(20 * time.Second)
	var h protocol.History
	for len(h.Samples) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("History never had two samples: %+v", h)
		}
		time.Sleep(200 * time.Millisecond)
		var err error
		if h, err = app.History(service.EngineName, id); err != nil {
			t.Fatalf("History: %v", err)
		}
	}
	svc, _ := app.service()
	req, err := http.NewRequest(http.MethodGet, svc.Server.URL()+"/api/engines/"+service.EngineName+"/containers/"+id+"/history", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+svc.Server.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var routed protocol.History
	if err := json.NewDecoder(resp.Body).Decode(&routed); err != nil {
		t.Fatal(err)
	}
	if len(routed.Samples) < len(h.Samples) || routed.Samples[0] != h.Samples[0] || routed.ID != h.ID || routed.Engine != h.Engine {
		t.Fatalf("route answered %d samples from %+v, the bound method %d from %+v", len(routed.Samples), routed.Samples[0], len(h.Samples), h.Samples[0])
	}
	if _, err := app.History(service.EngineName, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("History of an unknown container: %v, want ErrNotFound", err)
	}
}

// TestInspectBoundMethod: the bound method gives the route's answer, and
// names an unknown engine.
func TestInspectBoundMethod(t *testing.T) {
	e := enginetest.Require(t)
	id := e.CreateContainer(t, "dp-app-inspect")
	app := NewApp(service.Config{DockerHost: e.Host}, zaptest.NewLogger(t))
	app.startup(context.Background())
	defer app.shutdown(context.Background())

	in, err := app.Inspect(service.EngineName, id)
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != id || in.Name != "dp-app-inspect" || in.State != model.StateCreated || in.NetworkMode != "none" || !strings.Contains(in.Raw, id) {
		t.Errorf("Inspect = %+v", in)
	}
	if _, err := app.Inspect("elsewhere", id); err == nil || !strings.Contains(err.Error(), `no such engine "elsewhere"`) {
		t.Errorf("Inspect on an unknown engine: %v", err)
	}
}

// TestBoundLogs: the bound Logs method gives the polling route's answer
// for the same query, checks the query as the route does, and LastWords
// gives what was kept of a container that died.
func TestBoundLogs(t *testing.T) {
	e := enginetest.Require(t)
	cli := e.Client(t)
	app := NewApp(service.Config{DockerHost: e.Host}, zaptest.NewLogger(t))
	app.startup(context.Background())
	defer app.shutdown(context.Background())
	id := e.RunContainer(t, "dp-app-logs", "sh", "-c", `i=0; while [ $i -lt 30 ]; do echo "line $i"; i=$((i+1)); done; exit 4`)
	okc, errc := cli.ContainerWait(context.Background(), id, "not-running")
	select {
	case <-okc:
	case err := <-errc:
		t.Fatal(err)
	}

	page, err := app.Logs(service.EngineName, id, logs.Query{Tail: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Lines) != 5 || page.Lines[0].Text != "line 25" || page.Lines[4].Text != "line 29" || page.Cursor == "" {
		t.Fatalf("Logs tail 5: %+v", page)
	}
	svc, _ := app.service()
	resp, err := func() (*http.Response, error) {
		req, err := http.NewRequest(http.MethodGet, svc.Server.URL()+"/api/engines/"+service.EngineName+"/containers/"+id+"/logs?tail=5", nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+svc.Server.Token())
		return http.DefaultClient.Do(req)
	}()
	if err != nil {
		t.Fatal(err)
	}
	var routed logs.Page
	err = json.NewDecoder(resp.Body).Decode(&routed)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(routed) != fmt.Sprint(page) {
		t.Fatalf("the route answered %+v, the bound method %+v", routed, page)
	}
	if _, err := app.Logs(service.EngineName, id, logs.Query{Tail: 5, Since: "2026-12-02T06:43:20Z"}); !errors.Is(err, model.ErrInvalid) || !strings.HasPrefix(err.Error(), "tail") {
		t.Fatalf("Logs with tail and since: %v, want invalid naming tail", err)
	}
	if _, err := app.Logs("elsewhere", id, logs.Query{}); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("Logs on an unknown engine: %v", err)
	}

	var lw logs.LastWords
	deadline := time.Now().Add(20 * time.Second)
	for {
		if lw, err = app.LastWords(service.EngineName, id); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || lw.ExitCode != 4 || len(lw.Lines) != 30 || lw.Lines[29].Text != "line 29" {
		t.Fatalf("LastWords: %+v, %v", lw, err)
	}
	if _, err := app.LastWords(service.EngineName, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("LastWords of an unknown container: %v, want ErrNotFound", err)
	}
}
