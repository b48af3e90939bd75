package service

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/model"
)

// TestSwitchWithoutAnEngineRunning switches the default context on and off
// in a service that starts with none: no engine need answer for the unit
// to start (it says connecting) and stop (it is gone from the store).
func TestSwitchWithoutAnEngineRunning(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", filepath.Join(dir, "config"))
	t.Setenv("HOME", dir)
	t.Setenv("DOCKER_CONTEXT", "")
	sock := "unix://" + filepath.Join(dir, "none.sock")
	var remembered [][]string
	svc, err := New(Config{WatchNone: true, DockerHost: sock, RememberWatched: func(w []string) error {
		remembered = append(remembered, slices.Clone(w))
		return nil
	}}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := svc.Stop(ctx); err != nil {
			t.Error(err)
		}
	}()
	if n := len(svc.Engines()); n != 0 {
		t.Fatalf("WatchNone: %d engines", n)
	}

	err = svc.SetWatched("far", true)
	if !errors.Is(err, model.ErrNotFound) || err.Error() != `docker context "far" not found; known contexts: default` {
		t.Errorf("an unknown context: %v", err)
	}
	if err := svc.SetWatched("default", true); err != nil {
		t.Fatal(err)
	}
	if got := svc.Engines(); len(got) != 1 || got[0].Engine != "default" || got[0].Host != sock {
		t.Fatalf("after switching default on: %+v", got)
	}
	list, err := svc.Contexts()
	if err != nil || len(list) != 1 || !list[0].Watched || list[0].Status == "" || list[0].Endpoint != sock || !list[0].Current {
		t.Fatalf("contexts: %+v, %v", list, err)
	}
	if err := svc.SetWatched("default", true); err != nil {
		t.Errorf("switching on an engine that is on: %v", err)
	}
	if err := svc.SetWatched("default", false); err != nil {
		t.Fatal(err)
	}
	if got := svc.Engines(); len(got) != 0 {
		t.Errorf("after switching default off: %+v", got)
	}
	if _, ok := svc.Engine("default"); ok {
		t.Error("the service still has the engine")
	}
	if got := len(remembered); got != 2 || !slices.Equal(remembered[0], []string{"default"}) || len(remembered[1]) != 0 {
		t.Errorf("remembered %v, want [[default] []]", remembered)
	}
}
