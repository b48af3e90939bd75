package protocol

import (
	"strconv"
	"unicode/utf8"

	"github.com/dockpulse/dockpulse/backend/logs"
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
// MaxLogsBatchLines lines and about MaxLogsBatchBytes bytes).
type LogsLines struct {
	Lines []logs.Line `json:"lines"`
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
// lines: what Encode(TypeLogsLines, seq, LogsLines{lines}) makes, written
// out directly. A flood is tens of thousands of lines a second, and
// encoding/json's reflection and its second pass over the data (it checks
// the RawMessage of every envelope again) cost three times as much. Unlike
// encoding/json it leaves <, > and & as they are: a line's text is never
// HTML-escaped.
func AppendLogsLines(buf []byte, seq uint64, lines []logs.Line) []byte {
	buf = append(buf, `{"v":`...)
	buf = strconv.AppendInt(buf, Version, 10)
	buf = append(buf, `,"type":"`+TypeLogsLines+`","seq":`...)
	buf = strconv.AppendUint(buf, seq, 10)
	buf = append(buf, `,"data":{"lines":[`...)
	for i := range lines {
		l := &lines[i]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"engine":`...)
		buf = appendJSONString(buf, l.Engine)
		buf = append(buf, `,"id":`...)
		buf = appendJSONString(buf, l.ID)
		buf = append(buf, `,"time":`...)
		buf = appendJSONString(buf, l.Time)
		buf = append(buf, `,"stream":`...)
		buf = appendJSONString(buf, l.Stream)
		buf = append(buf, `,"text":`...)
		buf = appendJSONString(buf, l.Text)
		if l.Cut != 0 {
			buf = append(buf, `,"cut":`...)
			buf = strconv.AppendInt(buf, int64(l.Cut), 10)
		}
		if l.Partial {
			buf = append(buf, `,"partial":true`...)
		}
		buf = append(buf, '}')
	}
	return append(buf, "]}}"...)
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
