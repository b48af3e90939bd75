package server

import (
	"slices"
	"strings"
	"sync"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// logQueue is one logs socket's queue, between the engine's reader (push,
// pushState), which must never wait, and the socket's writer (next).
//
// It keeps the batches it is given as they are (the follow lets go of
// them), and the writer copies the lines of a message into its own buffer:
// a flood is tens of thousands of lines a second, and a copy of each line
// in the queue's own slice was garbage to collect.
//
// It holds at most maxLines lines or maxBytes bytes of them. When a line
// does not fit, the queue overflows: from then on every line is counted,
// per container, instead of queued, until the writer has brought the queue
// down to half its bounds; then one skip notice per container that lost
// lines is queued, in the order they started losing them, and lines are
// queued again. The half-way mark keeps a client that is just too slow
// from getting a notice for every other line. A container's notice always
// comes before its next line or state, so the client knows exactly where
// the hole is.
type logQueue struct {
	maxLines, maxBytes int

	mu       sync.Mutex
	items    []logItem
	lines    int // lines in items (those of their batches not yet taken)
	bytes    int // their size, as lineSize counts it
	overflow bool
	skips    map[model.Key]*protocol.LogsSkipped
	skipped  []model.Key // the keys of skips, in the order they started
	ready    chan struct{}
}

// logItem is lines (the rest of a batch pushed, at least one), or (skip
// or state set) a skip notice or a state.
type logItem struct {
	lines []logs.Line
	skip  *protocol.LogsSkipped
	state *protocol.LogsState
}

func (it *logItem) isLines() bool { return it.skip == nil && it.state == nil }

func newLogQueue(maxLines, maxBytes int) *logQueue {
	return &logQueue{maxLines: maxLines, maxBytes: maxBytes, skips: map[model.Key]*protocol.LogsSkipped{}, ready: make(chan struct{}, 1)}
}

// lineSize is what a queued line counts against the byte bound: its text
// and names, and a little for the rest of its JSON.
func lineSize(l *logs.Line) int {
	return len(l.Text) + len(l.ID) + len(l.Engine) + len(l.Time) + 64
}

// Ready is signalled when something was queued.
func (q *logQueue) Ready() <-chan struct{} { return q.ready }

func (q *logQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// push queues lines, or counts those that do not fit. It never waits. The
// queue keeps lines, not a copy, and never changes it: the caller must not
// change it either (a follow lets go of the batches it emits).
func (q *logQueue) push(lines []logs.Line) {
	if len(lines) == 0 {
		return
	}
	q.mu.Lock()
	fit := 0 // the lines queued: those before the first that does not fit
	for fit < len(lines) && !q.overflow {
		size := lineSize(&lines[fit])
		if q.lines+1 > q.maxLines || q.bytes+size > q.maxBytes {
			q.overflow = true
			break
		}
		q.lines++
		q.bytes += size
		fit++
	}
	if fit > 0 {
		q.items = append(q.items, logItem{lines: lines[:fit]})
	}
	for i := fit; i < len(lines); i++ {
		q.count(&lines[i])
	}
	q.mu.Unlock()
	if fit > 0 {
		q.signal()
	}
}

// count adds a line that did not fit to its container's skip notice.
func (q *logQueue) count(l *logs.Line) {
	k := model.Key{Engine: l.Engine, ID: l.ID}
	sk := q.skips[k]
	if sk == nil {
		sk = &protocol.LogsSkipped{Engine: l.Engine, ID: l.ID, From: l.Time}
		q.skips[k] = sk
		q.skipped = append(q.skipped, k)
	}
	sk.Count++
	sk.To = l.Time
}

// pushState queues a container's state change, after the notice of the
// lines it skipped before the change, if any. States are few (a handful
// per start, stop or engine loss), so they are always queued.
func (q *logQueue) pushState(st protocol.LogsState) {
	q.mu.Lock()
	k := model.Key{Engine: st.Engine, ID: st.ID}
	if sk := q.skips[k]; sk != nil {
		q.items = append(q.items, logItem{skip: sk})
		delete(q.skips, k)
		q.skipped = slices.DeleteFunc(q.skipped, func(s model.Key) bool { return s == k })
	}
	q.items = append(q.items, logItem{state: &st})
	q.mu.Unlock()
	q.signal()
}

// next takes what the writer sends next: up to maxLines consecutive lines
// of at most about maxBytes of text (at least one line), or else one
// notice or state. It returns nothing when the queue is empty.
//
// The lines are copied to dst[:0] (the writer's buffer, reused from one
// batch to the next, so a flood does not allocate a slice per batch); the
// caller must be done with them before it passes dst again. A batch is let
// go once all its lines are taken.
func (q *logQueue) next(dst []logs.Line, maxLines, maxBytes int) (lines []logs.Line, other logItem) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil, logItem{}
	}
	if !q.items[0].isLines() {
		other = q.items[0]
		q.take(1)
		return nil, other
	}
	lines, size := dst[:0], 0
	done := 0 // items taken whole
	for done < len(q.items) && q.items[done].isLines() && len(lines) < maxLines {
		it := &q.items[done]
		n := 0
		for n < len(it.lines) && len(lines)+n < maxLines {
			l := &it.lines[n]
			if (len(lines) > 0 || n > 0) && size+len(l.Text) > maxBytes {
				break
			}
			size += len(l.Text)
			q.lines--
			q.bytes -= lineSize(l)
			n++
		}
		lines = append(lines, it.lines[:n]...)
		if it.lines = it.lines[n:]; len(it.lines) > 0 {
			break // the message is full
		}
		done++
	}
	q.take(done)
	if q.overflow && q.lines <= q.maxLines/2 && q.bytes <= q.maxBytes/2 {
		q.overflow = false
		for _, k := range q.skipped {
			q.items = append(q.items, logItem{skip: q.skips[k]})
			delete(q.skips, k)
		}
		q.skipped = q.skipped[:0]
	}
	// A batch of several containers is merged in time order (the fixed
	// width of the times makes string order time order); each container's
	// lines keep the order the engine gave them.
	byTime := func(a, b logs.Line) int { return strings.Compare(a.Time, b.Time) }
	if !slices.IsSortedFunc(lines, byTime) {
		slices.SortStableFunc(lines, byTime)
	}
	return lines, logItem{}
}

// take drops the first n items.
func (q *logQueue) take(n int) {
	clear(q.items[:n])
	q.items = q.items[n:]
	if len(q.items) == 0 {
		q.items = nil // let the drained backing array go
	}
}

// holds reports whether the queue holds a full message's lines already:
// maxLines, or about maxBytes of them.
func (q *logQueue) holds(maxLines, maxBytes int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.lines >= maxLines || q.bytes >= maxBytes
}

// pending reports whether anything is left to send: queued items or lines
// counted but not yet noticed.
func (q *logQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) > 0 || len(q.skipped) > 0
}

// flushSkips queues the notices of every container still losing lines,
// whatever the bounds: the stream is ending, and the client must hear of
// every line it did not get.
func (q *logQueue) flushSkips() {
	q.mu.Lock()
	for _, k := range q.skipped {
		q.items = append(q.items, logItem{skip: q.skips[k]})
		delete(q.skips, k)
	}
	q.skipped = q.skipped[:0]
	q.overflow = false
	q.mu.Unlock()
	q.signal()
}
