package cgroupstats

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// Host is what the kernel says about the host itself: where the cgroup
// hierarchies are mounted, its memory and its CPU time. One Host serves
// every container of a local engine.
type Host struct {
	proc     string  // the proc filesystem, "/proc" outside tests
	mounts   []mount // cgroup and cgroup2 mounts
	memTotal uint64  // MemTotal in bytes, read once as the engine reads it at start

	mu   sync.Mutex
	stat *file // /proc/stat
}

// OpenHost reads the mounts and the memory size of the host whose proc
// filesystem is at proc ("/proc"), and opens its /proc/stat.
func OpenHost(proc string) (*Host, error) {
	info, err := os.ReadFile(filepath.Join(proc, "self", "mountinfo"))
	if err != nil {
		return nil, fmt.Errorf("cgroup mounts: %w", err)
	}
	mounts, err := parseMountinfo(info)
	if err != nil {
		return nil, fmt.Errorf("cgroup mounts: %w", err)
	}
	if len(mounts) == 0 {
		return nil, errors.New("cgroup mounts: no cgroup filesystem is mounted")
	}
	meminfo, err := os.ReadFile(filepath.Join(proc, "meminfo"))
	if err != nil {
		return nil, fmt.Errorf("host memory: %w", err)
	}
	memTotal, err := parseMemTotal(meminfo)
	if err != nil {
		return nil, fmt.Errorf("host memory: %w", err)
	}
	stat, err := openFile(filepath.Join(proc, "stat"))
	if err != nil {
		return nil, fmt.Errorf("host CPU time: %w", err)
	}
	h := &Host{proc: proc, mounts: mounts, memTotal: memTotal, stat: stat}
	if _, err := h.CPU(); err != nil {
		return nil, errors.Join(err, stat.close())
	}
	return h, nil
}

// CPU reads the host's CPU time and online CPU count now, as the engine
// puts them in every sample (system_cpu_usage, online_cpus): only System
// and Online are set. It is safe for concurrent use.
func (h *Host) CPU() (stats.CPU, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, err := h.stat.read()
	if err != nil {
		return stats.CPU{}, fmt.Errorf("host CPU time: %w", err)
	}
	system, online, err := parseProcStat(b)
	if err != nil {
		return stats.CPU{}, fmt.Errorf("host CPU time: %w", err)
	}
	return stats.CPU{System: system, Online: online}, nil
}

// MemTotal is the host's memory in bytes, the limit the engine reports for
// a container without one.
func (h *Host) MemTotal() uint64 { return h.memTotal }

// Close releases the host's open file.
func (h *Host) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stat.close()
}
