// Package notifytest runs a private D-Bus session bus with a notification
// service on it (org.freedesktop.Notifications, as a desktop's notification
// daemon implements it), so that tests see what reaches the OS.
package notifytest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Notification is what a client asked the service to show.
type Notification struct {
	AppName string
	Summary string
	Body    string
}

// Bus is a private session bus and the notifications sent on it.
type Bus struct {
	// Address is the bus address for DBUS_SESSION_BUS_ADDRESS.
	Address string

	mu   sync.Mutex
	got  []Notification
	seen int // notifications already matched by a wait
}

// Start runs dbus-daemon with the session configuration on a socket in a
// temporary folder and serves org.freedesktop.Notifications on it until the
// test ends. It fails the test when dbus-daemon is missing
// (scripts/install-deps.sh installs it).
func Start(t testing.TB) *Bus {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Fatalf("dbus-daemon: %v (scripts/install-deps.sh installs it)", err)
	}
	dir := t.TempDir()
	d := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address", "--address=unix:path="+filepath.Join(dir, "bus"))
	out, err := d.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.Create(filepath.Join(dir, "dbus-daemon.log"))
	if err != nil {
		t.Fatal(err)
	}
	d.Stderr = stderr
	if err := d.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		_ = d.Process.Kill() // the bus is disposable
		_ = d.Wait()
		_ = stderr.Close()
		if t.Failed() {
			log, _ := os.ReadFile(stderr.Name())
			t.Logf("dbus-daemon's log:\n%s", log)
		}
	})
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon address: %v", err)
	}
	b := &Bus{Address: strings.TrimSpace(addr)}

	conn, err := dbus.Connect(b.Address)
	if err != nil {
		t.Fatalf("connect to the test bus %s: %v", b.Address, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if err := conn.Export(service{b}, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatalf("export the notification service: %v", err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.freedesktop.Notifications on the test bus: reply %v, %v", reply, err)
	}
	return b
}

// service implements the methods of the Desktop Notifications
// Specification that clients call.
type service struct{ b *Bus }

func (s service) Notify(appName string, _ uint32, _ string, summary, body string, _ []string, _ map[string]dbus.Variant, _ int32) (uint32, *dbus.Error) {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.got = append(s.b.got, Notification{AppName: appName, Summary: summary, Body: body})
	return uint32(len(s.b.got)), nil
}

func (service) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

func (service) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "notifytest", "dockpulse", "1", "1.2", nil
}

func (service) CloseNotification(uint32) *dbus.Error { return nil }

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
