// Package logs reads containers' logs from one engine: the polling answer
// (Reader.Page), the live stream (Reader.Follow) and the last words of the
// containers that died (Keeper).
//
// The engine's log stream is read with timestamps and parsed here, not with
// the SDK's stdcopy: a non-TTY container's stream is multiplexed in frames
// of an 8-byte header (stream, 3 zero bytes, big-endian payload size) and a
// payload that is one log message, and Dockpulse needs each frame's stream
// and where a message ends without a newline (frame.go). A TTY container's
// stream is raw, every line stdout. Messages are assembled into lines
// (line.go): Docker cuts a line longer than 16 KiB into partial messages of
// 16 KiB, each with its own copy of the line's timestamp; a line is kept up
// to MaxLineBytes and the bytes beyond are counted, not buffered (Line.Cut);
// invalid UTF-8 becomes U+FFFD; "\r\n" ends a line as "\n" does.
//
// Memory: a page holds at most MaxLimit (or MaxTail) lines of at most
// MaxLineBytes each; a follow holds one line per stream being assembled
// (MaxLineBytes at most) and the lines read and not yet emitted (at most
// 8 × BatchLines, then reading waits for emit). The Keeper holds at most
// KeptDeaths deaths of KeptLines lines, KeptBytes of text in all (the
// newest death always kept whole, at most KeptLines × MaxLineBytes, 12.5
// MiB), plus a ring of KeptLines lines for each of at most MaxFollows
// running --rm containers: 64 MiB + 12.5 MiB + 32 × 12.5 MiB in the worst
// case of every line at the limit; with lines of 500 bytes, about 100 KiB
// a death and 100 KiB a --rm container.
package logs

import "github.com/dockpulse/dockpulse/backend/model"

// MaxLineBytes is the most of one line Dockpulse keeps: the bytes beyond it
// are dropped and counted in Line.Cut.
const MaxLineBytes = 64 << 10

// Streams of a line.
const (
	Stdout = "stdout"
	Stderr = "stderr"
)

// Bounds of a Query (the polling route and the live stream share them).
const (
	// DefaultTail is the number of last lines a query without Since,
	// Cursor or Tail asks for.
	DefaultTail = 500
	// MaxTail is the most last lines one query may ask for.
	MaxTail = 10000
	// DefaultLimit is the most lines a page from Since or Cursor holds
	// when the query gives no Limit.
	DefaultLimit = 1000
	// MaxLimit is the most lines one page may hold.
	MaxLimit = 10000
)

// Line is one line a container wrote, as the wire carries it.
type Line struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	// Time is the engine's timestamp of the line, RFC 3339 in UTC with
	// exactly 9 fraction digits, so that string order is time order.
	Time string `json:"time"`
	// Stream is Stdout or Stderr (a TTY container's lines are Stdout).
	Stream string `json:"stream"`
	// Text is the line without its newline, valid UTF-8 (each invalid byte
	// became U+FFFD), at most MaxLineBytes of what the container wrote.
	Text string `json:"text"`
	// Cut counts the bytes of the line dropped beyond MaxLineBytes.
	Cut int `json:"cut,omitempty"`
	// Partial marks a last line that has no newline (yet).
	Partial bool `json:"partial,omitempty"`
}

// Query asks for a part of a container's log.
//
// Without Since and Cursor it asks for the last Tail lines (default
// DefaultTail, at most MaxTail) up to Until or now. With Since (a Line.Time,
// or any RFC 3339 time) it asks for the lines at or after it, at most Limit
// (default DefaultLimit, at most MaxLimit), up to Until (inclusive) or now.
// Cursor (a Page.Cursor) asks for the lines just after the line it names,
// as Since does otherwise. A query that breaks these rules is an error
// wrapping model.ErrInvalid that names the parameter.
type Query struct {
	Tail   int    `json:"tail"`
	Limit  int    `json:"limit"`
	Since  string `json:"since"`
	Until  string `json:"until"`
	Cursor string `json:"cursor"`
}

// Page is the answer to a Query: lines in time order and where to go on.
type Page struct {
	Lines []Line `json:"lines"`
	// Cursor continues just after the last complete line returned (exact
	// even when lines share a timestamp). A running container's last line
	// without a newline is returned (Partial) but not passed by the cursor:
	// the next page returns it again, whole once its newline came.
	Cursor string `json:"cursor"`
	// More says that more lines remain up to Until or now.
	More bool `json:"more"`
	// Start says, of a tail page (a Query without Since and Cursor), that
	// no line of the log comes before its first line: the log's start is
	// in the page (an empty page: no line at all up to Until or now). It
	// is false on pages from Since or Cursor.
	Start bool `json:"start"`
}

// LastWords is what a container wrote last before it died.
type LastWords struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	// ExitCode is the process's exit status.
	ExitCode int `json:"exitCode"`
	// ExitCause is how the exit came about (model.ExitStopped, ExitKilled,
	// ExitOOM, ExitUnasked), empty when unknown.
	ExitCause string `json:"exitCause"`
	// FinishedAt is the time of the exit, in Unix milliseconds.
	FinishedAt int64 `json:"finishedAt"`
	// Lines are the container's last lines up to its exit, at most
	// KeptLines, oldest first.
	Lines []Line `json:"lines"`
	// Removed says that the container is gone from the engine.
	Removed bool `json:"removed"`
}

// States a followed container is in (State.State).
const (
	// Following: the engine stream is open (the container runs).
	Following = "following"
	// Stopped: the container is not running and every line up to its exit
	// was emitted; following waits for it to start again.
	Stopped = "stopped"
	// Removed: the container is gone; its part of the follow is over.
	Removed = "removed"
	// Interrupted: the engine connection was lost (Reason says why); the
	// follow resumes by itself after the last line emitted.
	Interrupted = "interrupted"
)

// State is a followed container's state change.
type State struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// notFound wraps model.ErrNotFound with the container it was asked about.
func notFound(engine, id string, err error) error {
	return &notFoundError{engine: engine, id: id, err: err}
}

type notFoundError struct {
	engine, id string
	err        error
}

func (e *notFoundError) Error() string {
	return model.ErrNotFound.Error() + " " + model.Cut(e.id, model.MaxWord) + " on engine " + model.Cut(e.engine, model.MaxWord)
}

func (e *notFoundError) Unwrap() []error { return []error{model.ErrNotFound, e.err} }
