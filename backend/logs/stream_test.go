package logs

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// frame is one multiplexed frame, as the engine writes it.
func frame(stream byte, payload string) []byte {
	h := make([]byte, frameHeader, frameHeader+len(payload))
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(payload)))
	return append(h, payload...)
}

func frames(fs ...[]byte) []byte { return bytes.Join(fs, nil) }

const (
	t1 = "2026-12-02T06:51:56.013813967Z"
	t2 = "2026-12-02T06:51:56.013910618Z"
	t3 = "2026-12-02T06:51:56.013995027Z"
)

// parse runs the parser over the pieces and flushes at the end.
func parse(t *testing.T, tty bool, pieces ...[]byte) []Line {
	t.Helper()
	var got []Line
	p := newParser("e", "c", tty, func(l Line) { got = append(got, l) })
	for _, b := range pieces {
		if err := p.feed(b); err != nil {
			t.Fatalf("feed: %v", err)
		}
	}
	if err := p.end(); err != nil {
		t.Fatalf("end: %v", err)
	}
	p.flush()
	return got
}

func line(time, stream, text string) Line {
	return Line{Engine: "e", ID: "c", Time: time, Stream: stream, Text: text}
}

type parseCase struct {
	name  string
	tty   bool
	input []byte
	want  []Line
}

func parseCases() []parseCase {
	partialLine := line(t1, Stdout, "c"+strings.Repeat("x", 2*dockerPartial+10))
	cutLine := line(t1, Stdout, strings.Repeat("y", MaxLineBytes))
	cutLine.Cut = 3*dockerPartial + 7
	ttyLong := line(t1, Stdout, strings.Repeat("z", dockerPartial+5))
	runeCut := line(t1, Stdout, strings.Repeat("a", MaxLineBytes-1))
	runeCut.Cut = 2 + 100
	last := line(t3, Stdout, "tail")
	last.Partial = true
	lastOfRun := line(t1, Stdout, "last of a run")
	lastOfRun.Partial = true
	return []parseCase{
		{name: "stdout and stderr", input: frames(
			frame(1, t1+" a\n"), frame(2, t2+" err1\n"), frame(1, t3+" b\n")),
			want: []Line{line(t1, Stdout, "a"), line(t2, Stderr, "err1"), line(t3, Stdout, "b")}},
		{name: "empty lines and no newline at the end", input: frames(
			frame(1, t1+" \n"), frame(2, t2+" \n"), frame(1, t3+" tail")),
			want: []Line{line(t1, Stdout, ""), line(t2, Stderr, ""), last}},
		{name: "crlf and a carriage return inside", input: frames(
			frame(1, t1+" a\r\n"), frame(1, t2+" b\rc\r\r\n")),
			want: []Line{line(t1, Stdout, "a"), line(t2, Stdout, "b\rc")}},
		{name: "a long line in partial messages, a stderr line between", input: frames(
			frame(1, t1+" c"),
			frame(2, t2+" err\n"),
			frame(1, t1+" "+strings.Repeat("x", dockerPartial)),
			frame(1, t1+" "+strings.Repeat("x", dockerPartial)),
			frame(1, t1+" "+strings.Repeat("x", 10)+"\n"),
			frame(1, t3+" after\n")),
			want: []Line{line(t2, Stderr, "err"), partialLine, line(t3, Stdout, "after")}},
		{name: "a line above the limit", input: frames(
			frame(1, t1+" "+strings.Repeat("y", dockerPartial)),
			frame(1, t1+" "+strings.Repeat("y", dockerPartial)),
			frame(1, t1+" "+strings.Repeat("y", dockerPartial)),
			frame(1, t1+" "+strings.Repeat("y", dockerPartial)),
			frame(1, t1+" "+strings.Repeat("y", 3*dockerPartial+7)+"\r\n"),
			frame(1, t2+" next\n")),
			want: []Line{cutLine, line(t2, Stdout, "next")}},
		{name: "a cut through a character", input: frames(
			frame(1, t1+" "+strings.Repeat("a", MaxLineBytes-1)+"é"+strings.Repeat("b", 100)+"\n")),
			want: []Line{runeCut}},
		{name: "invalid utf-8", input: frames(frame(1, t1+" \xff\xfebad \xe2\x82\n")),
			want: []Line{line(t1, Stdout, "\ufffd\ufffdbad \ufffd\ufffd")}},
		{name: "html and ansi pass as they are", input: frames(frame(1, t1+" <b>&amp;</b> \x1b[31mred\x1b[0m\n")),
			want: []Line{line(t1, Stdout, "<b>&amp;</b> \x1b[31mred\x1b[0m")}},
		{name: "timestamps in other forms", input: frames(
			frame(1, "2026-12-02T08:51:56.5+02:00 a\n"), frame(1, "2026-12-02T06:51:57Z b\n")),
			want: []Line{line("2026-12-02T06:51:56.500000000Z", Stdout, "a"), line("2026-12-02T06:51:57.000000000Z", Stdout, "b")}},
		{name: "several lines in one frame share its time", input: frames(frame(1, t1+" a\nb\n")),
			want: []Line{line(t1, Stdout, "a"), line(t1, Stdout, "b")}},
		{name: "a line without a newline, then one of another time", input: frames(
			frame(1, t1+" last of a run"), frame(2, t2+" err\n"), frame(1, t3+" first of the next\n")),
			want: []Line{line(t2, Stderr, "err"), lastOfRun, line(t3, Stdout, "first of the next")}},
		{name: "empty frames", input: frames(frame(1, ""), frame(1, t1+" a\n"), frame(2, "")),
			want: []Line{line(t1, Stdout, "a")}},
		{name: "tty", tty: true, input: []byte(t1 + " a\r\n" + t2 + " b\r\r\n" + t3 + " tail"),
			want: []Line{line(t1, Stdout, "a"), line(t2, Stdout, "b"), last}},
		{name: "tty long line in partial messages", tty: true, input: []byte(
			t1 + " " + strings.Repeat("z", dockerPartial) + t1 + " zzzzz\r\n" + t2 + " b\r\n"),
			want: []Line{ttyLong, line(t2, Stdout, "b")}},
		{name: "tty text that is no timestamp", tty: true, input: []byte(t1 + " a\r\nnot a stamp\r\n"),
			want: []Line{line(t1, Stdout, "a"), line(t1, Stdout, "not a stamp")}},
	}
}

// TestParseSplits parses each case whole, split in two at every byte and
// byte by byte: the lines are the same whatever the reads.
func TestParseSplits(t *testing.T) {
	for _, c := range parseCases() {
		t.Run(c.name, func(t *testing.T) {
			check := func(how string, got []Line) {
				t.Helper()
				if !reflect.DeepEqual(got, c.want) {
					t.Fatalf("%s:\n got %s\nwant %s", how, show(got), show(c.want))
				}
			}
			check("whole", parse(t, c.tty, c.input))
			step := 1
			if len(c.input) > 4096 {
				step = 97 // every byte of a 300 KB case takes minutes
			}
			for i := 0; i <= len(c.input); i += step {
				check("split at "+strconv.Itoa(i), parse(t, c.tty, c.input[:i], c.input[i:]))
			}
			var bytewise [][]byte
			for i := range c.input {
				bytewise = append(bytewise, c.input[i:i+1])
			}
			check("byte by byte", parse(t, c.tty, bytewise...))
		})
	}
}

func show(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		text := l.Text
		if len(text) > 40 {
			text = text[:20] + "…(" + strconv.Itoa(len(text)) + ")…" + text[len(text)-10:]
		}
		b.WriteString("\n  {" + l.Time + " " + l.Stream + " " + quote(text) + " cut=" + strconv.Itoa(l.Cut))
		if l.Partial {
			b.WriteString(" partial")
		}
		b.WriteString("}")
	}
	return b.String()
}

func quote(s string) string { return "\"" + strings.ReplaceAll(s, "\n", "\\n") + "\"" }

func TestParseErrors(t *testing.T) {
	for name, input := range map[string][]byte{
		"bad stream byte":    {9, 0, 0, 0, 0, 0, 0, 1, 'x'},
		"bad header padding": {1, 1, 0, 0, 0, 0, 0, 1, 'x'},
		"engine error":       frame(3, "unable to read the log file"),
	} {
		p := newParser("e", "c", false, func(Line) {})
		if err := p.feed(input); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	p := newParser("e", "c", false, func(Line) {})
	if err := p.feed(frame(1, t1+" abc")[:10]); err != nil {
		t.Fatal(err)
	}
	if err := p.end(); err == nil {
		t.Error("a stream that ends inside a frame: no error")
	}
}

// TestParseOneAllocationPerLine: a line's time and text are made as one
// string, whatever else a flood's line costs (the parser holds no other
// per-line memory). With a timestamp that is not in the engine's own form
// (normalized), and text of invalid UTF-8 (replaced), it may take more.
func TestParseOneAllocationPerLine(t *testing.T) {
	var stream []byte
	for range 100 {
		stream = append(stream, frame(1, t1+" "+strings.Repeat("x", 99)+"\n")...)
	}
	p := newParser("e", "c", false, func(Line) {})
	allocs := testing.AllocsPerRun(20, func() {
		if err := p.feed(stream); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 100 {
		t.Fatalf("%.0f allocations for 100 lines, want one a line", allocs)
	}
}

// BenchmarkParse is the parser's cost per line of a flood of 100-byte lines.
func BenchmarkParse(b *testing.B) {
	var stream []byte
	for range 1000 {
		stream = append(stream, frame(1, t1+" "+strings.Repeat("x", 99)+"\n")...)
	}
	b.SetBytes(int64(len(stream)))
	n := 0
	p := newParser("e", "c", false, func(Line) { n++ })
	for b.Loop() {
		for i := 0; i < len(stream); i += readBuf {
			if err := p.feed(stream[i:min(i+readBuf, len(stream))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/line")
}
