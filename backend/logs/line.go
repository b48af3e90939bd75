package logs

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// timeLayout is Line.Time's layout: RFC 3339 in UTC with exactly 9
// fraction digits (the engine's own, Docker's RFC3339NanoFixed).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// stamp is a time in timeLayout, held as bytes while a line is assembled:
// it becomes a string only with the line's text (lineStrings).
type stamp [len(timeLayout)]byte

// epochStamp is the time of a line on a stream that never gave one: the
// epoch, which sorts first.
var epochStamp = stamp([]byte("1970-01-01T00:00:00.000000000Z"))

// maxStampBytes bounds the timestamp prefix of a message: more bytes before
// the space are text, not a timestamp.
const maxStampBytes = 64

// dockerPartial is the size of the partial messages Docker cuts a long line
// into (its log copier's buffer). A TTY stream has no frames, so there the
// next partial's timestamp is looked for after this many bytes of a line.
const dockerPartial = 16 << 10

// assembler makes lines of one stream's log messages. A message is the
// engine's timestamp, a space and text; a line is one message or, when
// Docker cut it, several of the same time (all but the last without a
// newline). It keeps at most MaxLineBytes of a line and
// counts the rest.
type assembler struct {
	engine, id, stream string
	tty                bool

	// The current message.
	atStart  bool   // the next bytes begin a message: timestamp, space
	stamp    []byte // its timestamp bytes read so far
	hasTime  bool   // a message of this stream had a timestamp
	msgTime  stamp  // its time
	msgBytes int    // its text bytes so far (TTY only: where a partial ends)

	// The current line.
	open bool   // a line has begun
	time stamp  // its time
	buf  []byte // at most MaxLineBytes of it
	cut  int    // bytes dropped beyond MaxLineBytes
	crs  int    // carriage returns at its end not yet stored: none is, if the line ends there
}

func newAssembler(engine, id, stream string, tty bool) *assembler {
	return &assembler{engine: engine, id: id, stream: stream, tty: tty, atStart: true}
}

// startMessage says that the next bytes begin a message (a frame's start).
func (a *assembler) startMessage() {
	a.atStart = true
	a.stamp = a.stamp[:0]
}

// write assembles p, the next bytes of the stream, calling out with each
// line completed.
func (a *assembler) write(p []byte, out func(Line)) {
	for len(p) > 0 {
		if a.atStart {
			i := bytes.IndexByte(p, ' ')
			if i < 0 {
				if len(a.stamp)+len(p) <= maxStampBytes {
					a.stamp = append(a.stamp, p...)
					return
				}
				a.notStamp(nil, out)
				continue
			}
			if len(a.stamp)+i > maxStampBytes {
				a.notStamp(nil, out)
				continue
			}
			a.stamp = append(a.stamp, p[:i]...)
			p = p[i+1:]
			t, ok := normTime(a.stamp)
			if !ok {
				a.notStamp([]byte{' '}, out)
				continue
			}
			a.atStart, a.stamp, a.hasTime, a.msgTime, a.msgBytes = false, a.stamp[:0], true, t, 0
			if a.pending() && t != a.time {
				// Docker's partial messages of one line all carry the
				// line's time: a message of another time is a new line,
				// and the one before had no newline (the container's last
				// output before it stopped, the next run's first).
				a.endLine(true, out)
			}
			if !a.open {
				a.open, a.time = true, t
			}
			continue
		}
		if !a.open {
			a.open, a.time = true, a.msgTime
		}
		chunk, nl := p, false
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			chunk, nl = p[:i], true
		}
		if a.tty && a.msgBytes+len(chunk) >= dockerPartial {
			// Where Docker would have cut this line, the next partial
			// message's timestamp may follow.
			chunk, nl = chunk[:dockerPartial-a.msgBytes], false
			a.add(chunk)
			p = p[len(chunk):]
			a.startMessage()
			continue
		}
		a.add(chunk)
		a.msgBytes += len(chunk)
		p = p[len(chunk):]
		if nl {
			p = p[1:]
			a.endLine(false, out)
			if a.tty {
				a.startMessage()
			}
		}
	}
}

// notStamp takes the bytes read as a timestamp, and then more, as text:
// they were not one.
func (a *assembler) notStamp(more []byte, out func(Line)) {
	text := append(slices.Clone(a.stamp), more...)
	a.atStart, a.stamp, a.msgBytes = false, a.stamp[:0], 0
	if !a.hasTime {
		// No time was ever read on this stream: the line has none to take
		// but the epoch, which sorts first.
		a.hasTime, a.msgTime = true, epochStamp
	}
	a.write(text, out)
}

// add appends text without newlines to the line, carriage returns at its
// end held back.
func (a *assembler) add(p []byte) {
	j := len(p)
	for j > 0 && p[j-1] == '\r' {
		j--
	}
	if j > 0 {
		for ; a.crs > 0; a.crs-- {
			a.store([]byte{'\r'})
		}
		a.store(p[:j])
	}
	a.crs += len(p) - j
}

// store keeps what fits below MaxLineBytes and counts the rest.
func (a *assembler) store(p []byte) {
	room := MaxLineBytes - len(a.buf)
	if len(p) <= room {
		a.buf = append(a.buf, p...)
		return
	}
	a.buf = append(a.buf, p[:room]...)
	a.cut += len(p) - room
}

// endLine hands the line on (partial: without a newline) and starts the
// next. Trailing carriage returns are dropped ("\r\n" ends a line as "\n").
func (a *assembler) endLine(partial bool, out func(Line)) {
	if a.cut > 0 {
		// Never leave half a character where the line was cut.
		if k := incompleteTail(a.buf); k > 0 {
			a.buf, a.cut = a.buf[:len(a.buf)-k], a.cut+k
		}
	}
	t, text := lineStrings(&a.time, a.buf)
	out(Line{Engine: a.engine, ID: a.id, Time: t, Stream: a.stream, Text: text, Cut: a.cut, Partial: partial})
	a.open, a.buf, a.cut, a.crs = false, a.buf[:0], 0, 0
}

// pending says whether a line has text but no newline yet.
func (a *assembler) pending() bool { return a.open && (len(a.buf) > 0 || a.cut > 0) }

// flush hands on the line without a newline, if any, as Partial.
func (a *assembler) flush(out func(Line)) {
	if a.pending() {
		a.endLine(true, out)
	}
	a.open, a.crs = false, 0
}

// incompleteTail is how many bytes at the end of b are the start of a
// character cut off.
func incompleteTail(b []byte) int {
	for k := 1; k <= utf8.UTFMax && k <= len(b); k++ {
		c := b[len(b)-k]
		if utf8.RuneStart(c) {
			if c >= utf8.RuneSelf && !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}

// lineStrings are a line's time and text (each byte of text that is not
// part of valid UTF-8 replaced by U+FFFD) as strings, made as one: a flood
// is tens of thousands of lines a second, and each allocation is garbage
// to collect. The two share their memory, so either one kept holds both
// (a cursor keeps the last line's time, a skip notice two).
func lineStrings(t *stamp, text []byte) (string, string) {
	if !utf8.Valid(text) {
		text = validUTF8(text)
	}
	var b strings.Builder
	b.Grow(len(t) + len(text))
	b.Write(t[:])
	b.Write(text)
	s := b.String()
	return s[:len(t)], s[len(t):]
}

// validUTF8 is b with each byte that is not part of valid UTF-8 replaced
// by U+FFFD.
func validUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// normTime is the engine's timestamp b in Line.Time's form, and whether it
// is one.
func normTime(b []byte) (stamp, bool) {
	var s stamp
	if inLayout(b) {
		copy(s[:], b) // as Docker writes it: no parse per line
		return s, true
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return s, false
	}
	// Parse takes only years 0000-9999, which the layout writes in four
	// digits: the form is always as long.
	if f := t.UTC().AppendFormat(s[:0], timeLayout); len(f) != len(s) {
		return s, false
	}
	return s, true
}

// inLayout says whether b is in timeLayout: digits where it has digits,
// its other bytes where it has them.
func inLayout(b []byte) bool {
	if len(b) != len(timeLayout) {
		return false
	}
	for i := range len(timeLayout) {
		c := timeLayout[i]
		if c >= '0' && c <= '9' {
			c = '0'
		}
		d := b[i]
		if d >= '0' && d <= '9' {
			d = '0'
		}
		if c != d {
			return false
		}
	}
	return true
}
