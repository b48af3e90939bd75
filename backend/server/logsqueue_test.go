package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// testLine is line n of container id: its time is n nanoseconds past a
// fixed second, so that string order is n's order.
func testLine(id string, n int) logs.Line {
	return logs.Line{Engine: "local", ID: id, Time: fmt.Sprintf("2026-12-02T06:43:20.%09dZ", n), Stream: logs.Stdout, Text: fmt.Sprintf("%s line %d", id, n)}
}

func testLines(id string, from, to int) []logs.Line {
	var out []logs.Line
	for n := from; n <= to; n++ {
		out = append(out, testLine(id, n))
	}
	return out
}

// drain takes everything the queue holds, as the writer would, as one
// string per message.
func drain(q *logQueue, maxLines int) []string {
	var out []string
	for {
		lines, other := q.next(nil, maxLines, 1<<20)
		switch {
		case lines != nil:
			var ts []string
			for _, l := range lines {
				ts = append(ts, fmt.Sprintf("%s%d", l.ID, lineNumber(l)))
			}
			out = append(out, "lines "+strings.Join(ts, ","))
		case other.skip != nil:
			s := other.skip
			out = append(out, fmt.Sprintf("skipped %s %d %d-%d", s.ID, s.Count, timeNumber(s.From), timeNumber(s.To)))
		case other.state != nil:
			out = append(out, "state "+other.state.ID+" "+other.state.State)
		default:
			return out
		}
	}
}

func lineNumber(l logs.Line) int { return timeNumber(l.Time) }

func timeNumber(t string) int {
	var n int
	fmt.Sscanf(t, "2026-12-02T06:43:20.%09dZ", &n)
	return n
}

func TestLogQueueBatchesInTimeOrder(t *testing.T) {
	q := newLogQueue(100, 1<<20)
	q.push([]logs.Line{testLine("a", 1), testLine("a", 4)})
	q.push([]logs.Line{testLine("b", 2), testLine("b", 3), testLine("b", 5)})
	q.pushState(protocol.LogsState{Engine: "local", ID: "a", State: logs.Stopped})
	q.push([]logs.Line{testLine("b", 6)})
	got := strings.Join(drain(q, 3), " | ")
	// At most 3 lines a batch; a batch is sorted by time; a state is its own
	// message, in its place.
	want := "lines a1,b2,a4 | lines b3,b5 | state a stopped | lines b6"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestLogQueueKeepsBatches: a message takes lines from several batches
// and a batch may be split across messages; the writer's buffer is its
// own (clearing it after a write changes no batch), and a batch pushed is
// never changed.
func TestLogQueueKeepsBatches(t *testing.T) {
	q := newLogQueue(100, 1<<20)
	first, second := testLines("a", 1, 5), testLines("a", 6, 7)
	q.push(first)
	q.push(second)
	var got []string
	var dst []logs.Line
	for {
		lines, _ := q.next(dst, 3, 1<<20)
		if lines == nil {
			break
		}
		var ns []string
		for _, l := range lines {
			ns = append(ns, fmt.Sprint(lineNumber(l)))
		}
		got = append(got, strings.Join(ns, ","))
		clear(lines) // as the writer does once a message is written
		dst = lines
	}
	if want := "1,2,3 | 4,5,6 | 7"; strings.Join(got, " | ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " | "), want)
	}
	for i, l := range append(first, second...) {
		if l != testLine("a", i+1) {
			t.Fatalf("line %d of the batches pushed changed: %+v", i+1, l)
		}
	}
	if q.lines != 0 || q.bytes != 0 || q.pending() {
		t.Fatalf("drained queue holds %d lines, %d bytes, pending %v", q.lines, q.bytes, q.pending())
	}
}

func TestLogQueueBatchBytes(t *testing.T) {
	q := newLogQueue(100, 1<<20)
	long := strings.Repeat("x", 100)
	for n := 1; n <= 3; n++ {
		l := testLine("a", n)
		l.Text = long
		q.push([]logs.Line{l})
	}
	lines, _ := q.next(nil, 100, 250)
	if len(lines) != 2 {
		t.Fatalf("a batch of %d lines of 100 bytes under a 250-byte bound, want 2", len(lines))
	}
	lines, _ = q.next(nil, 100, 50)
	if len(lines) != 1 {
		t.Fatalf("a first line longer than the bound: %d lines, want it alone", len(lines))
	}
}

// TestLogQueueCountsWhatDoesNotFit: a full queue counts lines per
// container, and once the writer has brought it to half its bound, one
// notice per container comes, before that container's next lines, with the
// exact count and times.
func TestLogQueueCountsWhatDoesNotFit(t *testing.T) {
	q := newLogQueue(4, 1<<20)
	q.push(testLines("a", 1, 3))
	q.push([]logs.Line{testLine("b", 4), testLine("b", 5)}) // b5 does not fit
	q.push(testLines("a", 6, 8))
	q.push(testLines("b", 9, 9))
	// The writer takes 2 (queue at 2 = half of 4): the notices are queued.
	lines, _ := q.next(nil, 2, 1<<20)
	if len(lines) != 2 {
		t.Fatalf("took %d lines, want 2", len(lines))
	}
	q.push(testLines("a", 10, 10))
	got := strings.Join(drain(q, 10), " | ")
	want := "lines a3,b4 | skipped b 2 5-9 | skipped a 3 6-8 | lines a10"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestLogQueueStaysCountingUntilHalf: a writer that frees one slot at a
// time does not turn the flood into a notice per line.
func TestLogQueueStaysCountingUntilHalf(t *testing.T) {
	q := newLogQueue(10, 1<<20)
	q.push(testLines("a", 1, 11)) // a11 does not fit
	n := 12
	for range 4 { // the queue goes down to 6: still over half
		q.next(nil, 1, 1<<20)
		q.push([]logs.Line{testLine("a", n)})
		n++
	}
	q.next(nil, 1, 1<<20) // 5: half
	q.push([]logs.Line{testLine("a", n)})
	got := strings.Join(drain(q, 100), " | ")
	want := "lines a6,a7,a8,a9,a10 | skipped a 5 11-15 | lines a16"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestLogQueueByteBound(t *testing.T) {
	l := testLine("a", 1)
	q := newLogQueue(1000, 2*lineSize(&l))
	q.push(testLines("a", 1, 3))
	got := strings.Join(drain(q, 100), " | ")
	if want := "lines a1,a2 | skipped a 1 3-3"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestLogQueueStateAfterItsSkip: a state change comes after the notice of
// the lines its container lost before it, and the notices of the others
// stay for when there is room.
func TestLogQueueStateAfterItsSkip(t *testing.T) {
	q := newLogQueue(2, 1<<20)
	q.push(testLines("a", 1, 3))
	q.push(testLines("b", 4, 4))
	q.pushState(protocol.LogsState{Engine: "local", ID: "a", State: logs.Removed})
	if !q.pending() {
		t.Fatal("nothing pending")
	}
	got := strings.Join(drain(q, 100), " | ")
	if want := "lines a1,a2 | skipped a 1 3-3 | state a removed | skipped b 1 4-4"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if q.pending() {
		t.Fatal("still pending after the drain")
	}
}

func TestLogQueueFlushSkipsAtTheEnd(t *testing.T) {
	q := newLogQueue(2, 1<<20)
	q.push(testLines("a", 1, 5))
	q.flushSkips()
	got := strings.Join(drain(q, 1), " | ")
	if want := "lines a1 | lines a2 | skipped a 3 3-5"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
