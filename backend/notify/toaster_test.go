package notify

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// toasterTest is a toaster whose pushes are kept and whose clicks land in
// a channel.
type toasterTest struct {
	*toaster
	pushed     []string
	opened     chan Target
	unreadable chan error
}

func newToasterTest(pushErr error) *toasterTest {
	tt := &toasterTest{opened: make(chan Target, 4), unreadable: make(chan error, 4)}
	tt.toaster = &toaster{
		icon:   `C:\cache\Dockpulse\notification-icon.png`,
		push:   func(xml string) error { tt.pushed = append(tt.pushed, xml); return pushErr },
		clicks: Clicks{Open: func(t Target) { tt.opened <- t }, Unreadable: func(err error) { tt.unreadable <- err }},
	}
	return tt
}

func TestToasterPushesTheToastAndReportsItsClicks(t *testing.T) {
	tt := newToasterTest(nil)
	target := Target{Key: "default/c0ffee", Name: "job-1"}
	if err := tt.send(message{title: "job-1 died", body: "exit 1", target: target}); err != nil {
		t.Fatal(err)
	}
	if len(tt.pushed) != 1 {
		t.Fatalf("pushed %d toasts, want 1", len(tt.pushed))
	}
	p := parseToast(t, tt.pushed[0])
	if got := p.Bindings[0].Texts; len(got) != 2 || got[0] != "job-1 died" || got[1] != "exit 1" {
		t.Errorf("pushed texts %q", got)
	}
	if imgs := p.Bindings[0].Images; len(imgs) != 1 || imgs[0].Src != tt.icon {
		t.Errorf("pushed images %+v, want the toaster's icon %q", imgs, tt.icon)
	}
	// What Windows hands the activator: the toast's launch argument for a
	// click on it, the button's arguments for "Open logs"; both the same.
	tt.activated(*p.Launch)
	wantClick(t, tt.opened, target)
	tt.activated(p.Actions[0].Actions[0].Arguments)
	wantClick(t, tt.opened, target)
}

// A toast without a Target hands back no argument: nothing to open, nothing
// to say. An argument that is not one of ours opens nothing and is reported.
func TestToasterIgnoresActivationsNotItsOwn(t *testing.T) {
	tt := newToasterTest(nil)
	for _, args := range []string{"", "https://example.com/", activationScheme + "!!!"} {
		tt.activated(args)
	}
	wantNoClick(t, tt.opened, "no activation carried a Target", 100*time.Millisecond)
	var reported []string // in any order: each goes on a goroutine
	for range 2 {
		select {
		case err := <-tt.unreadable:
			reported = append(reported, err.Error())
		case <-time.After(2 * time.Second):
			t.Fatalf("reported %q, want both unreadable activations", reported)
		}
	}
	for _, want := range []string{`"https://example.com/"`, `"` + activationScheme + `!!!"`} {
		if !slices.ContainsFunc(reported, func(r string) bool { return strings.HasPrefix(r, "toast click: ") && strings.Contains(r, want) }) {
			t.Errorf("reported %q, want a toast click error quoting %s", reported, want)
		}
	}
	select {
	case err := <-tt.unreadable:
		t.Errorf("more reported than the two unreadable activations: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestClosedToasterNeitherShowsNorReports(t *testing.T) {
	tt := newToasterTest(nil)
	arg, err := activationArgument(Target{Key: "default/c0ffee"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tt.close(); err != nil {
		t.Fatal(err)
	}
	if err := tt.send(message{title: "late"}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("send after close: %v, want an error saying it is closed", err)
	}
	if len(tt.pushed) != 0 {
		t.Errorf("pushed %d toasts after close", len(tt.pushed))
	}
	tt.activated(arg)
	wantNoClick(t, tt.opened, "the toaster was closed", 100*time.Millisecond)
}

func TestToasterPassesOnAFailedPush(t *testing.T) {
	failed := errors.New("notifier.Show(): Class not registered")
	tt := newToasterTest(failed)
	if err := tt.send(message{title: "x"}); !errors.Is(err, failed) {
		t.Errorf("send = %v, want the push's error", err)
	}
}
