package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// FuzzFromEvent decodes arbitrary JSON as the engine's event stream does
// and converts it. A hostile or buggy engine must not make it panic, and
// what it yields must be a sane, encodable event.
func FuzzFromEvent(f *testing.F) {
	for _, seed := range []string{
		`{"Type":"container","Action":"start","Actor":{"ID":"c0ffee","Attributes":{"name":"web","image":"nginx"}},"scope":"local","time":1795650001,"timeNano":1795650001000123456}`,
		`{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"c0ffee","Attributes":{"name":"web"}}}`,
		`{"Type":"container","Action":"health_status:","Actor":{"ID":"c0ffee"}}`,
		`{"Type":"container","Action":"health_status","Actor":{"ID":"c0ffee","Attributes":{"healthStatus":"forged"}}}`,
		`{"Type":"container","Action":"exec_start: sh -c ls","Actor":{"ID":"c0ffee"}}`,
		`{"Type":"container","Action":"destroy","Actor":{"ID":""}}`,
		`{"Type":"image","Action":"pull","Actor":{"ID":"busybox:latest"}}`,
		`{"Type":"daemon","Action":"reload","Actor":{"ID":"x","Attributes":null}}`,
		`{"status":"start","id":"c0ffee","from":"nginx","Type":"container","Action":"start","time":-1}`,
		`{"Type":"container","Action":"die","time":9223372036854775807}`,
		`{"Type":"container","Action":"die","Actor":{"ID":"\u0000\ud800","Attributes":{"name":"\u2028"}}}`,
		`{}`, `null`, `[]`, `{"Actor":[]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m events.Message
		if err := json.Unmarshal(data, &m); err != nil {
			return // the SDK's decoder ends the stream on this; not ours to convert
		}
		ev := FromEvent("local", m)
		if ev.Engine != "local" || ev.ActorID != m.Actor.ID || ev.Type != string(m.Type) {
			t.Fatalf("event %+v from %+v", ev, m)
		}
		if strings.HasPrefix(ev.Action, "health_status") && ev.Action != "health_status" {
			t.Fatalf("health action not normalised: %q", ev.Action)
		}
		if ev.Attributes == nil {
			t.Fatal("nil attributes")
		}
		if _, err := protocol.Encode(protocol.TypeEvent, 1, ev); err != nil {
			t.Fatalf("event does not encode: %v", err)
		}
	})
}

// FuzzFromInspect decodes arbitrary JSON as an inspect answer and converts
// it: partial, contradictory or absurd answers must not panic and must give
// an encodable container.
func FuzzFromInspect(f *testing.F) {
	for _, seed := range []string{
		`{"Id":"c0ffee","Name":"/web","Created":"2026-11-26T01:00:00.123456789Z","Path":"sleep","Args":["3600"],"State":{"Status":"running","StartedAt":"2026-11-26T01:00:01Z","FinishedAt":"0001-01-01T00:00:00Z","Health":{"Status":"healthy"}},"Image":"sha256:ab","Config":{"Image":"busybox","Labels":{"a":"b"}},"HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3}},"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}],"53/udp":null}},"Mounts":[{"Type":"volume","Name":"v","Source":"/s","Destination":"/d","RW":true}]}`,
		`{"Id":"x","State":null,"Config":null,"HostConfig":null,"NetworkSettings":null}`,
		`{"NetworkSettings":{"Ports":{"notaport":[{"HostPort":"99999999999"}],"65536/tcp":[],"-1/udp":[{"HostPort":"-5"}]}}}`,
		`{"Created":"yesterday","State":{"StartedAt":"9999-99-99"}}`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in container.InspectResponse
		if err := json.Unmarshal(data, &in); err != nil {
			return
		}
		c := FromInspect("local", in)
		if c.Engine != "local" || c.Labels == nil || c.Ports == nil || c.Mounts == nil {
			t.Fatalf("container %+v", c)
		}
		if _, err := protocol.Encode(protocol.TypeContainerUpsert, 1, c); err != nil {
			t.Fatalf("container does not encode: %v", err)
		}
	})
}

// FuzzStatsStream serves an arbitrary body as the engine's streaming
// /containers/{id}/stats answer and reads it through the adapter's public
// StreamStats, whatever decoder sits behind it, computing every sample.
// Nothing may panic, the stream must end with an error rather than spin,
// and every computed sample must encode (no NaN or infinity).
func FuzzStatsStream(f *testing.F) {
	for _, seed := range []string{
		`{"read":"2026-11-26T01:00:01.5Z","preread":"2026-11-26T01:00:00.5Z","pids_stats":{"current":5},"cpu_stats":{"cpu_usage":{"total_usage":2000000,"percpu_usage":[1000000,1000000]},"system_cpu_usage":20000000,"online_cpus":2},"precpu_stats":{"cpu_usage":{"total_usage":1000000},"system_cpu_usage":10000000},"memory_stats":{"usage":104857600,"limit":1073741824,"stats":{"total_inactive_file":4096,"inactive_file":8192}},"networks":{"eth0":{"rx_bytes":1024,"tx_bytes":512}},"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},{"op":"write","value":8192}]}}`,
		`{"read":"0001-01-01T00:00:00Z"}{"read":"2026-11-26T01:00:01Z"}`,
		`{"read":"2026-11-26T01:00:01Z","cpu_stats":{"cpu_usage":{"total_usage":18446744073709551615},"system_cpu_usage":1,"online_cpus":4294967295},"memory_stats":{"usage":1,"limit":1}}`,
		`{"read":"2026-11-26T01:00:01Z","memory_stats":{"usage":0,"stats":{"inactive_file":18446744073709551615}}}`,
		`{"read":"2026-11-26T01:00:01Z","networks":{"a":{"rx_bytes":18446744073709551615},"b":{"rx_bytes":18446744073709551615}}}`,
		`{"read":"not a time"}`,
		`{"read":"2026-11-26T01:00:01Z"}` + "\n" + `garbage`,
		``, `[`, `null`,
	} {
		f.Add([]byte(seed))
	}
	var bodies sync.Map // container ID -> body, one per iteration
	dir, err := os.MkdirTemp("", "dpfz")
	if err != nil {
		f.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "engine.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		f.Fatal(err)
	}
	engine := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Path, "/")
		if len(parts) < 2 || parts[len(parts)-1] != "stats" {
			http.NotFound(w, r)
			return
		}
		body, ok := bodies.Load(parts[len(parts)-2])
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body.([]byte))
	})}}
	engine.Start()
	defer engine.Close()
	c, err := New(engines.Endpoint{Name: "local", Host: "unix://" + sock}, client.WithVersion("1.41"))
	if err != nil {
		f.Fatal(err)
	}
	defer c.Close()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		id := fmt.Sprintf("c%d", n.Add(1))
		bodies.Store(id, body)
		defer bodies.Delete(id)
		s, err := c.StreamStats(context.Background(), id)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		defer s.Close()
		for i := 0; ; i++ {
			if i > len(body)+1 {
				t.Fatalf("stream yielded %d samples from %d bytes without ending", i, len(body))
			}
			v, err := s.Next()
			if err != nil {
				return
			}
			checkSample(t, stats.Compute("local", id, v), v)
		}
	})
}

func checkSample(t *testing.T, got model.Stats, in stats.Sample) {
	t.Helper()
	for name, x := range map[string]float64{"cpu": got.CPUPercent, "memory": got.MemoryPercent} {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			t.Fatalf("%s percent %v from %+v", name, x, in)
		}
	}
	if got.MemoryUsage > in.Memory.Usage {
		t.Fatalf("memory usage %d above the engine's %d", got.MemoryUsage, in.Memory.Usage)
	}
	if _, err := protocol.Encode(protocol.TypeStats, 1, protocol.StatsBatch{Samples: []model.Stats{got}}); err != nil {
		t.Fatalf("sample does not encode: %v", err)
	}
}
