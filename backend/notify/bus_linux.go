//go:build linux

package notify

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"log"
	"sync"
	"time"

	"github.com/esiqveland/notify"
	"github.com/godbus/dbus/v5"
)

// ClicksReported says whether a click on a notification reaches Clicks.Open on
// this platform: on Linux the notification service reports it on the
// session bus (ActionInvoked with the "default" action, or the "Open logs"
// button where the service shows actions).
const ClicksReported = true

const (
	// busTimeout bounds one call to the notification service. One that does
	// not answer in time has its connection closed: the next notification
	// connects afresh.
	busTimeout = 10 * time.Second
	// maxPending bounds the notifications whose clicks are remembered; the
	// oldest are forgotten first (a service closes most of them, and says
	// so with NotificationClosed, long before).
	maxPending = 64
	// ActionOpenLogs is the key of the "Open logs" button sent to a service
	// that advertises the "actions" capability; "default" is the click on
	// the notification itself.
	ActionOpenLogs = "open-logs"
	actionDefault  = "default"
	serviceName    = "org.freedesktop.Notifications"
	servicePath    = "/org/freedesktop/Notifications"
)

// busSender keeps one connection to the session bus for as long as the app
// runs (beeep's connection ended right after each notification, so no
// click could come back). It connects on the first notification and again
// after the connection dropped (the bus or the service restarted).
//
// Why not esiqveland/notify's whole Notifier loop alone: its calls have no
// timeout (a hung service would hang the page's Notify); each call here
// runs under busTimeout, and a timeout closes the connection.
type busSender struct {
	icon    *notify.Hint // image-data, nil without an icon
	onClick func(Target)
	connect func() (*dbus.Conn, error)

	mu     sync.Mutex // held for a whole send, so sends go out in order
	link   *busLink   // nil before the first send and after a drop
	closed bool
}

// busLink is one connection to the bus and the notifications sent on it
// (their ids mean nothing on another connection's service).
type busLink struct {
	conn    *dbus.Conn
	notes   notify.Notifier
	actions bool // the service advertises the "actions" capability

	mu      sync.Mutex
	pending map[uint32]Target
	order   []uint32 // ids in pending, oldest first
}

func newSender(icon []byte, clicks Clicks) (sender, error) {
	b := &busSender{onClick: clicks.Open, connect: func() (*dbus.Conn, error) { return dbus.ConnectSessionBus() }}
	if len(icon) > 0 {
		hint, err := imageHint(icon)
		if err != nil {
			return nil, err
		}
		b.icon = &hint
	}
	return b, nil
}

// imageHint is the image-data hint for a PNG: rows of non-premultiplied
// RGBA bytes, which is the layout of image.NRGBA (the library's helper takes
// an *image.RGBA but sends its bytes as they are).
func imageHint(data []byte) (notify.Hint, error) {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return notify.Hint{}, fmt.Errorf("decode notification icon: %w", err)
	}
	b := src.Bounds()
	img := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(img, img.Rect, src, b.Min, draw.Src)
	return notify.HintImageDataRGBA(&image.RGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect}), nil
}

func (b *busSender) send(m message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("the notifier is closed")
	}
	for retried := false; ; retried = true {
		l, err := b.linkLocked()
		if err != nil {
			return err
		}
		err = l.send(b.note(l, m), m.target)
		if err == nil || l.conn.Connected() || retried {
			return err
		}
		// The connection dropped under this call (the bus restarted, say):
		// once more on a fresh one.
		b.dropLocked(l)
	}
}

// note is the notification for m as l's service should get it: with
// something to open, a click on it (the "default" action) opens it, and a
// service that shows actions gets an "Open logs" button too.
func (b *busSender) note(l *busLink, m message) notify.Notification {
	n := notify.Notification{
		AppName:       AppName,
		Summary:       m.title,
		Body:          m.body,
		ExpireTimeout: notify.ExpireTimeoutSetByNotificationServer,
	}
	n.SetUrgency(notify.UrgencyNormal)
	if b.icon != nil {
		n.AddHint(*b.icon)
	}
	if m.target.Key != "" {
		n.Actions = []notify.Action{notify.NewDefaultAction(openLogsLabel)}
		if l.actions {
			n.Actions = append(n.Actions, notify.Action{Key: ActionOpenLogs, Label: openLogsLabel})
		}
	}
	return n
}

// linkLocked returns the live connection, connecting when there is none.
func (b *busSender) linkLocked() (*busLink, error) {
	if b.link != nil && b.link.conn.Connected() {
		return b.link, nil
	}
	if b.link != nil {
		b.dropLocked(b.link)
	}
	conn, err := b.connect()
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	l := &busLink{conn: conn, pending: map[uint32]Target{}}
	l.notes, err = notify.New(conn,
		notify.WithOnAction(func(s *notify.ActionInvokedSignal) { b.invoked(l, s) }),
		notify.WithOnClosed(func(s *notify.NotificationClosedSignal) { l.forget(s.ID) }),
		notify.WithLogger(log.New(io.Discard, "", 0)), // its messages say only that its loop ended
	)
	if err == nil {
		err = onlyFromTheService(conn)
	}
	if err != nil {
		_ = conn.Close() // it carries nothing yet
		return nil, fmt.Errorf("listen for notification clicks on the session bus: %w", err)
	}
	// A service that cannot say what it can do still gets the click on the
	// notification itself (the "default" action), just no button.
	var caps []string
	if err := l.call("ask the notification service's capabilities", func() (err error) { caps, err = l.notes.GetCapabilities(); return err }); err == nil {
		for _, c := range caps {
			l.actions = l.actions || c == "actions"
		}
	}
	b.link = l
	go func() {
		<-conn.Context().Done() // closed by us, or by the bus going away
		b.dropped(l)
	}()
	return l, nil
}

// onlyFromTheService narrows the library's match rule (any sender of the
// Notifications interface's signals) to the owner of the service's name:
// the library type-asserts the signals' arguments without checking them, so
// a malformed signal from any other client on the bus would crash the app.
func onlyFromTheService(conn *dbus.Conn) error {
	path, iface := dbus.WithMatchObjectPath(servicePath), dbus.WithMatchInterface(serviceName)
	if err := conn.AddMatchSignal(dbus.WithMatchSender(serviceName), path, iface); err != nil {
		return err
	}
	return conn.RemoveMatchSignal(path, iface)
}

// dropped forgets l once its connection has ended, unless a send did already.
func (b *busSender) dropped(l *busLink) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.link == l {
		b.dropLocked(l)
	}
}

func (b *busSender) dropLocked(l *busLink) {
	_ = l.notes.Close() // the connection is gone or going: nothing to unregister from
	_ = l.conn.Close()
	if b.link == l {
		b.link = nil
	}
}

// invoked runs onClick for a click on one of l's notifications.
func (b *busSender) invoked(l *busLink, s *notify.ActionInvokedSignal) {
	if s.ActionKey != actionDefault && s.ActionKey != ActionOpenLogs {
		return
	}
	if t, ok := l.target(s.ID); ok {
		b.onClick(t)
	}
}

func (b *busSender) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.link != nil {
		b.dropLocked(b.link)
	}
	return nil
}

// send shows n and remembers what a click on it opens (t).
func (l *busLink) send(n notify.Notification, t Target) error {
	var id uint32
	err := l.call("send the notification to the session bus", func() (err error) { id, err = l.notes.SendNotification(n); return err })
	if err != nil {
		return err
	}
	if t.Key != "" {
		l.remember(id, t)
	}
	return nil
}

// call runs one call to the service within busTimeout; on a timeout it
// closes the connection, which ends the call.
func (l *busLink) call(what string, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	timer := time.NewTimer(busTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	case <-timer.C:
		_ = l.conn.Close()
		return fmt.Errorf("%s: the notification service did not answer within %s", what, busTimeout)
	}
}

func (l *busLink) remember(id uint32, t Target) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.pending[id]; !ok {
		l.order = append(l.order, id)
	}
	l.pending[id] = t
	for len(l.order) > maxPending {
		delete(l.pending, l.order[0])
		l.order = l.order[1:]
	}
}

func (l *busLink) target(id uint32) (Target, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.pending[id]
	return t, ok
}

func (l *busLink) forget(id uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.pending[id]; !ok {
		return
	}
	delete(l.pending, id)
	for i, o := range l.order {
		if o == id {
			l.order = append(l.order[:i], l.order[i+1:]...)
			break
		}
	}
}
