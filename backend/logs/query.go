package logs

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
)

// cursor names a place in a container's log: just after the n-th line
// (counting from 1) of those at time, or, with n 0, just before the first
// line at time. As a string (Page.Cursor) it is "TIME~N".
type cursor struct {
	time string // a Line.Time
	n    int
}

// epoch is the time before every line: a cursor from it continues from the
// log's first line.
var epoch = time.Unix(0, 0).UTC().Format(timeLayout)

func (c cursor) String() string { return c.time + "~" + strconv.Itoa(c.n) }

// passes says whether l comes at or before the cursor (already returned),
// for lines read from the engine since c.time; seen counts the lines at
// c.time read so far, l included.
func (c cursor) passes(l Line, seen int) bool {
	return l.Time < c.time || (l.Time == c.time && seen <= c.n)
}

func parseCursor(s string) (cursor, error) {
	t, n, ok := strings.Cut(s, "~")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 0 {
		return cursor{}, fmt.Errorf("cursor %q: not one a page gave: %w", model.Cut(s, model.MaxWord), model.ErrInvalid)
	}
	norm, ok := normTime([]byte(t))
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
		t, ok := normTime([]byte(q.Since))
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
		t, ok := normTime([]byte(q.Until))
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
