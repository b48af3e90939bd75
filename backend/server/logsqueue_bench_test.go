package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// BenchmarkLogsWriter is what a logs socket's queue and writer cost per
// line of a flood (one op is one line): batches of a follow pushed, taken
// as the writer takes them and written as logs.lines messages into the
// writer's buffer, as streamLogs does, the socket's write aside. The
// allocations are what the collector has to clean up after.
func BenchmarkLogsWriter(b *testing.B) {
	const batchLines = 256 // about one read of the engine's stream
	template := make([]logs.Line, batchLines)
	for i := range template {
		template[i] = logs.Line{Engine: "local", ID: strings.Repeat("c", 64),
			Time: fmt.Sprintf("2026-12-02T06:43:20.%09dZ", i), Stream: logs.Stdout, Text: strings.Repeat("x", 100)}
	}
	batch := make([]logs.Line, batchLines)
	q := newLogQueue(DefaultLogQueueLines, DefaultLogQueueBytes)
	var buf []byte      // the writer's, reused
	var dst []logs.Line // the writer's, reused
	var seq uint64
	written := 0
	b.ReportAllocs()
	b.ResetTimer()
	for written < b.N {
		n := min(batchLines, b.N-written)
		copy(batch, template[:n]) // a follow's next batch
		q.push(batch[:n])
		for {
			lines, _ := q.next(dst, protocol.MaxLogsBatchLines, protocol.MaxLogsBatchBytes)
			if lines == nil {
				break
			}
			seq++
			buf = protocol.AppendLogsLines(buf[:0], seq, lines)
			written += len(lines)
			clear(lines)
			dst = lines
		}
	}
	b.StopTimer()
	if written != b.N {
		b.Fatalf("%d lines written, want %d", written, b.N)
	}
}
