package main

import (
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/enginechoice"
	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
)

// Contexts lists every docker context, with its endpoint, whether it is
// the current one and watched, and a watched engine's status, as GET
// /api/contexts does.
func (a *App) Contexts() ([]protocol.EngineContext, error) {
	svc, err := a.service()
	if err != nil {
		return nil, err
	}
	return svc.Contexts()
}

// SetWatched switches one engine on or off at once, as PUT and DELETE
// /api/engines/{engine}/watch do, and remembers the choice for the next
// launch.
func (a *App) SetWatched(name string, on bool) error {
	svc, err := a.service()
	if err != nil {
		return err
	}
	return svc.SetWatched(name, on)
}

// withRememberedEngines makes cfg watch the engines the user chose in an
// earlier run (enginechoice, in the user's config directory) unless the
// command line named some (fromFlags), and remember each later switch
// there. A choice that cannot be read, or names a context that is gone, is
// logged; the current context is watched where nothing is left to watch
// that the user did not switch off.
func withRememberedEngines(cfg service.Config, fromFlags bool, log *zap.Logger) service.Config {
	path, err := enginechoice.DefaultFile()
	if err != nil {
		log.Error("the engine choice cannot be remembered", zap.Error(err))
		return cfg
	}
	cfg.RememberWatched = func(watched []string) error {
		return enginechoice.Save(path, enginechoice.Choice{Contexts: watched})
	}
	names, ok := enginechoice.AtLaunch(path, fromFlags, log)
	if !ok {
		return cfg
	}
	var eps []engines.Endpoint
	for _, name := range names {
		ep, err := engines.Resolve(engines.Options{Context: name})
		if err != nil {
			log.Warn("a remembered engine is not a context any more", zap.String("context", name), zap.Error(err))
			continue
		}
		eps = append(eps, ep)
	}
	switch {
	case len(eps) > 0:
		cfg.Engines = eps
	case len(names) == 0:
		cfg.WatchNone = true // the user switched every engine off
	default:
		log.Warn("no remembered engine is left: watching the current context")
	}
	return cfg
}
