package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
)

// App owns the desktop app's lifecycle and the methods bound to the
// frontend. The bound methods are the polling fallback: they read the same
// store the WebSocket streams from, so they keep working when the socket
// does not.
type App struct {
	cfg  service.Config
	base *zap.Logger // for the backend's components, which add their own names
	log  *zap.Logger

	mu       sync.Mutex
	svc      *service.Service
	startErr error // why the backend, or its live server, did not start

	desktop desktop // the window and the OS around it (app_desktop.go)
}

// NewApp prepares the app; the backend starts in startup.
func NewApp(cfg service.Config, log *zap.Logger) *App {
	return &App{cfg: cfg, base: log, log: log.With(zap.String("component", "app"))}
}

// startup runs when the window is ready. Servers start here, never in
// main: the bindings generator runs main too.
func (a *App) startup(ctx context.Context) {
	a.desktop.started(ctx)
	svc, err := service.New(a.cfg, a.base)
	if err == nil {
		err = svc.Start(ctx)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.svc, a.startErr = svc, err
	if err != nil {
		a.log.Error("backend start", zap.Error(err))
	}
}

// shutdown runs when the window closes.
func (a *App) shutdown(context.Context) {
	if err := a.desktop.closeNotifier(); err != nil {
		a.log.Warn("close the notifier", zap.Error(err))
	}
	svc, _ := a.service()
	if svc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := svc.Stop(ctx); err != nil {
		a.log.Error("backend stop", zap.Error(err))
	}
}

func (a *App) service() (*service.Service, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.svc == nil {
		if a.startErr != nil {
			return nil, a.startErr
		}
		return nil, errors.New("backend is still starting")
	}
	return a.svc, nil
}

// LiveEndpoint returns the WebSocket URL and the token to present.
func (a *App) LiveEndpoint() (service.Endpoint, error) {
	svc, err := a.service()
	if err != nil {
		return service.Endpoint{}, err
	}
	return svc.Endpoint()
}

// read answers a polling method from the running backend's store.
func read[T any](a *App, get func(*service.Service) T) (T, error) {
	svc, err := a.service()
	if err != nil {
		var zero T
		return zero, err
	}
	return get(svc), nil
}

// Snapshot returns the complete current picture, as the stream's snapshot.
func (a *App) Snapshot() (protocol.Snapshot, error) { return read(a, (*service.Service).Snapshot) }

// Containers returns every known container.
func (a *App) Containers() ([]model.Container, error) { return read(a, (*service.Service).Containers) }

// Stats returns the latest sample of every running container.
func (a *App) Stats() ([]model.Stats, error) { return read(a, (*service.Service).Stats) }

// Engines returns the engines' facts and connection status.
func (a *App) Engines() ([]model.EngineInfo, error) { return read(a, (*service.Service).Engines) }

// Events returns recent engine events, oldest first.
func (a *App) Events() ([]model.Event, error) { return read(a, (*service.Service).Events) }

// History returns a container's samples of the last few minutes, oldest
// first, as GET /api/engines/{engine}/containers/{id}/history does.
func (a *App) History(engine, id string) (protocol.History, error) {
	svc, err := a.service()
	if err != nil {
		return protocol.History{}, err
	}
	return svc.History(engine, id)
}

// act performs a container action on one engine. Its effect reaches the UI
// through the engine's events, like any other change; the error, if any, is
// the engine's own message with context (an engine not watched is
// model.ErrNotFound naming it).
func (a *App) act(engine, action, id string) error {
	return a.actWith(engine, action, id, model.ActOptions{})
}

// actWith is act with options.
func (a *App) actWith(engine, action, id string, opts model.ActOptions) error {
	svc, err := a.service()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), server.DefaultActionTimeout)
	defer cancel()
	return svc.Act(ctx, engine, action, id, opts)
}

// StartContainer starts a created or stopped container.
func (a *App) StartContainer(engine, id string) error { return a.act(engine, docker.ActionStart, id) }

// StopContainer stops a container, killing it after its stop timeout.
func (a *App) StopContainer(engine, id string) error { return a.act(engine, docker.ActionStop, id) }

// RestartContainer stops and starts a container.
func (a *App) RestartContainer(engine, id string) error {
	return a.act(engine, docker.ActionRestart, id)
}

// PauseContainer freezes a running container's processes.
func (a *App) PauseContainer(engine, id string) error { return a.act(engine, docker.ActionPause, id) }

// UnpauseContainer resumes a paused container.
func (a *App) UnpauseContainer(engine, id string) error {
	return a.act(engine, docker.ActionUnpause, id)
}

// KillContainer sends SIGKILL to a container.
func (a *App) KillContainer(engine, id string) error { return a.act(engine, docker.ActionKill, id) }

// RemoveContainer removes a stopped container and, if asked, its anonymous
// volumes. The engine refuses to remove a running container unless force is
// set, which kills it first (`docker rm -f`).
func (a *App) RemoveContainer(engine, id string, removeVolumes, force bool) error {
	return a.actWith(engine, docker.ActionRemove, id, model.ActOptions{RemoveVolumes: removeVolumes, Force: force})
}

// Inspect returns the full inspect of one container of one engine, as GET
// /api/engines/{engine}/containers/{id}/inspect does.
func (a *App) Inspect(engine, id string) (model.Inspect, error) {
	svc, err := a.service()
	if err != nil {
		return model.Inspect{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), server.InspectTimeout)
	defer cancel()
	return svc.Inspect(ctx, engine, id)
}

// Logs returns a page of a container's logs, as GET
// /api/engines/{engine}/containers/{id}/logs does with the same query (its
// zero fields take the route's defaults; a bad one is an error wrapping
// model.ErrInvalid that names it).
func (a *App) Logs(engine, id string, q logs.Query) (logs.Page, error) {
	svc, err := a.service()
	if err != nil {
		return logs.Page{}, err
	}
	if q, err = server.CheckLogsQuery(q); err != nil {
		return logs.Page{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), server.LogsTimeout)
	defer cancel()
	return svc.Logs(ctx, engine, id, q)
}

// LastWords returns the last lines Dockpulse kept of a container that died,
// even once it is removed, as GET
// /api/engines/{engine}/containers/{id}/lastwords does; none kept is an
// error wrapping model.ErrNotFound.
func (a *App) LastWords(engine, id string) (logs.LastWords, error) {
	svc, err := a.service()
	if err != nil {
		return logs.LastWords{}, err
	}
	return svc.LastWords(engine, id)
}
