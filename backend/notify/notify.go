// Package notify shows the desktop app's notifications through the
// operating system (the freedesktop notification service over D-Bus on
// Linux, toasts on Windows, the notification centre on macOS) and remembers
// whether the user wants them.
package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/gen2brain/beeep"

	"github.com/dockpulse/dockpulse/backend/atomicfile"
	"github.com/dockpulse/dockpulse/backend/configdir"
)

// AppName is the application name the notifications carry.
const AppName = "Dockpulse"

// FileName is the settings file, in the same folder as the log
// (logging.DefaultFile).
const FileName = "notifications.json"

// DefaultFile is where the setting is kept: the user's config directory.
func DefaultFile() (string, error) {
	return configdir.File(FileName)
}

// settings is the file's content.
type settings struct {
	// Enabled is a pointer so that a file without it keeps the default.
	Enabled *bool `json:"enabled,omitempty"`
}

// Notifier sends notifications while the user has them on. The zero value
// is not usable: use New.
type Notifier struct {
	path string
	icon []byte // PNG, IconSize px at most
	send func(title, body string, icon []byte) error

	mu      sync.Mutex
	loaded  bool
	enabled bool
	loadErr error
}

// New returns a notifier that keeps its setting in path and shows icon (PNG
// bytes, may be nil; scaled down to IconSize) beside its notifications.
func New(path string, icon []byte) (*Notifier, error) {
	if len(icon) > 0 {
		small, err := smallIcon(icon, IconSize)
		if err != nil {
			return nil, fmt.Errorf("notification icon: %w", err)
		}
		icon = small
	}
	return &Notifier{path: path, icon: icon, send: osSend}, nil
}

func osSend(title, body string, icon []byte) error {
	beeep.AppName = AppName
	var ico any = ""
	if len(icon) > 0 {
		ico = icon
	}
	return beeep.Notify(title, body, ico)
}

// load reads the setting once; on by default. A file that cannot be read
// leaves the default and says why in Enabled's error.
func (n *Notifier) load() {
	if n.loaded {
		return
	}
	n.loaded, n.enabled = true, true
	data, err := os.ReadFile(n.path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		n.loadErr = fmt.Errorf("read notification setting: %w", err)
		return
	}
	var s settings
	if err := json.Unmarshal(data, &s); err != nil {
		n.loadErr = fmt.Errorf("read notification setting %s: %w", n.path, err)
		return
	}
	if s.Enabled != nil {
		n.enabled = *s.Enabled
	}
}

// Enabled says whether notifications are on; the error says why the stored
// setting could not be read (the answer is then the default, on).
func (n *Notifier) Enabled() (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.load()
	return n.enabled, n.loadErr
}

// SetEnabled turns notifications on or off and remembers it.
func (n *Notifier) SetEnabled(on bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.load()
	data, err := json.Marshal(settings{Enabled: &on})
	if err != nil {
		return fmt.Errorf("save notification setting: %w", err)
	}
	if err := atomicfile.WriteFile(n.path, data); err != nil {
		return fmt.Errorf("save notification setting: %w", err)
	}
	n.enabled, n.loadErr = on, nil
	return nil
}

// Notify shows a notification unless the user turned them off; it reports
// whether one was sent. A failure names the platform mechanism's error.
func (n *Notifier) Notify(title, body string) (bool, error) {
	on, _ := n.Enabled() // an unreadable setting is the default, on
	if !on {
		return false, nil
	}
	if err := n.send(title, body, n.icon); err != nil {
		return false, fmt.Errorf("show notification %q: %w", title, err)
	}
	return true, nil
}
