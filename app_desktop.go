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

// notifier opens the notification setting on first use; clicks gets the
// clicks on its notifications.
func (d *desktop) notifier(clicks notify.Clicks) (*notify.Notifier, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.notes == nil && d.err == nil {
		path, err := notify.DefaultFile()
		if err != nil {
			d.err = err
		} else {
			d.notes, d.err = notify.New(path, icon, clicks)
		}
	}
	return d.notes, d.err
}

// context is the Wails context, nil before startup.
func (d *desktop) context() context.Context {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ctx
}

// closeNotifier lets go of the notifier's session bus connection at exit.
func (d *desktop) closeNotifier() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.notes == nil {
		return nil
	}
	return d.notes.Close()
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
	if ctx := a.desktop.context(); ctx != nil { // no window yet: it will show itself
		raise(ctx)
	}
}

// raise brings the window to the front, unminimised and shown.
func raise(ctx context.Context) {
	runtime.WindowUnminimise(ctx)
	runtime.WindowShow(ctx)
}

// NotificationOpenEvent is the Wails event a click on an OS notification
// emits, carrying its notify.Target; the page (frontend/src/live/osNotify.ts)
// opens that container's logs.
const NotificationOpenEvent = "notification:open"

// notificationClicked raises the window and asks the page to open the
// logs of the container the clicked notification was about.
func (a *App) notificationClicked(t notify.Target) {
	a.log.Info("notification clicked: opening logs", zap.String("container", t.Key))
	ctx := a.desktop.context()
	if ctx == nil {
		return // no window to show it in (the app is still starting or ending)
	}
	raise(ctx)
	runtime.EventsEmit(ctx, NotificationOpenEvent, t)
}

// notifier is the app's notifier: a click opens the logs of the
// notification's container; one whose target cannot be read is logged.
func (a *App) notifier() (*notify.Notifier, error) {
	return a.desktop.notifier(notify.Clicks{
		Open:       a.notificationClicked,
		Unreadable: func(err error) { a.log.Warn("notification click not understood: nothing opened", zap.Error(err)) },
	})
}

// NotificationsEnabled says whether the OS notifications are on; the error
// says why the remembered setting could not be read (they are then on).
func (a *App) NotificationsEnabled() (bool, error) {
	n, err := a.notifier()
	if err != nil {
		return false, err
	}
	return n.Enabled()
}

// SetNotificationsEnabled turns the OS notifications on or off, and
// remembers it for later launches.
func (a *App) SetNotificationsEnabled(on bool) error {
	n, err := a.notifier()
	if err != nil {
		return err
	}
	return n.SetEnabled(on)
}

// Notify shows an OS notification about target (the container an alert is
// about; a zero Target for none), unless they are turned off. The page
// decides when (an alert while the window is hidden or minimised); it
// reports whether one was shown. Where the OS reports a click
// (notify.ClicksReported), one raises the window and emits
// NotificationOpenEvent with the target.
func (a *App) Notify(title, body string, target notify.Target) (bool, error) {
	n, err := a.notifier()
	if err != nil {
		return false, err
	}
	sent, err := n.Notify(title, body, target)
	if err != nil {
		a.log.Warn("notification", zap.Error(err))
	} else if sent {
		a.log.Debug("notification sent", zap.String("title", title))
	}
	return sent, err
}
