package docker

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// The lean decoder must give Compute exactly what the full decode gives.
func TestJSONStreamMatchesFullDecode(t *testing.T) {
	fixtures := map[string]string{"v1First": v1First, "v1Busy": v1Busy, "v1Cache": v1Cache, "v1Blkio": v1Blkio, "v2Web": v2Web, "placeholder": placeholder}
	var all strings.Builder
	var names []string
	for name, raw := range fixtures {
		all.WriteString(raw + "\n")
		names = append(names, name)
	}
	st := newJSONStream("c1", io.NopCloser(strings.NewReader(all.String())))
	for _, name := range names {
		got, err := st.Next()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := fromSDK(decodeFull(json.NewDecoder(strings.NewReader(fixtures[name]))))
		if g, w := stats.Compute("local", "c1", got), stats.Compute("local", "c1", want); g != w {
			t.Errorf("%s:\n got %+v\nwant %+v", name, g, w)
		}
		if !got.Read.Equal(want.Read) {
			t.Errorf("%s: Read = %v, want %v", name, got.Read, want.Read)
		}
		one, err := decodeSample(strings.NewReader(fixtures[name]))
		if err != nil {
			t.Fatal(err)
		}
		if g, w := stats.Compute("local", "c1", one), stats.Compute("local", "c1", want); g != w {
			t.Errorf("decodeSample %s:\n got %+v\nwant %+v", name, g, w)
		}
	}
	if _, err := st.Next(); err != io.EOF {
		t.Errorf("after the last sample: %v, want io.EOF", err)
	}
	if err := st.Close(); err != nil {
		t.Error(err)
	}
}

// BenchmarkDecode compares the lean decode with decoding the SDK's type, on
// a cgroup v1 sample (the engine of docs/performance.md).
func BenchmarkDecode(b *testing.B) {
	raw := v1Busy
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = decodeFull(json.NewDecoder(strings.NewReader(raw)))
		}
	})
	b.Run("lean", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st := newJSONStream("c", io.NopCloser(strings.NewReader(raw)))
			_, _ = st.Next()
		}
	})
}

// decodeFull decodes a document into the SDK's full type, the reference the
// lean decoder must match.
func decodeFull(d *json.Decoder) container.StatsResponse {
	var v container.StatsResponse
	_ = d.Decode(&v)
	return v
}

// fromSDK gives what stats.Compute reads of the SDK's full type, looking the
// memory counters up in its map as the docker CLI does.
func fromSDK(r container.StatsResponse) stats.Sample {
	cpu := func(c container.CPUStats) stats.CPU {
		return stats.CPU{Total: c.CPUUsage.TotalUsage, PerCPU: c.CPUUsage.PercpuUsage, System: c.SystemUsage, Online: c.OnlineCPUs}
	}
	totalInactive, hasTotalInactive := r.MemoryStats.Stats["total_inactive_file"]
	s := stats.Sample{
		Read:   r.Read,
		CPU:    cpu(r.CPUStats),
		PreCPU: cpu(r.PreCPUStats),
		Memory: stats.Memory{
			Usage:                r.MemoryStats.Usage,
			Limit:                r.MemoryStats.Limit,
			TotalInactiveFile:    totalInactive,
			HasTotalInactiveFile: hasTotalInactive,
			InactiveFile:         r.MemoryStats.Stats["inactive_file"],
		},
		Pids: r.PidsStats.Current,
	}
	for _, e := range r.BlkioStats.IoServiceBytesRecursive {
		s.BlockIO = append(s.BlockIO, stats.BlockIO{Op: e.Op, Bytes: e.Value})
	}
	for _, n := range r.Networks {
		s.Networks = append(s.Networks, stats.Network{Rx: n.RxBytes, Tx: n.TxBytes})
	}
	return s
}
