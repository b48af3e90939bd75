package docker

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"math"
	"testing"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// FuzzJSONStream feeds the lean stats decoder an arbitrary body, as the
// engine's streaming /stats answer. Nothing may panic, the stream must end
// with an error rather than spin, every sample must compute to figures JSON
// can carry, and each document must compute exactly as the full
// container.StatsResponse decode of it does.
func FuzzJSONStream(f *testing.F) {
	for _, seed := range []string{
		`{"read":"2026-11-26T01:00:01.5Z","pids_stats":{"current":5},"cpu_stats":{"cpu_usage":{"total_usage":2000000,"percpu_usage":[1000000,1000000]},"system_cpu_usage":20000000,"online_cpus":2},"precpu_stats":{"cpu_usage":{"total_usage":1000000},"system_cpu_usage":10000000},"memory_stats":{"usage":104857600,"limit":1073741824,"stats":{"total_inactive_file":4096,"inactive_file":8192}},"networks":{"eth0":{"rx_bytes":1024,"tx_bytes":512}},"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},{"op":"write","value":8192}]}}`,
		`{"read":"0001-01-01T00:00:00Z"}{"read":"2026-11-26T01:00:01Z"}`,
		`{"read":"2026-11-26T01:00:01Z","cpu_stats":{"cpu_usage":{"total_usage":18446744073709551615},"system_cpu_usage":1,"online_cpus":4294967295},"memory_stats":{"usage":1,"limit":1}}`,
		`{"memory_stats":{"usage":10,"stats":{"inactive_file":18446744073709551615,"total_inactive_file":null}}}`,
		`{"networks":{"a":{"rx_bytes":18446744073709551615},"b":{"rx_bytes":18446744073709551615}},"networks":null}`,
		`{"read":"not a time"}`,
		`{"read":"2026-11-26T01:00:01Z"}` + "\n" + `garbage`,
		``, `[`, `null`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		st := newJSONStream("c0ffee", io.NopCloser(bytes.NewReader(body)))
		defer st.Close()
		full := json.NewDecoder(bytes.NewReader(body))
		for i := 0; ; i++ {
			if i > len(body)+1 {
				t.Fatalf("stream yielded %d samples from %d bytes without ending", i, len(body))
			}
			lean, err := st.Next()
			if err != nil {
				return
			}
			got := stats.Compute("local", "c0ffee", lean)
			for name, x := range map[string]float64{"cpu": got.CPUPercent, "memory": got.MemoryPercent} {
				if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
					t.Fatalf("%s percent %v", name, x)
				}
			}
			if _, err := json.Marshal(got); err != nil {
				t.Fatalf("sample does not encode: %v", err)
			}
			var want container.StatsResponse
			if err := full.Decode(&want); err != nil {
				return // the full decoder is stricter (types it knows): nothing to compare
			}
			if w := stats.Compute("local", "c0ffee", fromSDK(want)); w != got {
				t.Fatalf("document %d: lean decode computes\n %+v\nfull decode computes\n %+v", i, got, w)
			}
		}
	})
}

// FuzzMemCounters checks memCounters against what it stands in for: the
// engine's map[string]uint64, decoded by encoding/json, over a sequence of
// "stats" objects (a repeated key merges into the earlier map). It may
// accept what the map refuses (a counter it does not read, of the wrong
// type), never the reverse.
func FuzzMemCounters(f *testing.F) {
	for _, seed := range []string{
		`{"total_inactive_file":4096,"inactive_file":8192,"cache":1}`,
		`{"Inactive_File":1,"inactive_file":2,"inactive_file":3}`,
		`{"inactive\u005ffile":7,"x":{"a":[1,"}",{"b":null}]},"total_inactive_file":null}`,
		`{"total_inactive_file":null,"inactive_file":5}`, `{"inactive_file":-1}`, `{"inactive_file":1.5}`, `{"inactive_file":"1"}`,
		`{"inactive_file":18446744073709551616}`, `null`, `{}`, ` { "inactive_file" : 9 } `,
	} {
		f.Add([]byte(seed), []byte(`{"total_inactive_file":1}`))
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		var got memCounters
		var want map[string]uint64
		for _, doc := range [][]byte{first, second} {
			if !json.Valid(doc) {
				return // encoding/json never hands an UnmarshalJSON invalid input
			}
			gotErr := got.UnmarshalJSON(doc)
			wantErr := json.Unmarshal(doc, &want)
			if wantErr != nil {
				return // the full decode refuses the whole sample; memCounters may be lenient
			}
			if gotErr != nil {
				t.Fatalf("%q: %v, where the map decodes", doc, gotErr)
			}
			if g, w := counters(got), pick(want); !maps.Equal(g, w) {
				t.Fatalf("%q: %v, map decode %v", doc, g, w)
			}
		}
	})
}

// counters gives what memCounters holds as the engine's map would hold it.
func counters(m memCounters) map[string]uint64 {
	if !m.hasTotalInactiveFile && !m.hasInactiveFile {
		return nil
	}
	s := make(map[string]uint64, 2)
	if m.hasTotalInactiveFile {
		s["total_inactive_file"] = m.totalInactiveFile
	}
	if m.hasInactiveFile {
		s["inactive_file"] = m.inactiveFile
	}
	return s
}

// pick keeps the counters memCounters holds.
func pick(all map[string]uint64) map[string]uint64 {
	var out map[string]uint64
	for _, k := range []string{"total_inactive_file", "inactive_file"} {
		if v, ok := all[k]; ok {
			if out == nil {
				out = map[string]uint64{}
			}
			out[k] = v
		}
	}
	return out
}
