//go:build !linux && !windows

package notify

import "github.com/gen2brain/beeep"

// ClicksReported says whether a click on a notification reaches Clicks.Open on
// this platform. beeep cannot report one: on macOS it has no callback at
// all.
const ClicksReported = false

// beeepSender shows notifications through beeep.
type beeepSender struct{ icon []byte }

func newSender(icon []byte, _ Clicks) (sender, error) {
	return beeepSender{icon: icon}, nil
}

func (b beeepSender) send(m message) error {
	beeep.AppName = AppName
	var ico any = ""
	if len(b.icon) > 0 {
		ico = b.icon
	}
	return beeep.Notify(m.title, m.body, ico)
}

func (beeepSender) close() error { return nil }
