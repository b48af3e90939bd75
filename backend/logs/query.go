package logs

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
)

// cursor names a place in a container's log: just after the n-th line at
// time, in the log's order, or, with n 0, just before the first line at or
// after time. As a string (Page.Cursor) it is "TIME~N".
//
// The log's order is the order the engine wrote the lines in, which is time
// order within each stream, but not quite across them: each stream's copier
// stamps its own lines, so a stderr line may come after a stdout line a few
// microseconds younger. A read after a cursor therefore starts cursorSlack
// before its time and skips, in the log's order, every line up to the n-th
// at its time: those all came before it, and a line older than the cursor
// that came after it is not lost.
type cursor struct {
	time string // a Line.Time
	n    int
}

// cursorSlack is how far before a cursor's time a read after it starts:
// far more than the streams' stamps ever differ from their order.
const cursorSlack = 10 * time.Millisecond

// epoch is the time before every line: a cursor from it continues from the
// log's first line.
var epoch = time.Unix(0, 0).UTC().Format(timeLayout)

func (c cursor) String() string { return c.time + "~" + strconv.Itoa(c.n) }

// since is where a read after the cursor starts (an engine's since).
func (c cursor) since() string {
	if c.n == 0 {
		return c.time
	}
	return shift(c.time, -cursorSlack)
}

// shift is the Line.Time t moved by d.
func shift(t string, d time.Duration) string {
	v, err := time.Parse(timeLayout, t)
	if err != nil {
		return t
	}
	return v.Add(d).Format(timeLayout)
}

// skipper skips the lines of a read from c.since() that come at or before
// the cursor.
type skipper struct {
	c     cursor
	seen  int    // lines at c.time read
	done  bool   // past the cursor: no more to skip
	after string // a line younger than this is past the cursor, whatever came before
}

func newSkipper(c cursor) *skipper {
	return &skipper{c: c, done: c.n == 0, after: shift(c.time, cursorSlack)}
}

// skip says whether l, the next line read, was already returned.
func (s *skipper) skip(l Line) bool {
	switch {
	case s.done:
		return false
	case l.Time == s.c.time:
		s.seen++
		s.done = s.seen == s.c.n
		return true
	case l.Time > s.after:
		// The cursor's line is not in the log (it cannot be read back, or
		// the cursor is not one of this log's): from here on, time decides.
		s.done = true
		return false
	}
	return true
}

// advance is c moved past l, the next line in the log's order.
func (c cursor) advance(l Line) cursor {
	if l.Time == c.time {
		c.n++
		return c
	}
	return cursor{time: l.Time, n: 1}
}

func parseCursor(s string) (cursor, error) {
	t, n, ok := strings.Cut(s, "~")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 0 {
		return cursor{}, fmt.Errorf("cursor %q: not one a page gave: %w", model.Cut(s, model.MaxWord), model.ErrInvalid)
	}
	norm, ok := strictTime(t)
	if !ok {
		return cursor{}, fmt.Errorf("cursor %q: not one a page gave: %w", model.Cut(s, model.MaxWord), model.ErrInvalid)
	}
	return cursor{time: norm, n: count}, nil
}

// query is a Query checked and normalised.
type query struct {
	tail  int     // without from: the last tail lines
	from  *cursor // the lines after it (Since: n 0)
	until string  // "" or a Line.Time: the lines at or before it
	limit int     // with from: at most limit lines
}

func parseQuery(q Query) (query, error) {
	var out query
	switch {
	case q.Tail < 0 || q.Tail > MaxTail:
		return out, fmt.Errorf("tail %d: want 0 to %d: %w", q.Tail, MaxTail, model.ErrInvalid)
	case q.Limit < 0 || q.Limit > MaxLimit:
		return out, fmt.Errorf("limit %d: want 0 to %d: %w", q.Limit, MaxLimit, model.ErrInvalid)
	case q.Cursor != "" && q.Since != "":
		return out, fmt.Errorf("cursor and since: give one: %w", model.ErrInvalid)
	case q.Tail != 0 && (q.Cursor != "" || q.Since != ""):
		return out, fmt.Errorf("tail with since or cursor: give one: %w", model.ErrInvalid)
	}
	out.tail, out.limit = orDefault(q.Tail, DefaultTail), orDefault(q.Limit, DefaultLimit)
	if q.Since != "" {
		t, ok := strictTime(q.Since)
		if !ok {
			return out, fmt.Errorf("since %q: want an RFC 3339 time: %w", model.Cut(q.Since, model.MaxWord), model.ErrInvalid)
		}
		out.from = &cursor{time: t}
	}
	if q.Cursor != "" {
		c, err := parseCursor(q.Cursor)
		if err != nil {
			return out, err
		}
		out.from = &c
	}
	if q.Until != "" {
		t, ok := strictTime(q.Until)
		if !ok {
			return out, fmt.Errorf("until %q: want an RFC 3339 time: %w", model.Cut(q.Until, model.MaxWord), model.ErrInvalid)
		}
		if out.from != nil && t < out.from.time {
			return out, fmt.Errorf("until %s is before since %s: %w", t, out.from.time, model.ErrInvalid)
		}
		out.until = t
	}
	return out, nil
}

// orDefault is v, or def when v is 0.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// strictTime is the RFC 3339 time s as a Line.Time, and whether it is one
// (a query's, checked in full, unlike the engine's own stamps).
func strictTime(s string) (string, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", false
	}
	return t.UTC().Format(timeLayout), true
}
