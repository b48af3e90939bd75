package stats

import (
	"encoding/json"
	"math"
	"testing"
)

// FuzzCompute computes the figures of arbitrary samples, given as JSON in
// Sample's own field names. A buggy or hostile engine (counters that wrap,
// go backwards, absurd CPU counts) must never make it panic or produce a
// figure that JSON cannot carry (NaN, infinity) or a negative one.
func FuzzCompute(f *testing.F) {
	for _, seed := range []string{
		`{"Read":"2026-11-26T01:00:01Z","CPU":{"Total":2000000,"System":20000000,"Online":2},"PreCPU":{"Total":1000000,"System":10000000},"Memory":{"Usage":100,"Limit":1000,"TotalInactiveFile":10,"HasTotalInactiveFile":true}}`,
		`{"CPU":{"Total":1,"System":2},"PreCPU":{"Total":5,"System":1}}`,
		`{"CPU":{"Total":18446744073709551615,"PerCPU":[1,2,3],"System":1}}`,
		`{"Memory":{"Usage":5,"Limit":0,"TotalInactiveFile":50,"HasTotalInactiveFile":true,"InactiveFile":1}}`,
		`{"BlockIO":[{"Op":"READ","Bytes":18446744073709551615},{"Op":"read","Bytes":1}]}`,
		`{"Networks":[{"Rx":18446744073709551615},{"Rx":18446744073709551615,"Tx":1}]}`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Sample
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		got := Compute("local", "c0ffee", s)
		for name, x := range map[string]float64{"cpu": got.CPUPercent, "memory": got.MemoryPercent} {
			if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				t.Fatalf("%s percent %v from %s", name, x, data)
			}
		}
		if got.MemoryUsage > s.Memory.Usage {
			t.Fatalf("memory usage %d above the engine's %d", got.MemoryUsage, s.Memory.Usage)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("sample does not encode: %v", err)
		}
	})
}
