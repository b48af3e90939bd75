package stats

import (
	"strings"

	"github.com/docker/docker/api/types/container"

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
func Compute(engine, id string, s container.StatsResponse) model.Stats {
	online := onlineCPUs(s.CPUStats)
	usage := memoryUsage(s.MemoryStats)
	rx, tx := networkBytes(s.Networks)
	blkRead, blkWrite := blockIO(s.BlkioStats)

	var read int64
	if !s.Read.IsZero() {
		read = s.Read.UnixMilli()
	}
	return model.Stats{
		Engine:        engine,
		ID:            id,
		Read:          read,
		CPUPercent:    cpuPercent(s.CPUStats, s.PreCPUStats, online),
		OnlineCPUs:    online,
		MemoryUsage:   usage,
		MemoryLimit:   s.MemoryStats.Limit,
		MemoryPercent: memoryPercent(usage, s.MemoryStats.Limit),
		NetworkRx:     rx,
		NetworkTx:     tx,
		BlockRead:     blkRead,
		BlockWrite:    blkWrite,
		Pids:          s.PidsStats.Current,
	}
}

// onlineCPUs prefers the engine's count; engines older than API 1.27 do not
// send it, and then the per-CPU usage list is the only count there is.
func onlineCPUs(cpu container.CPUStats) int {
	if cpu.OnlineCPUs != 0 {
		return int(cpu.OnlineCPUs)
	}
	return len(cpu.CPUUsage.PercpuUsage)
}

// cpuPercent is the container's share of the host's CPU time between the two
// readings, scaled so that one fully busy CPU is 100%.
func cpuPercent(cur, prev container.CPUStats, online int) float64 {
	cpuDelta := counterDelta(cur.CPUUsage.TotalUsage, prev.CPUUsage.TotalUsage)
	systemDelta := counterDelta(cur.SystemUsage, prev.SystemUsage)
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
func memoryUsage(mem container.MemoryStats) uint64 {
	if v, ok := mem.Stats["total_inactive_file"]; ok && v < mem.Usage {
		return mem.Usage - v
	}
	if v := mem.Stats["inactive_file"]; v < mem.Usage {
		return mem.Usage - v
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
func networkBytes(networks map[string]container.NetworkStats) (rx, tx uint64) {
	for _, n := range networks {
		rx += n.RxBytes
		tx += n.TxBytes
	}
	return rx, tx
}

// blockIO sums bytes read and written over every device. cgroup v1 spells the
// operations "Read" and "Write" (beside "Sync", "Async", "Discard" and
// "Total", which would count the same bytes twice); cgroup v2 spells them
// "read" and "write".
func blockIO(blkio container.BlkioStats) (read, write uint64) {
	for _, e := range blkio.IoServiceBytesRecursive {
		switch {
		case strings.EqualFold(e.Op, "read"):
			read += e.Value
		case strings.EqualFold(e.Op, "write"):
			write += e.Value
		}
	}
	return read, write
}
