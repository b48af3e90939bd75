package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

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

func (s *jsonStream) Next() (stats.Sample, error) {
	var v wireSample
	if err := s.dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return stats.Sample{}, io.EOF
		}
		return stats.Sample{}, fmt.Errorf("stats %s: decode: %w", s.id, err)
	}
	return v.sample(), nil
}

func (s *jsonStream) Close() error { return s.body.Close() }

// decodeSample decodes one stats document (a one-shot answer) the same lean
// way.
func decodeSample(r io.Reader) (stats.Sample, error) {
	var v wireSample
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		return stats.Sample{}, fmt.Errorf("decode stats: %w", err)
	}
	return v.sample(), nil
}

// wireSample is the part of the engine's stats document that stats.Compute
// uses, under the engine's JSON names.
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

func (c wireCPU) cpu() stats.CPU {
	return stats.CPU{Total: c.Usage.Total, PerCPU: c.Usage.PerCPU, System: c.System, Online: c.Online}
}

func (v *wireSample) sample() stats.Sample {
	s := stats.Sample{
		Read:   v.Read,
		CPU:    v.CPU.cpu(),
		PreCPU: v.PreCPU.cpu(),
		Memory: v.Memory.Stats.memory(v.Memory.Usage, v.Memory.Limit),
		Pids:   v.PidsStats.Current,
	}
	for _, e := range v.Blkio.ServiceBytes {
		s.BlockIO = append(s.BlockIO, stats.BlockIO{Op: e.Op, Bytes: e.Value})
	}
	for _, n := range v.Networks {
		s.Networks = append(s.Networks, stats.Network{Rx: n.RxBytes, Tx: n.TxBytes})
	}
	return s
}
