package servecmd

import (
	"errors"
	"flag"
	"fmt"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/engines"
)

// EngineFlags are --context (repeatable) and --all-contexts: the engines to
// watch.
type EngineFlags struct {
	Contexts []string // each --context, in order
	All      bool     // --all-contexts
}

// DefineEngineFlags defines --context and --all-contexts on fset.
func DefineEngineFlags(fset *flag.FlagSet) *EngineFlags {
	f := &EngineFlags{}
	fset.Func("context", "a docker context to watch, by its name in `docker context ls`; repeat it to watch several engines at once (default: the one the docker command uses: DOCKER_HOST, DOCKER_CONTEXT, then the CLI config's current context)", func(v string) error {
		if v == "" {
			return errors.New("empty context name")
		}
		f.Contexts = append(f.Contexts, v)
		return nil
	})
	fset.BoolVar(&f.All, "all-contexts", false, "watch every engine `docker context ls` lists, at once")
	return f
}

// Resolve is the engines to watch, in the order given: each --context, or
// with --all-contexts every context engines.List gives, else the docker
// command's current one. A context named twice, or --context beside
// --all-contexts, is an error; so is an unknown name, which lists the known
// ones.
func (f EngineFlags) Resolve() ([]engines.Endpoint, error) {
	if f.All && len(f.Contexts) > 0 {
		return nil, fmt.Errorf("--context %s with --all-contexts: choose contexts by name or take them all, not both", f.Contexts[0])
	}
	if f.All {
		list, err := engines.List(engines.Options{})
		if err != nil {
			return nil, fmt.Errorf("engines: %w", err)
		}
		return list, nil
	}
	if len(f.Contexts) == 0 {
		ep, err := engines.Resolve(engines.Options{})
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		return []engines.Endpoint{ep}, nil
	}
	seen := make(map[string]bool, len(f.Contexts))
	out := make([]engines.Endpoint, 0, len(f.Contexts))
	for _, name := range f.Contexts {
		if seen[name] {
			return nil, fmt.Errorf("--context %s is given twice: each engine is watched once", name)
		}
		seen[name] = true
		ep, err := engines.Resolve(engines.Options{Context: name})
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		out = append(out, ep)
	}
	return out, nil
}

// LogEngines says, for each engine to watch, its context, endpoint and how
// it was found.
func LogEngines(log *zap.Logger, eps []engines.Endpoint) {
	for _, ep := range eps {
		log.Info("engine", zap.String("context", ep.Name), zap.String("endpoint", ep.Display()), zap.String("found", ep.Source))
	}
}
