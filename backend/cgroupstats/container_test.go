package cgroupstats

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/stats"
)

var at = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// readCompute opens the test container on a tree and computes its first
// sample's figures as `docker stats` would.
func readCompute(t *testing.T, h hostTree, target Target) (*Container, *Host, stats.Sample, model.Stats) {
	t.Helper()
	host := h.open(t)
	c, err := host.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	cpu, err := host.CPU()
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Read(at, cpu)
	if err != nil {
		t.Fatal(err)
	}
	return c, host, s, stats.Compute("local", testID, s)
}

// TestFigures reads both cgroup versions under both drivers; the figures
// are those `docker stats` shows for the same counters.
func TestFigures(t *testing.T) {
	const usage = 104857600 - 10485760 // usage less (total_)inactive_file
	for _, tc := range []struct {
		name  string
		tree  func(*testing.T, bool) hostTree
		limit uint64
		read  uint64
		write uint64
		// check is what else the sample must hold.
		check func(t *testing.T, s stats.Sample)
	}{
		// No limit set on v1: the host's MemTotal.
		{"v1", v1Tree, testMemTotal, 4096 + 8192, 1048576, func(t *testing.T, s stats.Sample) {
			if s.CPU.System != 5.5e9 || len(s.CPU.PerCPU) != 2 || s.CPU.PerCPU[0] != 1.5e9 {
				t.Errorf("CPU %+v: want system 5.5e9 ns (7 fields of 550 ticks) and two per-CPU counters", s.CPU)
			}
		}},
		{"v2", v2Tree, 268435456, 1459200 + 4096, 314773504, func(t *testing.T, s stats.Sample) {
			if s.Memory.HasTotalInactiveFile || len(s.CPU.PerCPU) != 0 {
				t.Errorf("v2 sample %+v: cgroup v2 has neither total_inactive_file nor per-CPU usage", s)
			}
		}},
	} {
		for _, systemd := range []bool{false, true} {
			t.Run(tc.name+"/"+driverName(systemd), func(t *testing.T) {
				_, _, s, got := readCompute(t, tc.tree(t, systemd), Target{ID: testID, PID: testPID})
				want := model.Stats{
					Engine: "local", ID: testID, Read: at.UnixMilli(),
					// The first sample has no previous one: measured against
					// zero, as the CLI's first line is.
					CPUPercent: 2.5e9 / 5.5e9 * 2 * 100, OnlineCPUs: 2,
					MemoryUsage: usage, MemoryLimit: tc.limit,
					MemoryPercent: float64(usage) / float64(tc.limit) * 100,
					NetworkRx:     1296 + 100, NetworkTx: 648 + 50,
					BlockRead: tc.read, BlockWrite: tc.write,
					Pids: 7,
				}
				if got != want {
					t.Errorf("figures\n got %+v\nwant %+v", got, want)
				}
				tc.check(t, s)
			})
		}
	}
}

// TestV2NoLimit: memory.max reads "max" without a limit, which the engine
// reports as the host's memory.
func TestV2NoLimit(t *testing.T) {
	h := v2Tree(t, true)
	h.write("sys/fs/cgroup/system.slice/docker-"+testID+".scope/memory.max", "max\n")
	_, _, _, got := readCompute(t, h, Target{ID: testID, PID: testPID})
	if got.MemoryLimit != testMemTotal {
		t.Errorf("limit %d, want MemTotal %d", got.MemoryLimit, uint64(testMemTotal))
	}
}

// TestRereadsOpenFiles: a second read sees the files' new contents through
// the same descriptors, and CPU % comes out against the previous reading.
func TestRereadsOpenFiles(t *testing.T) {
	h := v1Tree(t, false)
	c, host, first, _ := readCompute(t, h, Target{ID: testID, PID: testPID})
	prev := first.CPU
	prev.PerCPU = append([]uint64(nil), prev.PerCPU...)
	// One second later (200 ticks on two CPUs): the container used half a
	// CPU, 50 % as `docker stats` counts one full CPU as 100 %.
	h.write("sys/fs/cgroup/cpu,cpuacct/docker/"+testID+"/cpuacct.usage", "3000000000\n")
	h.write("proc/stat", "cpu  200 2 30 500 5 6 7 8 0 0\ncpu0 100 1 15 250 2 3 3 4 0 0\ncpu1 100 1 15 250 3 3 4 4 0 0\n")
	h.write("sys/fs/cgroup/pids/docker/"+testID+"/pids.current", "9\n")
	cpu, err := host.CPU()
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Read(at.Add(time.Second), cpu)
	if err != nil {
		t.Fatal(err)
	}
	s.PreCPU = prev
	got := stats.Compute("local", testID, s)
	if got.CPUPercent != 50 || got.Pids != 9 {
		t.Errorf("CPU %v%%, pids %d: want 50%% and 9", got.CPUPercent, got.Pids)
	}
}

func TestHostNetworkHasNoInterfaces(t *testing.T) {
	_, _, s, _ := readCompute(t, v1Tree(t, false), Target{ID: testID, PID: testPID, HostNetwork: true})
	if len(s.Networks) != 0 {
		t.Errorf("networks %+v: the engine lists none for the host's network", s.Networks)
	}
}

func TestOpenFails(t *testing.T) {
	other := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name   string
		tree   func(t *testing.T) hostTree
		target Target
		local  bool // the error is ErrNotLocal
	}{
		{"no process", func(t *testing.T) hostTree { return v1Tree(t, false) }, Target{ID: testID}, false},
		{"process gone", func(t *testing.T) hostTree { return v1Tree(t, false) }, Target{ID: testID, PID: 999}, false},
		{"process of another container (v1)", func(t *testing.T) hostTree { return v1Tree(t, false) }, Target{ID: other, PID: testPID}, true},
		{"process of another container (v2)", func(t *testing.T) hostTree { return v2Tree(t, false) }, Target{ID: other, PID: testPID}, true},
		{"cgroup not under any mount", func(t *testing.T) hostTree {
			h := v2Tree(t, false)
			h.mountinfo("cgroup sys/fs/cgroup/cpu rw,cpu")
			return h
		}, Target{ID: testID, PID: testPID}, true},
		{"cgroup gone (v2)", func(t *testing.T) hostTree {
			h := v2Tree(t, false)
			if err := os.RemoveAll(h.path("sys/fs/cgroup/docker/" + testID)); err != nil {
				t.Fatal(err)
			}
			return h
		}, Target{ID: testID, PID: testPID}, false},
		{"memory controller files missing (v1)", func(t *testing.T) hostTree {
			h := v1Tree(t, false)
			if err := os.Remove(h.path("sys/fs/cgroup/memory/docker/" + testID + "/memory.stat")); err != nil {
				t.Fatal(err)
			}
			return h
		}, Target{ID: testID, PID: testPID}, false},
		{"malformed file", func(t *testing.T) hostTree {
			h := v2Tree(t, false)
			h.write("sys/fs/cgroup/docker/"+testID+"/memory.current", "lots\n")
			return h
		}, Target{ID: testID, PID: testPID}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := tc.tree(t).open(t)
			c, err := host.Open(tc.target)
			if err == nil {
				_ = c.Close()
				t.Fatal("opened")
			}
			if errors.Is(err, ErrNotLocal) != tc.local {
				t.Errorf("error %v: ErrNotLocal is %v, want %v", err, !tc.local, tc.local)
			}
		})
	}
}

// TestReadAllocatesNothing: once its buffers have grown, a sample costs no
// allocation.
func TestReadAllocatesNothing(t *testing.T) {
	for _, tree := range []func(*testing.T, bool) hostTree{v1Tree, v2Tree} {
		c, host, _, _ := readCompute(t, tree(t, false), Target{ID: testID, PID: testPID})
		allocs := testing.AllocsPerRun(50, func() {
			cpu, err := host.CPU()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Read(at, cpu); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%v allocations per sample, want 0", allocs)
		}
	}
}

func driverName(systemd bool) string {
	if systemd {
		return "systemd"
	}
	return "cgroupfs"
}
