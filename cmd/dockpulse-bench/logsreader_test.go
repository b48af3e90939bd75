package main

import (
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// TestCountMessage: the child's count of a logs.lines message as the
// server writes it is exact, also for text that holds the markers it
// counts by; a message out of sequence is an error; a skip notice counts
// its lines.
func TestCountMessage(t *testing.T) {
	lines := []logs.Line{
		{Engine: "local", ID: "c", Time: "2026-12-02T06:43:20.000000001Z", Stream: logs.Stdout, Text: `{"engine":"x","time":"y"} "container":[1,2] "time":["z"],"stream":[`},
		{Engine: "local", ID: "c", Time: "2026-12-02T06:43:20.000000002Z", Stream: logs.Stderr, Text: strings.Repeat("é", 10)},
		{Engine: "local", ID: "c", Time: "2026-12-02T06:43:20.000000003Z", Stream: logs.Stdout, Text: `"time":"` + "\n", Partial: true},
	}
	var c logsReaderCounts
	update := func(f func(*logsReaderCounts)) { f(&c) }
	if err := countMessage(protocol.AppendLogsLines(nil, 7, lines), 7, update); err != nil {
		t.Fatal(err)
	}
	if c.lines != 3 || c.first != lines[0].Time || c.last != lines[2].Time {
		t.Fatalf("counted %+v, want 3 lines from %s to %s", c, lines[0].Time, lines[2].Time)
	}
	if err := countMessage(protocol.AppendLogsLines(nil, 8, lines[1:2]), 8, update); err != nil {
		t.Fatal(err)
	}
	if c.lines != 4 || c.last != lines[1].Time {
		t.Fatalf("after a message of one line: %+v, want 4 lines, the last at %s", c, lines[1].Time)
	}
	if err := countMessage(protocol.AppendLogsLines(nil, 10, lines), 9, update); err == nil {
		t.Fatal("a message of seq 10 where 9 was due: no error")
	}
	skip, err := protocol.Encode(protocol.TypeLogsSkipped, 9, protocol.LogsSkipped{Engine: "local", ID: "c", Count: 5, From: lines[0].Time, To: lines[2].Time})
	if err != nil {
		t.Fatal(err)
	}
	if err := countMessage(skip, 9, update); err != nil {
		t.Fatal(err)
	}
	if c.skipped != 5 || c.lines != 4 {
		t.Fatalf("after the notice: %+v, want 4 lines and 5 skipped", c)
	}
	// The report the parent reads back.
	back, err := parseCounts(c.String())
	if err != nil || back != c {
		t.Fatalf("report %q read back as %+v (%v)", c.String(), back, err)
	}
}
