package notify

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// toaster is the Windows sender without the calls into Windows, which
// send_windows.go gives it: it shows each message as a toast through push
// and turns the activation arguments Windows reports back into calls of
// clicks. Apart from the platform, everything it does is tested on Linux.
type toaster struct {
	icon   string                 // absolute path of the icon's PNG file; "" for none
	push   func(xml string) error // shows one toast
	clicks Clicks                 // both set (New)

	mu     sync.Mutex // held for a whole push: go-toast keeps its state in globals
	closed atomic.Bool
}

func (t *toaster) send(m message) error {
	doc, err := toastXML(m, t.icon)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed.Load() {
		return errors.New("the notifier is closed")
	}
	return t.push(doc)
}

// activated runs clicks.Open with the Target of the toast the user
// clicked, args being the clicked part's activation argument. Windows calls
// it on a thread of its own while the activator waits for the answer, so
// the call runs on a goroutine and activated returns at once. A toast
// without a Target has no argument, and a click on it opens nothing; an
// argument that is not one of ours opens nothing either, and goes to
// clicks.Unreadable.
func (t *toaster) activated(args string) {
	if t.closed.Load() || args == "" {
		return
	}
	target, err := parseActivation(args)
	if err != nil {
		go t.clicks.Unreadable(fmt.Errorf("toast click: %w", err))
		return
	}
	go t.clicks.Open(target)
}

func (t *toaster) close() error {
	t.closed.Store(true)
	return nil
}
