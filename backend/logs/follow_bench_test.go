package logs

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"go.uber.org/zap"
)

// floodAPI is an engine whose one running container has written lines
// lines of 100 bytes, as frames with timestamps, and writes no more: its
// follow stream serves them from one prepared chunk, then waits for the
// end of the follow. Serving them allocates nothing, so what a benchmark
// counts is the follow's own.
type floodAPI struct {
	chunk      []byte // floodChunkLines frames
	chunkLines int
	lines      int
}

const floodChunkLines = 1000

func newFloodAPI(lines int) *floodAPI {
	var chunk []byte
	t0 := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	for i := range floodChunkLines {
		text := fmt.Sprintf("flood %d ", i)
		text += strings.Repeat("x", 100-len(text))
		chunk = append(chunk, frame(frameStdout, t0.Add(time.Duration(i)*time.Microsecond).Format(timeLayout)+" "+text+"\n")...)
	}
	return &floodAPI{chunk: chunk, chunkLines: floodChunkLines, lines: lines}
}

func (a *floodAPI) ContainerLogs(ctx context.Context, _ string, _ container.LogsOptions) (io.ReadCloser, error) {
	full, rest := a.lines/a.chunkLines, a.lines%a.chunkLines
	left := full * len(a.chunk)
	if rest > 0 {
		left += len(a.chunk) / a.chunkLines * rest // every frame of the chunk is as long
	}
	return &floodStream{ctx: ctx, chunk: a.chunk, left: left}, nil
}

func (a *floodAPI) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	return container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{ID: id, State: &container.State{Running: true}, HostConfig: &container.HostConfig{}},
		Config:            &container.Config{},
	}, nil
}

func (a *floodAPI) Events(context.Context, events.ListOptions) (<-chan events.Message, <-chan error) {
	return nil, nil
}

func (a *floodAPI) ServerVersion(context.Context) (types.Version, error) {
	return types.Version{Components: []types.ComponentVersion{{Name: "Engine"}}}, nil
}

// floodStream reads left bytes of the chunk over and over, then blocks
// until ctx ends, as a follow stream of a container that went quiet.
type floodStream struct {
	ctx   context.Context
	chunk []byte
	off   int
	left  int
	reads int
}

// floodReads are the sizes of a flood stream's reads, in turn: as an
// engine's, which come as its writes and the network give them.
var floodReads = []int{32 << 10, 1500, 9000, 300, 20000, 4096, 32 << 10, 32 << 10}

func (s *floodStream) Read(p []byte) (int, error) {
	if s.left == 0 {
		<-s.ctx.Done()
		return 0, s.ctx.Err()
	}
	p = p[:min(len(p), s.left, floodReads[s.reads%len(floodReads)])]
	s.reads++
	n := 0
	for n < len(p) {
		c := copy(p[n:], s.chunk[s.off:])
		s.off = (s.off + c) % len(s.chunk)
		n += c
	}
	s.left -= n
	return n, nil
}

func (s *floodStream) Close() error { return nil }

// BenchmarkFollowFlood is what following a flood costs per line, from the
// engine's bytes to the batches Follow emits (one op is one line): the
// time, and the allocations the collector has to clean up after.
func BenchmarkFollowFlood(b *testing.B) {
	b.ReportAllocs()
	r := NewReader("e", newFloodAPI(b.N), zap.NewNop())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := 0
	b.ResetTimer()
	err := r.Follow(ctx, []string{"c0ffee"}, Query{Since: "2026-12-02T05:00:00.000000000Z"}, func(lines []Line) {
		got += len(lines)
		if got >= b.N {
			cancel()
		}
	}, func(State) {})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if got != b.N {
		b.Fatalf("%d lines emitted, want %d", got, b.N)
	}
}
