// Package notify shows the desktop app's notifications through the
// operating system (the freedesktop notification service over D-Bus on
// Linux, toasts on Windows, the notification centre on macOS) and remembers
// whether the user wants them.
//
// A notification may name what it is about (a Target). Where the platform
// reports a click, the notifier's onClick receives that Target: on Linux,
// through the notification service's ActionInvoked signal (bus_linux.go);
// on Windows, through the toast's COM activator, which Windows calls with
// the activation argument the toast carries (send_windows.go, toaster.go,
// activation.go). macOS notifications go through beeep, which cannot
// report a click (send_other.go).
package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

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

// Target is what a notification is about, and so what a click on it opens:
// a container, as the page's alert names it.
type Target struct {
	// Key is the container's `engine/id`; empty: nothing to open.
	Key string `json:"key"`
	// Name is what to call the container once it is gone.
	Name string `json:"name,omitempty"`
}

// Clicks is what the notifier calls when the user clicks one of its
// notifications, where the platform reports clicks (ClicksReported), on a
// goroutine of the notifier's. Either may be nil.
type Clicks struct {
	// Open gets the Target of the notification clicked.
	Open func(Target)
	// Unreadable gets the error of a click whose target cannot be read: a
	// click handed over by another program (Windows lets any program start
	// the toast activator). It opens nothing.
	Unreadable func(error)
}

// message is one notification to show.
type message struct {
	title, body string
	target      Target
}

// sender is the platform's way of showing notifications (bus_linux.go,
// send_windows.go, send_other.go).
type sender interface {
	send(m message) error
	close() error
}

// Notifier sends notifications while the user has them on. The zero value
// is not usable: use New.
type Notifier struct {
	path string
	out  sender // shows them, with the icon scaled to IconSize

	mu      sync.Mutex
	loaded  bool
	enabled bool
	loadErr error
}

// New returns a notifier that keeps its setting in path and shows icon (PNG
// bytes, may be nil; scaled down to IconSize) beside its notifications, and
// tells clicks of the clicks on them.
func New(path string, icon []byte, clicks Clicks) (*Notifier, error) {
	if len(icon) > 0 {
		small, err := smallIcon(icon, IconSize)
		if err != nil {
			return nil, fmt.Errorf("notification icon: %w", err)
		}
		icon = small
	}
	if clicks.Open == nil {
		clicks.Open = func(Target) {}
	}
	if clicks.Unreadable == nil {
		clicks.Unreadable = func(error) {}
	}
	out, err := newSender(icon, clicks)
	if err != nil {
		return nil, err
	}
	return &Notifier{path: path, out: out}, nil
}

// Close releases the platform's resources (the session bus connection on
// Linux); clicks are no longer reported.
func (n *Notifier) Close() error {
	return n.out.close()
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

// Notify shows a notification about target (may be the zero Target) unless
// the user turned them off; it reports whether one was sent. A failure
// names the platform mechanism's error.
func (n *Notifier) Notify(title, body string, target Target) (bool, error) {
	on, _ := n.Enabled() // an unreadable setting is the default, on
	if !on {
		return false, nil
	}
	if err := n.out.send(message{title: title, body: body, target: target}); err != nil {
		return false, fmt.Errorf("show notification %q: %w", title, err)
	}
	return true, nil
}
