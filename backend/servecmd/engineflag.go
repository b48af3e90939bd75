package servecmd

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/dockpulse/dockpulse/backend/engines"
)

// ContextFlag defines --context, the docker context to watch. It may be
// given more than once so that a second one is refused in words rather
// than silently replacing the first.
func ContextFlag(fset *flag.FlagSet) *[]string {
	var names []string
	fset.Func("context", "the docker context to watch, by its name in `docker context ls` (default: the one the docker command uses: DOCKER_HOST, DOCKER_CONTEXT, then the CLI config's current context)", func(v string) error {
		if v == "" {
			return errors.New("empty context name")
		}
		names = append(names, v)
		return nil
	})
	return &names
}

// ResolveEngine is the engine to watch: the one --context names, else the
// docker command's current one. A wrong name lists the known ones.
func ResolveEngine(names []string) (engines.Endpoint, error) {
	if len(names) > 1 {
		return engines.Endpoint{}, fmt.Errorf("--context %s: watching several engines at once is not supported yet; pass one --context", strings.Join(names, ", "))
	}
	var o engines.Options
	if len(names) == 1 {
		o.Context = names[0]
	}
	ep, err := engines.Resolve(o)
	if err != nil {
		return engines.Endpoint{}, fmt.Errorf("engine: %w", err)
	}
	return ep, nil
}
