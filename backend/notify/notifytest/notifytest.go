// Package notifytest runs a private D-Bus session bus with a notification
// service on it (org.freedesktop.Notifications, as a desktop's notification
// daemon implements it), so that tests see what reaches the OS, can click
// a notification (Invoke) and can restart the bus (Restart).
package notifytest

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Notification is what a client asked the service to show.
type Notification struct {
	// ID is the id the service answered with (from 1, counting on across
	// a Restart).
	ID      uint32
	AppName string
	Summary string
	Body    string
	// Actions are the action keys and labels, in pairs, as sent.
	Actions []string
	// HasImage says whether an image-data hint came along.
	HasImage bool
}

// ActionKeys are the keys among n's actions (the even elements).
func (n Notification) ActionKeys() []string {
	var keys []string
	for i := 0; i+1 < len(n.Actions); i += 2 {
		keys = append(keys, n.Actions[i])
	}
	return keys
}

// DefaultCapabilities are what the service advertises unless told otherwise:
// those of a desktop's notification daemon that shows action buttons.
var DefaultCapabilities = []string{"actions", "body"}

// Bus is a private session bus and the notifications sent on it.
type Bus struct {
	// Address is the bus address for DBUS_SESSION_BUS_ADDRESS.
	Address string

	dir  string
	caps []string

	mu     sync.Mutex
	got    []Notification
	seen   int // notifications already matched by a wait
	daemon *exec.Cmd
	conn   *dbus.Conn // the service's connection
	stderr *os.File
}

// Start runs dbus-daemon with the session configuration on a socket in a
// temporary folder and serves org.freedesktop.Notifications on it until the
// test ends, advertising DefaultCapabilities. It fails the test when
// dbus-daemon is missing (scripts/install-deps.sh installs it).
func Start(t testing.TB) *Bus {
	t.Helper()
	return StartWithCapabilities(t, DefaultCapabilities)
}

// StartWithCapabilities is Start with a service that advertises caps.
func StartWithCapabilities(t testing.TB, caps []string) *Bus {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Fatalf("dbus-daemon: %v (scripts/install-deps.sh installs it)", err)
	}
	b := &Bus{dir: t.TempDir(), caps: append([]string(nil), caps...)}
	b.Address = "unix:path=" + filepath.Join(b.dir, "bus")
	t.Cleanup(func() { b.stop(t) })
	b.run(t)
	return b
}

// Restart ends the bus, dropping every client's connection as a crashed or
// restarted session bus does, and starts a new one at the same address with
// the service on it. Notifications received so far are kept.
func (b *Bus) Restart(t testing.TB) {
	t.Helper()
	b.stop(t)
	b.run(t)
}

// run starts dbus-daemon at b.Address and the service on it.
func (b *Bus) run(t testing.TB) {
	t.Helper()
	d := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address", "--address="+b.Address)
	out, err := d.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.OpenFile(filepath.Join(b.dir, "dbus-daemon.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	d.Stderr = stderr
	// A socket left by a killed daemon would make the new one fail to listen.
	_ = os.Remove(filepath.Join(b.dir, "bus"))
	if err := d.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	b.mu.Lock()
	b.daemon, b.stderr = d, stderr
	b.mu.Unlock()
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatalf("dbus-daemon address: %v", err)
	}
	conn, err := dbus.Connect(b.Address)
	if err != nil {
		t.Fatalf("connect to the test bus %s: %v", b.Address, err)
	}
	b.mu.Lock()
	b.conn = conn
	b.mu.Unlock()
	if err := conn.Export(service{b}, path, iface); err != nil {
		t.Fatalf("export the notification service: %v", err)
	}
	reply, err := conn.RequestName(iface, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s on the test bus: reply %v, %v", iface, reply, err)
	}
}

// stop ends the service's connection and the daemon, if running.
func (b *Bus) stop(t testing.TB) {
	b.mu.Lock()
	d, conn, stderr := b.daemon, b.conn, b.stderr
	b.daemon, b.conn, b.stderr = nil, nil, nil
	b.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
	if d == nil {
		return
	}
	_ = d.Process.Kill() // the bus is disposable
	_ = d.Wait()
	_ = stderr.Close()
	if t.Failed() {
		log, _ := os.ReadFile(stderr.Name())
		t.Logf("dbus-daemon's log:\n%s", log)
	}
}

const (
	path  = "/org/freedesktop/Notifications"
	iface = "org.freedesktop.Notifications"
)

// service implements the methods of the Desktop Notifications
// Specification that clients call.
type service struct{ b *Bus }

func (s service) Notify(appName string, _ uint32, _ string, summary, body string, actions []string, hints map[string]dbus.Variant, _ int32) (uint32, *dbus.Error) {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	_, image := hints["image-data"]
	n := Notification{ID: uint32(len(s.b.got) + 1), AppName: appName, Summary: summary, Body: body, Actions: actions, HasImage: image}
	s.b.got = append(s.b.got, n)
	return n.ID, nil
}

func (s service) GetCapabilities() ([]string, *dbus.Error) { return s.b.caps, nil }

func (service) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "notifytest", "dockpulse", "1", "1.2", nil
}

// CloseNotification closes it, as a client may ask: NotificationClosed
// with reason 3, "closed by a call to CloseNotification".
func (s service) CloseNotification(id uint32) *dbus.Error {
	if err := s.b.emit("NotificationClosed", id, uint32(3)); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}

// Invoke does what a click does: the service emits ActionInvoked for the
// notification id with the action key ("default" for a click on the
// notification itself), then NotificationClosed (reason 2, dismissed by
// the user), as desktop notification daemons do.
func (b *Bus) Invoke(t testing.TB, id uint32, action string) {
	t.Helper()
	if err := b.emit("ActionInvoked", id, action); err != nil {
		t.Fatalf("invoke action %q of notification %d: %v", action, id, err)
	}
	if err := b.emit("NotificationClosed", id, uint32(2)); err != nil {
		t.Fatalf("close notification %d: %v", id, err)
	}
}

// Dismiss closes the notification id as the user's dismissing it does:
// NotificationClosed with reason 2.
func (b *Bus) Dismiss(t testing.TB, id uint32) {
	t.Helper()
	if err := b.emit("NotificationClosed", id, uint32(2)); err != nil {
		t.Fatalf("close notification %d: %v", id, err)
	}
}

// emit sends one of the service's signals from its connection.
func (b *Bus) emit(name string, args ...any) error {
	b.mu.Lock()
	conn := b.conn
	b.mu.Unlock()
	if conn == nil {
		return errors.New("the test bus is not running")
	}
	return conn.Emit(path, iface+"."+name, args...)
}

// All returns every notification received so far.
func (b *Bus) All() []Notification {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Notification(nil), b.got...)
}

// WaitFor waits for a notification after the last one a wait matched, and
// fails with why and every notification received when none comes in time.
func (b *Bus) WaitFor(t testing.TB, why string, timeout time.Duration, match func(Notification) bool) Notification {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b.mu.Lock()
		for i := b.seen; i < len(b.got); i++ {
			if match(b.got[i]) {
				b.seen = i + 1
				n := b.got[i]
				b.mu.Unlock()
				return n
			}
		}
		all := append([]Notification(nil), b.got...)
		b.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("%s within %s; notifications received: %+v", why, timeout, all)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
