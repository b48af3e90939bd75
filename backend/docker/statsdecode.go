package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// newJSONStream reads the engine's streaming stats response (one JSON
// document per sample) as a stats.Stream. It decodes only the fields
// stats.Compute reads: the engine's sample carries forty-odd memory
// counters, throttling data and per-operation block I/O lists that
// `docker stats` never shows, and decoding them into
// container.StatsResponse (maps included) was most
// of the backend's CPU while streaming (see docs/performance.md). Closing
// the stream closes body.
func newJSONStream(id string, body io.ReadCloser) stats.Stream {
	return &jsonStream{id: id, body: body, dec: json.NewDecoder(body)}
}

type jsonStream struct {
	id   string
	body io.ReadCloser
	dec  *json.Decoder
}

func (s *jsonStream) Next() (container.StatsResponse, error) {
	var v wireSample
	if err := s.dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return container.StatsResponse{}, io.EOF
		}
		return container.StatsResponse{}, fmt.Errorf("stats %s: decode: %w", s.id, err)
	}
	return v.response(), nil
}

func (s *jsonStream) Close() error { return s.body.Close() }

// decodeSample decodes one stats document (a one-shot answer) the same lean
// way.
func decodeSample(r io.Reader) (container.StatsResponse, error) {
	var v wireSample
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		return container.StatsResponse{}, fmt.Errorf("decode stats: %w", err)
	}
	return v.response(), nil
}

// wireSample is the part of the engine's stats document that stats.Compute
// uses,
// under the engine's JSON names.
type wireSample struct {
	Read      time.Time `json:"read"`
	PidsStats struct {
		Current uint64 `json:"current"`
	} `json:"pids_stats"`
	Blkio struct {
		ServiceBytes []struct {
			Op    string `json:"op"`
			Value uint64 `json:"value"`
		} `json:"io_service_bytes_recursive"`
	} `json:"blkio_stats"`
	CPU    wireCPU `json:"cpu_stats"`
	PreCPU wireCPU `json:"precpu_stats"`
	Memory struct {
		Usage uint64 `json:"usage"`
		Limit uint64 `json:"limit"`
		// Only the two counters Compute reads, under exact keys (see
		// memCounters).
		Stats memCounters `json:"stats"`
	} `json:"memory_stats"`
	Networks map[string]struct {
		RxBytes uint64 `json:"rx_bytes"`
		TxBytes uint64 `json:"tx_bytes"`
	} `json:"networks"`
}

type wireCPU struct {
	Usage struct {
		Total  uint64   `json:"total_usage"`
		PerCPU []uint64 `json:"percpu_usage"`
	} `json:"cpu_usage"`
	System uint64 `json:"system_cpu_usage"`
	Online uint32 `json:"online_cpus"`
}

func (c wireCPU) stats() container.CPUStats {
	return container.CPUStats{
		CPUUsage:    container.CPUUsage{TotalUsage: c.Usage.Total, PercpuUsage: c.Usage.PerCPU},
		SystemUsage: c.System,
		OnlineCPUs:  c.Online,
	}
}

func (v *wireSample) response() container.StatsResponse {
	var r container.StatsResponse
	r.Read = v.Read
	r.PidsStats.Current = v.PidsStats.Current
	for _, e := range v.Blkio.ServiceBytes {
		r.BlkioStats.IoServiceBytesRecursive = append(r.BlkioStats.IoServiceBytesRecursive,
			container.BlkioStatEntry{Op: e.Op, Value: e.Value})
	}
	r.CPUStats = v.CPU.stats()
	r.PreCPUStats = v.PreCPU.stats()
	r.MemoryStats.Usage = v.Memory.Usage
	r.MemoryStats.Limit = v.Memory.Limit
	r.MemoryStats.Stats = v.Memory.Stats.stats()
	if len(v.Networks) > 0 {
		r.Networks = make(map[string]container.NetworkStats, len(v.Networks))
		for name, n := range v.Networks {
			r.Networks[name] = container.NetworkStats{RxBytes: n.RxBytes, TxBytes: n.TxBytes}
		}
	}
	return r
}
