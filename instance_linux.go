package main

import (
	"strings"

	"github.com/godbus/dbus/v5"
)

// instanceLockName is the session-bus name Wails v2 takes for
// SingleInstanceLock on Linux (its SetupSingleInstance), derived from the id
// the same way.
func instanceLockName(id string) string {
	return "org.wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(id) + ".SingleInstance"
}

// otherInstance says whether a running Dockpulse holds the single-instance
// lock. Wails checks the lock only after it has started OnStartup, so
// without this a second launch would start a backend of its own before it
// hands over and exits. Without a session bus there is no lock: false.
func otherInstance(id string) bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	var owned bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, instanceLockName(id)).Store(&owned)
	return err == nil && owned
}
