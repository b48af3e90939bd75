package stats

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/docker/docker/api/types/container"
)

// FuzzCompute decodes arbitrary JSON as one engine stats sample and
// computes the figures. A buggy or hostile engine (counters that wrap, go
// backwards, absurd CPU counts) must never make it panic or produce a
// figure that JSON cannot carry (NaN, infinity) or a negative one.
func FuzzCompute(f *testing.F) {
	for _, seed := range []string{
		`{"read":"2026-11-26T01:00:01Z","cpu_stats":{"cpu_usage":{"total_usage":2000000},"system_cpu_usage":20000000,"online_cpus":2},"precpu_stats":{"cpu_usage":{"total_usage":1000000},"system_cpu_usage":10000000},"memory_stats":{"usage":100,"limit":1000,"stats":{"total_inactive_file":10}}}`,
		`{"cpu_stats":{"cpu_usage":{"total_usage":1},"system_cpu_usage":2},"precpu_stats":{"cpu_usage":{"total_usage":5},"system_cpu_usage":1}}`,
		`{"cpu_stats":{"cpu_usage":{"total_usage":18446744073709551615,"percpu_usage":[1,2,3]},"system_cpu_usage":1}}`,
		`{"memory_stats":{"usage":5,"limit":0,"stats":{"total_inactive_file":50,"inactive_file":1}}}`,
		`{"blkio_stats":{"io_service_bytes_recursive":[{"op":"READ","value":18446744073709551615},{"op":"read","value":1}]}}`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s container.StatsResponse
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		got := Compute("local", "c0ffee", s)
		for name, x := range map[string]float64{"cpu": got.CPUPercent, "memory": got.MemoryPercent} {
			if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				t.Fatalf("%s percent %v from %s", name, x, data)
			}
		}
		if got.MemoryUsage > s.MemoryStats.Usage {
			t.Fatalf("memory usage %d above the engine's %d", got.MemoryUsage, s.MemoryStats.Usage)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("sample does not encode: %v", err)
		}
	})
}
