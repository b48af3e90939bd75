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
		want := decodeFull(json.NewDecoder(strings.NewReader(fixtures[name])))
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

func decodeFull(d *json.Decoder) container.StatsResponse {
	var v container.StatsResponse
	_ = d.Decode(&v)
	return v
}
