package hub

import (
	"errors"
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPublishDeliversInOrder(t *testing.T) {
	h := New()
	a, b := h.Subscribe(10), h.Subscribe(10)
	for i := range 5 {
		if d := h.Publish([]byte(fmt.Sprint(i))); d != 0 {
			t.Fatalf("Publish dropped %d, want 0", d)
		}
	}
	for _, s := range []*Subscriber{a, b} {
		for i := range 5 {
			got, want := string(<-s.Queue()), fmt.Sprint(i)
			if got != want {
				t.Fatalf("frame %d: got %q, want %q", i, got, want)
			}
		}
	}
}

func TestStalledSubscriberIsDroppedOthersKeepReceiving(t *testing.T) {
	h := New()
	stalled := h.Subscribe(2)
	healthy := h.Subscribe(2)
	received := 0
	for i := range 100 {
		h.Publish([]byte(fmt.Sprint(i)))
		// The healthy subscriber drains as it goes; the stalled one never does.
		got := string(<-healthy.Queue())
		if got != fmt.Sprint(i) {
			t.Fatalf("healthy frame %d: got %q", i, got)
		}
		received++
	}
	if received != 100 {
		t.Fatalf("healthy received %d frames, want 100", received)
	}
	select {
	case <-stalled.Done():
	default:
		t.Fatal("stalled subscriber was not dropped")
	}
	if err := stalled.Err(); !errors.Is(err, ErrTooSlow) {
		t.Fatalf("stalled Err() = %v, want ErrTooSlow", err)
	}
	if got := h.Len(); got != 1 {
		t.Fatalf("Len() = %d, want 1", got)
	}
	select {
	case <-healthy.Done():
		t.Fatal("healthy subscriber was dropped")
	default:
	}
}

func TestPublishNeverBlocksOnFullQueues(t *testing.T) {
	h := New()
	for range 50 {
		h.Subscribe(1)
	}
	h.Publish([]byte("a"))
	if d := h.Publish([]byte("b")); d != 50 {
		t.Fatalf("second Publish dropped %d, want 50", d)
	}
	if h.Len() != 0 {
		t.Fatalf("Len() = %d after dropping all, want 0", h.Len())
	}
}

func TestUnsubscribeAndClose(t *testing.T) {
	h := New()
	a := h.Subscribe(1)
	h.Unsubscribe(a)
	h.Unsubscribe(a) // idempotent
	if err := a.Err(); err != nil {
		t.Fatalf("Err() after Unsubscribe = %v, want nil", err)
	}
	b := h.Subscribe(1)
	h.Close()
	if err := b.Err(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Err() after Close = %v, want ErrClosed", err)
	}
	c := h.Subscribe(1)
	if err := c.Err(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Subscribe after Close: Err() = %v, want ErrClosed", err)
	}
}
