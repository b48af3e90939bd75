package stats

import (
	"strings"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Compute turns one engine sample into the figures `docker stats` shows. It
// follows the docker CLI's formulas (cli/command/container/stats_helpers.go)
// so that Dockpulse and a terminal side by side agree, quirks included: the
// first sample of a stream has no previous CPU reading, so its CPU figure is
// measured against zero, as the CLI's first line is.
//
// Only Linux engines are supported. A Windows sample (no system CPU usage, no
// cgroup memory) yields zero CPU and memory figures rather than a panic.
func Compute(engine, id string, s Sample) model.Stats {
	online := onlineCPUs(s.CPU)
	usage := memoryUsage(s.Memory)
	rx, tx := networkBytes(s.Networks)
	blkRead, blkWrite := blockIO(s.BlockIO)

	var read int64
	if !s.Read.IsZero() {
		read = s.Read.UnixMilli()
	}
	return model.Stats{
		Engine:        engine,
		ID:            id,
		Read:          read,
		CPUPercent:    cpuPercent(s.CPU, s.PreCPU, online),
		OnlineCPUs:    online,
		MemoryUsage:   usage,
		MemoryLimit:   s.Memory.Limit,
		MemoryPercent: memoryPercent(usage, s.Memory.Limit),
		NetworkRx:     rx,
		NetworkTx:     tx,
		BlockRead:     blkRead,
		BlockWrite:    blkWrite,
		Pids:          s.Pids,
	}
}

// onlineCPUs prefers the engine's count; engines older than API 1.27 do not
// send it, and then the per-CPU usage list is the only count there is.
func onlineCPUs(cpu CPU) int {
	if cpu.Online != 0 {
		return int(cpu.Online)
	}
	return len(cpu.PerCPU)
}

// cpuPercent is the container's share of the host's CPU time between the two
// readings, scaled so that one fully busy CPU is 100%.
func cpuPercent(cur, prev CPU, online int) float64 {
	cpuDelta := counterDelta(cur.Total, prev.Total)
	systemDelta := counterDelta(cur.System, prev.System)
	if cpuDelta == 0 || systemDelta == 0 {
		return 0
	}
	return float64(cpuDelta) / float64(systemDelta) * float64(online) * 100
}

// counterDelta is cur-prev for a cumulative counter. A counter that went
// backwards was reset (a restarted container or cgroup), and an unsigned
// subtraction would wrap to an absurd figure, so that reads as no change.
func counterDelta(cur, prev uint64) uint64 {
	if cur <= prev {
		return 0
	}
	return cur - prev
}

// memoryUsage leaves out inactive page cache, which the kernel reclaims before
// it would OOM-kill the container, as the CLI has done since Docker 19.03:
// cgroup v1 reports it as total_inactive_file (hierarchical), cgroup v2 as
// inactive_file. The order of the checks is the CLI's, so that a v1 sample
// whose total_inactive_file is not below usage falls back to inactive_file
// exactly as it does there.
func memoryUsage(mem Memory) uint64 {
	if mem.HasTotalInactiveFile && mem.TotalInactiveFile < mem.Usage {
		return mem.Usage - mem.TotalInactiveFile
	}
	if mem.InactiveFile < mem.Usage {
		return mem.Usage - mem.InactiveFile
	}
	return mem.Usage
}

// memoryPercent is zero without a limit: the engine reports none only when it
// could not read the cgroup, and a percentage of nothing means nothing.
func memoryPercent(usage, limit uint64) float64 {
	if limit == 0 {
		return 0
	}
	return float64(usage) / float64(limit) * 100
}

// networkBytes sums every interface: a container on several networks has one
// entry per network, and users think of its traffic as one figure.
func networkBytes(networks []Network) (rx, tx uint64) {
	for _, n := range networks {
		rx += n.Rx
		tx += n.Tx
	}
	return rx, tx
}

// blockIO sums bytes read and written over every device. cgroup v1 spells the
// operations "Read" and "Write" (beside "Sync", "Async", "Discard" and
// "Total", which would count the same bytes twice); cgroup v2 spells them
// "read" and "write".
func blockIO(entries []BlockIO) (read, write uint64) {
	for _, e := range entries {
		switch {
		case strings.EqualFold(e.Op, "read"):
			read += e.Bytes
		case strings.EqualFold(e.Op, "write"):
			write += e.Bytes
		}
	}
	return read, write
}
