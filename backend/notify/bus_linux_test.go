package notify

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/dockpulse/dockpulse/backend/notify/notifytest"
)

// clickTest is a notifier on a private session bus whose clicks land in a
// channel.
type clickTest struct {
	bus    *notifytest.Bus
	n      *Notifier
	clicks chan Target
}

func startClickTest(t *testing.T, bus *notifytest.Bus) *clickTest {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	icon, err := os.ReadFile("../../build/appicon.png")
	if err != nil {
		t.Fatal(err)
	}
	c := &clickTest{bus: bus, clicks: make(chan Target, 8)}
	c.n = mustNewClicks(t, filepath.Join(t.TempDir(), FileName), icon, func(tg Target) { c.clicks <- tg })
	return c
}

// notify sends one notification and returns it as the service got it.
func (c *clickTest) notify(t *testing.T, title string, target Target) notifytest.Notification {
	t.Helper()
	if ok, err := c.n.Notify(title, "on local", target); !ok || err != nil {
		t.Fatalf("Notify %q: sent %v, %v", title, ok, err)
	}
	return c.bus.WaitFor(t, "the notification "+title+" never reached the bus", 5*time.Second,
		func(n notifytest.Notification) bool { return n.Summary == title })
}

// TestClickOpensItsTarget clicks notifications on a service that shows
// actions: the notification itself ("default") and its "Open logs" button
// each report the Target it was sent with; another action, or a
// notification about nothing, reports none.
func TestClickOpensItsTarget(t *testing.T) {
	c := startClickTest(t, notifytest.Start(t))
	web := Target{Key: "local/0123abcd", Name: "web-1"}
	db := Target{Key: "other/4567ef01", Name: "db"}

	first := c.notify(t, "web-1 died unexpectedly (exit 1)", web)
	if got, want := first.ActionKeys(), []string{"default", ActionOpenLogs}; !slices.Equal(got, want) {
		t.Errorf("actions %q, want %q", got, want)
	}
	if first.AppName != AppName || !first.HasImage {
		t.Errorf("notification %+v, want app %q and the icon", first, AppName)
	}
	second := c.notify(t, "db was killed by the kernel (out of memory)", db)

	c.bus.Invoke(t, second.ID, ActionOpenLogs)
	wantClick(t, c.clicks, db)
	c.bus.Invoke(t, first.ID, "default")
	wantClick(t, c.clicks, web)

	third := c.notify(t, "web-1 died unexpectedly (exit 2)", web)
	c.bus.Invoke(t, third.ID, "snooze")
	wantNoClick(t, c.clicks, "an action the notifier never sent was invoked", 300*time.Millisecond)

	// Another client on the bus cannot click it, nor crash the notifier
	// with a signal the service would never send.
	rogue, err := dbus.Connect(c.bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer rogue.Close()
	if err := rogue.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications.ActionInvoked", third.ID, "default"); err != nil {
		t.Fatal(err)
	}
	if err := rogue.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications.ActionInvoked", "not an id"); err != nil {
		t.Fatal(err)
	}
	wantNoClick(t, c.clicks, "another client than the service sent the click", 300*time.Millisecond)

	plain := c.notify(t, "about nothing", Target{})
	if len(plain.Actions) != 0 {
		t.Errorf("a notification about nothing offers actions %q", plain.Actions)
	}
	c.bus.Invoke(t, plain.ID, "default")
	wantNoClick(t, c.clicks, "the notification named nothing to open", 300*time.Millisecond)
}

// TestServiceWithoutActionsGetsTheClickOnly: a service that does not
// advertise "actions" gets no button, and a click on the notification
// still opens its target.
func TestServiceWithoutActionsGetsTheClickOnly(t *testing.T) {
	c := startClickTest(t, notifytest.StartWithCapabilities(t, []string{"body"}))
	web := Target{Key: "local/0123abcd", Name: "web-1"}
	got := c.notify(t, "web-1 died unexpectedly (exit 1)", web)
	if keys := got.ActionKeys(); !slices.Equal(keys, []string{"default"}) {
		t.Errorf("actions %q, want only the default", keys)
	}
	c.bus.Invoke(t, got.ID, "default")
	wantClick(t, c.clicks, web)
}

// TestBusRestartLosesNoLaterNotification restarts the session bus between
// two notifications, as a crashed bus or a new login does: the one after
// must reach the new bus's service, and a click on it must still come back.
func TestBusRestartLosesNoLaterNotification(t *testing.T) {
	c := startClickTest(t, notifytest.Start(t))
	web := Target{Key: "local/0123abcd", Name: "web-1"}
	c.notify(t, "before the restart", web)

	c.bus.Restart(t)
	after := c.notify(t, "right after the restart", web) // before the notifier can have seen the drop
	c.bus.Invoke(t, after.ID, "default")
	wantClick(t, c.clicks, web)

	c.bus.Restart(t)
	time.Sleep(500 * time.Millisecond) // this time the drop is seen first
	later := c.notify(t, "a while after the restart", web)
	c.bus.Invoke(t, later.ID, ActionOpenLogs)
	wantClick(t, c.clicks, web)
}

// TestClosedNotificationsAreForgotten: the notifier remembers what a click
// opens only while the notification may still be clicked, and at most
// maxPending of them.
func TestClosedNotificationsAreForgotten(t *testing.T) {
	c := startClickTest(t, notifytest.Start(t))
	web := Target{Key: "local/0123abcd", Name: "web-1"}
	got := c.notify(t, "dismissed", web)
	c.bus.Dismiss(t, got.ID)
	link := c.n.out.(*busSender).link
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := link.target(got.ID); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notification %d is still remembered 5 s after it was closed", got.ID)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.bus.Invoke(t, got.ID, "default")
	wantNoClick(t, c.clicks, "the notification was closed before", 300*time.Millisecond)

	var ids []uint32
	for i := range maxPending + 5 {
		ids = append(ids, c.notify(t, fmt.Sprintf("number %d", i), web).ID)
	}
	link.mu.Lock()
	n := len(link.pending)
	link.mu.Unlock()
	if n != maxPending {
		t.Errorf("%d notifications remembered, want the bound, %d", n, maxPending)
	}
	if _, ok := link.target(ids[0]); ok {
		t.Error("the oldest notification is still remembered past the bound")
	}
	if _, ok := link.target(ids[len(ids)-1]); !ok {
		t.Error("the newest notification was forgotten")
	}
}
