package notify

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/notify/notifytest"
)

func TestSettingIsRemembered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Dockpulse", FileName)
	sent := &recorder{}
	n := mustNew(t, path, nil)
	n.out = sent
	if on, err := n.Enabled(); !on || err != nil {
		t.Fatalf("fresh notifier: enabled %v, %v; want on by default", on, err)
	}
	if err := n.SetEnabled(false); err != nil {
		t.Fatal(err)
	}
	if ok, err := n.Notify("off", "", Target{}); ok || err != nil {
		t.Fatalf("Notify while off: sent %v, %v", ok, err)
	}

	again := mustNew(t, path, nil) // a later launch
	again.out = sent
	if on, err := again.Enabled(); on || err != nil {
		t.Fatalf("after a restart: enabled %v, %v; want the saved off", on, err)
	}
	if err := again.SetEnabled(true); err != nil {
		t.Fatal(err)
	}
	if ok, err := again.Notify("on", "", Target{}); !ok || err != nil {
		t.Fatalf("Notify while on: sent %v, %v", ok, err)
	}
	if strings.Join(sent.titles, ",") != "on" {
		t.Fatalf("sent %q, want only the one made while on", sent.titles)
	}
}

func TestUnreadableSettingSaysWhyAndStaysOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	on, err := mustNew(t, path, nil).Enabled()
	if !on || err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("enabled %v, err %v; want on and an error naming the file", on, err)
	}
}

// TestNotificationReachesTheSessionBus sends through the platform mechanism
// to a notification service on a private session bus.
func TestNotificationReachesTheSessionBus(t *testing.T) {
	bus := notifytest.Start(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	icon, err := os.ReadFile("../../build/appicon.png")
	if err != nil {
		t.Fatal(err)
	}
	n := mustNew(t, filepath.Join(t.TempDir(), FileName), icon)
	if ok, err := n.Notify("web-1 died unexpectedly (exit 3)", "on local", Target{}); !ok || err != nil {
		t.Fatalf("Notify: sent %v, %v", ok, err)
	}
	got := bus.WaitFor(t, "no notification reached the bus", 5*time.Second, func(notifytest.Notification) bool { return true })
	if got.AppName != AppName || got.Summary != "web-1 died unexpectedly (exit 3)" || got.Body != "on local" {
		t.Fatalf("got %+v", got)
	}
}

func mustNew(t *testing.T, path string, icon []byte) *Notifier {
	t.Helper()
	return mustNewClicks(t, path, icon, nil)
}

func mustNewClicks(t *testing.T, path string, icon []byte, onClick func(Target)) *Notifier {
	t.Helper()
	n, err := New(path, icon, Clicks{Open: onClick})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("close the notifier: %v", err)
		}
	})
	return n
}

// recorder is a sender that keeps the titles it was given.
type recorder struct{ titles []string }

func (r *recorder) send(m message) error { r.titles = append(r.titles, m.title); return nil }
func (r *recorder) close() error         { return nil }

// TestIconIsSmall scales the app's 1024 px icon to IconSize, keeping its
// colours where it is opaque and its transparency where it is not.
func TestIconIsSmall(t *testing.T) {
	big, err := os.ReadFile("../../build/appicon.png")
	if err != nil {
		t.Fatal(err)
	}
	scaled, err := smallIcon(big, IconSize)
	if err != nil {
		t.Fatal(err)
	}
	small, err := png.Decode(bytes.NewReader(scaled))
	if err != nil {
		t.Fatal(err)
	}
	if b := small.Bounds(); b.Dx() != IconSize || b.Dy() != IconSize {
		t.Fatalf("icon is %v, want %d px square", b, IconSize)
	}
	src, _ := png.Decode(bytes.NewReader(big))
	for _, p := range [][2]int{{0, 0}, {32, 32}, {20, 40}} {
		_, _, _, wantA := src.At(p[0]*1024/IconSize+8, p[1]*1024/IconSize+8).RGBA()
		_, _, _, gotA := small.At(p[0], p[1]).RGBA()
		if d := int(wantA>>8) - int(gotA>>8); d > 40 || d < -40 {
			t.Errorf("alpha at %v: %d, want about %d", p, gotA>>8, wantA>>8)
		}
	}
	if _, err := New("x", []byte("not a png"), Clicks{}); err == nil {
		t.Error("New took an icon that is not a PNG")
	}
}
