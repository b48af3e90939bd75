package protocol

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/logs"
)

// decodeLines decodes a logs.lines message into its envelope and lines.
func decodeLines(t *testing.T, msg []byte) (Envelope, []logs.Line) {
	t.Helper()
	env, err := Decode(msg)
	if err != nil {
		t.Fatalf("%s: %v", msg, err)
	}
	var b LogsLines
	if err := json.Unmarshal(env.Data, &b); err != nil {
		t.Fatalf("%s: %v", env.Data, err)
	}
	lines, err := b.Lines()
	if err != nil {
		t.Fatalf("%s: %v", env.Data, err)
	}
	return env, lines
}

// checkAppendLogsLines: AppendLogsLines decodes to what Encode's message
// decodes to, for the same lines.
func checkAppendLogsLines(t *testing.T, lines []logs.Line) {
	t.Helper()
	want, err := Encode(TypeLogsLines, 7, BatchOf(lines))
	if err != nil {
		t.Fatal(err)
	}
	got := AppendLogsLines([]byte("kept"), 7, lines)
	if !strings.HasPrefix(string(got), "kept") {
		t.Fatalf("the buffer's start was not kept: %q", got)
	}
	got = got[len("kept"):]
	genv, glines := decodeLines(t, got)
	wenv, wlines := decodeLines(t, want)
	if genv.V != wenv.V || genv.Type != wenv.Type || genv.Seq != wenv.Seq {
		t.Fatalf("envelope %+v, want %+v", genv, wenv)
	}
	if !reflect.DeepEqual(glines, wlines) {
		t.Fatalf("lines decode as\n%+v\nwant\n%+v\n(message %s)", glines, wlines, got)
	}
}

func TestAppendLogsLines(t *testing.T) {
	base := logs.Line{Engine: "default", ID: "c0ffee", Time: "2026-12-02T06:43:20.558123456Z", Stream: logs.Stdout}
	var lines []logs.Line
	for _, text := range []string{
		"", "GET / 200", `quote " and backslash \ and slash /`, "<b>html</b> & more",
		"tab\tcr\rnl\n nul\x00 bell\x07 esc\x1b[31mred\x1b[0m del\x7f",
		"ünïcödé 日本語 🎉", "line\u2028sep\u2029para", "bad \xff\xfe utf8 \xc3", strings.Repeat("x", 70000),
	} {
		l := base
		l.Text = text
		lines = append(lines, l)
	}
	cut := base
	cut.Cut, cut.Partial, cut.Stream = 1234, true, logs.Stderr
	lines = append(lines, cut)
	checkAppendLogsLines(t, lines)
	const empty = `"data":{"containers":[],"container":[],"time":[],"stream":[],"text":[]}}`
	if got := string(AppendLogsLines(nil, 1, nil)); !strings.HasSuffix(got, empty) {
		t.Errorf("no lines: %s, want empty lists (never null)", got)
	}
	if got := string(AppendLogsLines(nil, 1, lines[3:4])); !strings.Contains(got, `"text":["<b>html</b> & more"]`) {
		t.Errorf("the text is HTML-escaped: %s", got)
	}
}

// A project's lines name each container once a batch, in the order of its
// first line; cut and partial come only with a batch that has such a line.
func TestAppendLogsLinesShape(t *testing.T) {
	line := func(id, text string) logs.Line {
		return logs.Line{Engine: "default", ID: id, Time: "2026-12-02T06:43:20.558123456Z", Stream: logs.Stdout, Text: text}
	}
	lines := []logs.Line{line("db", "a"), line("db", "b"), line("web", "c"), line("db", "d"), line("web", "e")}
	lines[4].Engine = "remote" // another engine's container of the same ID is another container
	checkAppendLogsLines(t, lines)
	if got, _ := BatchOf(lines).Lines(); !reflect.DeepEqual(got, lines) {
		t.Errorf("the batch's lines:\n%+v\nwant\n%+v", got, lines)
	}
	got := string(AppendLogsLines(nil, 3, lines))
	want := `{"v":2,"type":"logs.lines","seq":3,"data":{"containers":[{"engine":"default","id":"db"},{"engine":"default","id":"web"},{"engine":"remote","id":"web"}],` +
		`"container":[0,0,1,0,2],"time":["2026-12-02T06:43:20.558123456Z","2026-12-02T06:43:20.558123456Z","2026-12-02T06:43:20.558123456Z","2026-12-02T06:43:20.558123456Z","2026-12-02T06:43:20.558123456Z"],` +
		`"stream":["stdout","stdout","stdout","stdout","stdout"],"text":["a","b","c","d","e"]}}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	lines[1].Cut, lines[2].Partial = 7, true
	checkAppendLogsLines(t, lines)
	if got := string(AppendLogsLines(nil, 3, lines)); !strings.HasSuffix(got, `"cut":[0,7,0,0,0],"partial":[false,false,true,false,false]}}`) {
		t.Errorf("cut and partial: %s", got)
	}
}

// A batch whose arrays do not fit together is an error that says how, never
// lines made up or a panic.
func TestLogsLinesMismatch(t *testing.T) {
	ok := BatchOf([]logs.Line{{Engine: "e", ID: "a", Time: "t", Stream: logs.Stdout, Text: "x"}, {Engine: "e", ID: "a", Time: "t", Stream: logs.Stderr, Text: "y"}})
	if _, err := ok.Lines(); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		spoil func(*LogsLines)
		want  string
	}{
		"short time":     {func(b *LogsLines) { b.Time = b.Time[:1] }, "1 time for 2 lines"},
		"long text":      {func(b *LogsLines) { b.Text = append(b.Text, "z") }, "3 text for 2 lines"},
		"short cut":      {func(b *LogsLines) { b.Cut = []int{1} }, "1 cut for 2 lines"},
		"bad index":      {func(b *LogsLines) { b.Container = []int{0, 1} }, "line 1's container 1, of 1"},
		"negative index": {func(b *LogsLines) { b.Container = []int{-1, 0} }, "line 0's container -1, of 1"},
	} {
		b := ok
		b.Time, b.Text, b.Container = slices.Clone(b.Time), slices.Clone(b.Text), slices.Clone(b.Container)
		tc.spoil(&b)
		if lines, err := b.Lines(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, %v; want an error saying %q", name, lines, err, tc.want)
		}
	}
}

func FuzzAppendLogsLines(f *testing.F) {
	f.Add("default", "c0ffee", "2026-12-02T06:43:20.558123456Z", "hello \x00\xff\u2028", 0, false)
	f.Add("e", "", "", "\"\\", 5, true)
	f.Fuzz(func(t *testing.T, engine, id, tm, text string, cut int, partial bool) {
		checkAppendLogsLines(t, []logs.Line{{Engine: engine, ID: id, Time: tm, Stream: logs.Stdout, Text: text, Cut: cut, Partial: partial}})
	})
}
