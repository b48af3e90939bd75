package server

import (
	"bytes"
	"strings"
	"testing"
)

func TestBatcherJoinsTheBacklog(t *testing.T) {
	queue := make(chan []byte, 100)
	var b batcher

	// Nothing waiting: the delta goes alone, as it is.
	first := []byte(`{"n":0}`)
	if msg, n := b.join(queue, first); n != 1 || &msg[0] != &first[0] {
		t.Fatalf("alone: %q, %d deltas", msg, n)
	}

	// A backlog goes in one message, in order, newline-separated; frames
	// are shared, so none is modified.
	var frames [][]byte
	for i := range 5 {
		f := []byte(strings.Repeat("x", i+1))
		frames = append(frames, f)
		queue <- f
	}
	msg, n := b.join(queue, <-queue)
	if n != 5 || string(msg) != "x\nxx\nxxx\nxxxx\nxxxxx" {
		t.Fatalf("backlog: %q, %d deltas", msg, n)
	}
	for i, f := range frames {
		if string(f) != strings.Repeat("x", i+1) {
			t.Fatalf("frame %d was modified: %q", i, f)
		}
	}
	if b.carried() != nil {
		t.Fatal("a carried delta after a backlog that fit")
	}

	// A delta that would pass maxBatch waits for the next message.
	big := bytes.Repeat([]byte("y"), maxBatch/2)
	queue <- big
	queue <- big
	queue <- []byte("z")
	msg, n = b.join(queue, <-queue)
	if n != 1 || len(msg) != len(big) {
		t.Fatalf("first of two halves: %d bytes, %d deltas", len(msg), n)
	}
	next := b.carried()
	if next == nil || b.carried() != nil {
		t.Fatal("the delta that did not fit is not carried exactly once")
	}
	msg, n = b.join(queue, next)
	if n != 2 || len(msg) != len(big)+2 || msg[len(msg)-1] != 'z' || len(msg) > maxBatch {
		t.Fatalf("second half and z: %d bytes, %d deltas", len(msg), n)
	}

	// A delta larger than maxBatch goes alone.
	huge := bytes.Repeat([]byte("h"), 2*maxBatch)
	queue <- []byte("after")
	if msg, n := b.join(queue, huge); n != 1 || len(msg) != len(huge) {
		t.Fatalf("huge: %d bytes, %d deltas", len(msg), n)
	}
	if c := b.carried(); string(c) != "after" {
		t.Fatalf("carried %q after a huge delta, want the next one", c)
	}
	if len(queue) != 0 {
		t.Fatalf("%d deltas left in the queue", len(queue))
	}
}
