package protocol

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
)

// The logs socket, GET /ws/logs, is a stream of its own beside /ws: a
// client opens one for the containers whose logs it shows (one, or every
// container of a compose project) and the server sends, in envelopes of this
// Version whose seq counts the socket's messages from 1, "logs.hello", then
// "logs.lines" batches, "logs.skipped" when the client fell behind and
// "logs.state" when a container's stream changes (docs/protocol.md, "Logs").
// The client sends nothing.

// LogsHello is the first message on a logs socket: the containers it
// follows, in the order the request named them.
type LogsHello struct {
	Containers []LogsContainer `json:"containers"`
	// MaxLineBytes is the longest line text sent whole (logs.MaxLineBytes);
	// a longer line is cut there and says how many bytes were cut.
	MaxLineBytes int `json:"maxLineBytes"`
}

// LogsContainer is one container a logs socket follows.
type LogsContainer struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	// TTY containers have one stream: all their lines are stdout.
	TTY bool `json:"tty"`
}

// LogsLines is a batch of lines, in time order (a batch holds at most
// MaxLogsBatchLines lines and about MaxLogsBatchBytes bytes), sent one array
// per field instead of one object per line: a container's engine and ID
// come once a batch instead of with every line, which makes a flood's
// messages less than half as long and a client's parsing of them about as
// much cheaper. The arrays Container, Time, Stream and Text (and Cut and
// Partial when present) have one element per line; Lines makes the lines
// again.
type LogsLines struct {
	// Containers are the containers with lines in the batch, each once, in
	// the order of their first line.
	Containers []model.Key `json:"containers"`
	// Container is each line's container, an index into Containers.
	Container []int `json:"container"`
	// Time is each line's logs.Line Time.
	Time []string `json:"time"`
	// Stream is each line's logs.Stdout or logs.Stderr.
	Stream []string `json:"stream"`
	// Text is each line's text.
	Text []string `json:"text"`
	// Cut is each line's logs.Line Cut (0: whole), when a line of the batch
	// was cut; absent otherwise.
	Cut []int `json:"cut,omitempty"`
	// Partial is each line's logs.Line Partial, when the batch has a
	// partial line; absent otherwise.
	Partial []bool `json:"partial,omitempty"`
}

// BatchOf is the batch of lines (what AppendLogsLines writes).
func BatchOf(lines []logs.Line) LogsLines {
	b := LogsLines{
		Containers: []model.Key{},
		Container:  make([]int, len(lines)),
		Time:       make([]string, len(lines)),
		Stream:     make([]string, len(lines)),
		Text:       make([]string, len(lines)),
	}
	var sources batchSources
	for i := range lines {
		l := &lines[i]
		b.Container[i] = sources.index(l)
		b.Time[i], b.Stream[i], b.Text[i] = l.Time, l.Stream, l.Text
		if l.Cut != 0 {
			if b.Cut == nil {
				b.Cut = make([]int, len(lines))
			}
			b.Cut[i] = l.Cut
		}
		if l.Partial {
			if b.Partial == nil {
				b.Partial = make([]bool, len(lines))
			}
			b.Partial[i] = true
		}
	}
	b.Containers = append(b.Containers, sources.keys...)
	return b
}

// Lines are the batch's lines, or an error naming what does not fit
// together (arrays of other lengths, an index out of Containers).
func (b LogsLines) Lines() ([]logs.Line, error) {
	n := len(b.Container)
	for _, f := range []struct {
		name string
		len  int
		opt  bool
	}{{"time", len(b.Time), false}, {"stream", len(b.Stream), false}, {"text", len(b.Text), false}, {"cut", len(b.Cut), true}, {"partial", len(b.Partial), true}} {
		if f.len != n && !(f.opt && f.len == 0) {
			return nil, fmt.Errorf("logs.lines: %d %s for %d lines", f.len, f.name, n)
		}
	}
	lines := make([]logs.Line, n)
	for i := range lines {
		c := b.Container[i]
		if c < 0 || c >= len(b.Containers) {
			return nil, fmt.Errorf("logs.lines: line %d's container %d, of %d", i, c, len(b.Containers))
		}
		lines[i] = logs.Line{Engine: b.Containers[c].Engine, ID: b.Containers[c].ID, Time: b.Time[i], Stream: b.Stream[i], Text: b.Text[i]}
		if b.Cut != nil {
			lines[i].Cut = b.Cut[i]
		}
		if b.Partial != nil {
			lines[i].Partial = b.Partial[i]
		}
	}
	return lines, nil
}

// batchSources numbers the containers of a batch in the order of their
// first line. A batch is mostly one container's lines in runs, so the
// previous line's container is tried first.
type batchSources struct {
	keys []model.Key
	last int
}

func (s *batchSources) index(l *logs.Line) int {
	if s.last < len(s.keys) && s.keys[s.last].ID == l.ID && s.keys[s.last].Engine == l.Engine {
		return s.last
	}
	for i, k := range s.keys {
		if k.ID == l.ID && k.Engine == l.Engine {
			s.last = i
			return i
		}
	}
	s.keys = append(s.keys, model.Key{Engine: l.Engine, ID: l.ID})
	s.last = len(s.keys) - 1
	return s.last
}

// A logs.lines batch holds at most this many lines, and stops before the
// line that would take its text past this many bytes (a first line longer
// than that goes alone).
const (
	MaxLogsBatchLines = logs.BatchLines
	MaxLogsBatchBytes = logs.BatchBytes
)

// LogsSkipped says that the client fell behind: Count lines of the
// container, with times From to To (inclusive, logs.Line times), were not
// sent. The engine still has them: the polling route gives them
// (since=From&until=To). It comes before the container's next lines.
type LogsSkipped struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Count  int    `json:"count"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// LogsState is a change of one followed container's stream.
type LogsState struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	// State is logs.Following (the engine stream is open: the container
	// runs), logs.Stopped (it is not running and every line up to its exit
	// was sent; the stream waits for it to start again), logs.Removed (it
	// is gone and its stream is over) or logs.Interrupted (the engine
	// connection was lost; the stream resumes by itself after the last line
	// sent and says logs.Following again).
	State string `json:"state"`
	// Reason says why, in words (empty when there is nothing to add).
	Reason string `json:"reason"`
}

// AppendLogsLines appends to buf the logs.lines message of seq carrying
// lines: what Encode(TypeLogsLines, seq, BatchOf(lines)) makes, written out
// directly. A flood is tens of thousands of lines a second, and
// encoding/json's reflection and its second pass over the data (it checks
// the RawMessage of every envelope again) cost three times as much. Unlike
// encoding/json it leaves <, > and & as they are: a line's text is never
// HTML-escaped.
func AppendLogsLines(buf []byte, seq uint64, lines []logs.Line) []byte {
	buf = append(buf, `{"v":`...)
	buf = strconv.AppendInt(buf, Version, 10)
	buf = append(buf, `,"type":"`+TypeLogsLines+`","seq":`...)
	buf = strconv.AppendUint(buf, seq, 10)
	var sources batchSources
	cut, partial := false, false
	for i := range lines {
		sources.index(&lines[i])
		cut = cut || lines[i].Cut != 0
		partial = partial || lines[i].Partial
	}
	buf = append(buf, `,"data":{"containers":[`...)
	for i, k := range sources.keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"engine":`...)
		buf = appendJSONString(buf, k.Engine)
		buf = append(buf, `,"id":`...)
		buf = appendJSONString(buf, k.ID)
		buf = append(buf, '}')
	}
	buf = append(buf, ']')
	buf = appendColumn(buf, `,"container":[`, lines, func(b []byte, l *logs.Line) []byte {
		return strconv.AppendInt(b, int64(sources.index(l)), 10)
	})
	buf = appendColumn(buf, `,"time":[`, lines, func(b []byte, l *logs.Line) []byte { return appendJSONString(b, l.Time) })
	buf = appendColumn(buf, `,"stream":[`, lines, func(b []byte, l *logs.Line) []byte { return appendJSONString(b, l.Stream) })
	buf = appendColumn(buf, `,"text":[`, lines, func(b []byte, l *logs.Line) []byte { return appendJSONString(b, l.Text) })
	if cut {
		buf = appendColumn(buf, `,"cut":[`, lines, func(b []byte, l *logs.Line) []byte { return strconv.AppendInt(b, int64(l.Cut), 10) })
	}
	if partial {
		buf = appendColumn(buf, `,"partial":[`, lines, func(b []byte, l *logs.Line) []byte { return strconv.AppendBool(b, l.Partial) })
	}
	return append(buf, "}}"...)
}

// appendColumn appends open (a key and the array's opening bracket), each
// line's element as add writes it, comma separated, and the closing bracket.
func appendColumn(buf []byte, open string, lines []logs.Line, add func([]byte, *logs.Line) []byte) []byte {
	buf = append(buf, open...)
	for i := range lines {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = add(buf, &lines[i])
	}
	return append(buf, ']')
}

// appendJSONString appends s as a JSON string, as encoding/json would
// without HTML escaping: quotes, backslashes and control characters
// escaped, each byte of invalid UTF-8 as U+FFFD, and U+2028 and U+2029
// escaped (JavaScript once took them for line ends).
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
