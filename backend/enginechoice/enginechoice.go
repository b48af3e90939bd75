// Package enginechoice remembers which engines the user switched on in the
// desktop app: the names of the watched docker contexts, in a small JSON
// file in the user's config directory, written atomically.
//
// At launch, contexts named on the command line win over the file, and the
// log says so; with neither, the app watches the docker command's current
// context. A file that cannot be read or parsed is a logged error and the
// current context is watched: never a crash.
package enginechoice

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/atomicfile"
	"github.com/dockpulse/dockpulse/backend/configdir"
)

// FileName is the file, in Dir under the user's config directory.
const FileName = "engines.json"

// DefaultFile is engines.json in the app's config folder, beside its log
// and notification setting.
func DefaultFile() (string, error) {
	return configdir.File(FileName)
}

// Choice is the file's content.
type Choice struct {
	// Contexts are the watched contexts' names, sorted. Empty means the
	// user switched every engine off.
	Contexts []string `json:"contexts"`
}

// Load reads the choice; found is false when there is no file. A file
// that exists but cannot be read, or holds no valid choice, is an error
// naming it.
func Load(path string) (c Choice, found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Choice{}, false, nil
	}
	if err != nil {
		return Choice{}, false, fmt.Errorf("read the engine choice: %w", err)
	}
	var raw struct {
		Contexts *[]string `json:"contexts"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Choice{}, false, fmt.Errorf("read the engine choice %s: %w", path, err)
	}
	if raw.Contexts == nil {
		return Choice{}, false, fmt.Errorf("read the engine choice %s: no contexts list", path)
	}
	for i, name := range *raw.Contexts {
		if name == "" {
			return Choice{}, false, fmt.Errorf("read the engine choice %s: context %d has no name", path, i)
		}
	}
	return Choice{Contexts: *raw.Contexts}, true, nil
}

// Save replaces the file with the choice (names sorted, once each).
func Save(path string, c Choice) error {
	names := slices.Clone(c.Contexts)
	slices.Sort(names)
	names = slices.Compact(names)
	if names == nil {
		names = []string{}
	}
	data, err := json.MarshalIndent(Choice{Contexts: names}, "", "  ")
	if err != nil {
		return fmt.Errorf("save the engine choice: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n')); err != nil {
		return fmt.Errorf("save the engine choice: %w", err)
	}
	return nil
}

// AtLaunch decides what the desktop app watches when it starts: the
// contexts the command line names (fromFlags, true when --context or
// --all-contexts was given) win over the file, and the log says so; else
// the file's contexts; else nothing (ok false), which means the current
// context. An unreadable file is logged as an error and means the current
// context too.
func AtLaunch(path string, fromFlags bool, log *zap.Logger) (names []string, ok bool) {
	if path == "" {
		return nil, false
	}
	c, found, err := Load(path)
	switch {
	case fromFlags:
		if found || err != nil {
			log.Info("the command line's engines win over the remembered choice", zap.String("file", path))
		}
		return nil, false
	case err != nil:
		log.Error("remembered engine choice unreadable: watching the current context", zap.Error(err))
		return nil, false
	case !found:
		return nil, false
	}
	log.Info("watching the remembered engines", zap.Strings("contexts", c.Contexts), zap.String("file", path))
	return c.Contexts, true
}
