package protocol

import (
	"encoding/json"
	"reflect"
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
	return env, b.Lines
}

// checkAppendLogsLines: AppendLogsLines decodes to what Encode's message
// decodes to, for the same lines.
func checkAppendLogsLines(t *testing.T, lines []logs.Line) {
	t.Helper()
	want, err := Encode(TypeLogsLines, 7, LogsLines{Lines: lines})
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
	if got := string(AppendLogsLines(nil, 1, nil)); !strings.HasSuffix(got, `"data":{"lines":[]}}`) {
		t.Errorf("no lines: %s, want an empty list (never null)", got)
	}
	if got := string(AppendLogsLines(nil, 1, lines[3:4])); !strings.Contains(got, `"text":"<b>html</b> & more"`) {
		t.Errorf("the text is HTML-escaped: %s", got)
	}
}

func FuzzAppendLogsLines(f *testing.F) {
	f.Add("default", "c0ffee", "2026-12-02T06:43:20.558123456Z", "hello \x00\xff\u2028", 0, false)
	f.Add("e", "", "", "\"\\", 5, true)
	f.Fuzz(func(t *testing.T, engine, id, tm, text string, cut int, partial bool) {
		checkAppendLogsLines(t, []logs.Line{{Engine: engine, ID: id, Time: tm, Stream: logs.Stdout, Text: text, Cut: cut, Partial: partial}})
	})
}
