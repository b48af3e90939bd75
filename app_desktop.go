package main

import (
	"context"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/notify"
)

// singleInstanceID names the lock a second launch finds (on Linux, a name
// on the session bus): it then hands its arguments to the first and exits.
const singleInstanceID = "io.github.dockpulse"

// desktop is what the App knows of the window and the OS around it: the
// Wails context for window calls and the OS notifications.
type desktop struct {
	// handingOver is set when another instance held the lock at launch:
	// this one is about to hand its arguments over and exit.
	handingOver bool

	mu    sync.Mutex
	ctx   context.Context // nil until startup
	notes *notify.Notifier
	err   error // why there is no notifier
}

// handOverWait is how long a launch that found another instance waits
// before starting its backend after all (the other may have quit meanwhile).
const handOverWait = 10 * time.Second

// started keeps the Wails context; in a launch that is handing over to
// another instance it first waits for Wails to end the process.
func (d *desktop) started(ctx context.Context) {
	d.mu.Lock()
	d.ctx = ctx
	d.mu.Unlock()
	if d.handingOver {
		time.Sleep(handOverWait)
	}
}

// notifier opens the notification setting on first use.
func (d *desktop) notifier() (*notify.Notifier, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.notes == nil && d.err == nil {
		path, err := notify.DefaultFile()
		if err != nil {
			d.err = err
		} else {
			d.notes, d.err = notify.New(path, icon)
		}
	}
	return d.notes, d.err
}

// singleInstance is the lock that makes a second launch raise this window.
func (a *App) singleInstance() *options.SingleInstanceLock {
	a.desktop.handingOver = otherInstance(singleInstanceID)
	return &options.SingleInstanceLock{UniqueId: singleInstanceID, OnSecondInstanceLaunch: a.secondInstance}
}

// secondInstance runs when Dockpulse is launched again: the launch exits
// and this window comes to the front, unminimised.
func (a *App) secondInstance(data options.SecondInstanceData) {
	a.log.Info("second launch: raising the window", zap.Strings("args", data.Args))
	a.desktop.mu.Lock()
	ctx := a.desktop.ctx
	a.desktop.mu.Unlock()
	if ctx == nil {
		return // no window yet: it will show itself
	}
	runtime.WindowUnminimise(ctx)
	runtime.WindowShow(ctx)
}

// NotificationsEnabled says whether the OS notifications are on; the error
// says why the remembered setting could not be read (they are then on).
func (a *App) NotificationsEnabled() (bool, error) {
	n, err := a.desktop.notifier()
	if err != nil {
		return false, err
	}
	return n.Enabled()
}

// SetNotificationsEnabled turns the OS notifications on or off, and
// remembers it for later launches.
func (a *App) SetNotificationsEnabled(on bool) error {
	n, err := a.desktop.notifier()
	if err != nil {
		return err
	}
	return n.SetEnabled(on)
}

// Notify shows an OS notification, unless they are turned off. The page
// decides when (an alert while the window is hidden or minimised); it
// reports whether one was shown.
func (a *App) Notify(title, body string) (bool, error) {
	n, err := a.desktop.notifier()
	if err != nil {
		return false, err
	}
	sent, err := n.Notify(title, body)
	if err != nil {
		a.log.Warn("notification", zap.Error(err))
	} else if sent {
		a.log.Debug("notification sent", zap.String("title", title))
	}
	return sent, err
}
