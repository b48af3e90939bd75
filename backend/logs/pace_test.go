package logs

import (
	"testing"
	"time"
)

// TestPacer: a follow waits before a read only while reads come within
// floodGap of each other holding less than fullRead bytes, and only while
// its waits let lines pile up.
func TestPacer(t *testing.T) {
	clock := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	var slept []time.Duration
	p := &pacer{now: func() time.Time { return clock }, sleep: func(d time.Duration) { slept = append(slept, d) }}
	steps := []struct {
		after time.Duration // since the last read
		n     int           // what the read returned
		wait  bool          // whether the next read waits
	}{
		{0, 200, false},                          // the first read: nothing to compare with
		{time.Second, 200, false},                // a line after a quiet spell
		{time.Millisecond, 3000, true},           // lines keep coming: a flood
		{readPause, 9000, true},                  // the wait let them pile up
		{readPause, fullRead, false},             // a full read: behind, read on at once
		{time.Millisecond, 3000, true},           // caught up, still flooding
		{readPause, 20000, true},                 // piling up
		{floodGap, 300, false},                   // a gap: the flood is over
		{time.Millisecond, 0, false},             // an empty read (the stream's end)
		{time.Millisecond, 5000, true},           // reads a millisecond apart again
		{readPause, 150, true},                   // a wait that gathered one line
		{readPause, 150, true},                   // two
		{readPause, 5000, true},                  // then lines piled up: the count starts again
		{readPause, 150, true},                   // one
		{readPause, 150, true},                   // two
		{readPause, 150, true},                   // three
		{readPause, 150, false},                  // four in a row: waits off
		{time.Millisecond, 6000, false},          // still off, whatever a read holds
		{floodGap - time.Nanosecond, 150, false}, // no gap yet
		{floodGap, 150, false},                   // the gap ends the flood
		{time.Millisecond, 150, true},            // a new flood waits again
	}
	for i, s := range steps {
		clock = clock.Add(s.after)
		p.read(s.n)
		slept = nil
		p.wait()
		if got := len(slept) == 1 && slept[0] == readPause; got != s.wait || len(slept) > 1 {
			t.Fatalf("step %d (%v after, %d bytes): slept %v, want a wait: %v", i, s.after, s.n, slept, s.wait)
		}
	}
}
