package main

import (
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/dockpulse/dockpulse/backend/notify/notifytest"
)

// TestOtherInstanceSeesTheLock takes the name Wails takes for the lock on a
// private session bus: otherInstance must see it, and nothing before.
func TestOtherInstanceSeesTheLock(t *testing.T) {
	bus := notifytest.Start(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	if otherInstance(singleInstanceID) {
		t.Fatal("otherInstance with nobody holding the lock")
	}
	conn, err := dbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got := instanceLockName(singleInstanceID); got != "org.wails_app_io_github_dockpulse.SingleInstance" {
		t.Fatalf("lock name %q", got)
	}
	if _, err := conn.RequestName(instanceLockName(singleInstanceID), dbus.NameFlagDoNotQueue); err != nil {
		t.Fatal(err)
	}
	if !otherInstance(singleInstanceID) {
		t.Fatal("otherInstance does not see the held lock")
	}
}
