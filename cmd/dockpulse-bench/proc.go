package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat. It is
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// cpuNanos returns the CPU time pid has used, in nanoseconds: the sum of
// its threads' run time from /proc/PID/task/*/schedstat, which is the time
// utime+stime count, at nanosecond rather than 10 ms resolution (a backend
// using 0.5 % of a core earns only 5 ticks in 10 s). With children set, the
// CPU time of its reaped children (cutime+cstime, in ticks) is added: the
// engine's shims run runc for every pause and unpause. It falls back to
// utime+stime where schedstat is missing.
func cpuNanos(pid int, children bool) (int64, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	ticks := func(i int) int64 { v, _ := strconv.ParseInt(f[i], 10, 64); return v }
	var sum int64
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err == nil {
		for _, t := range tasks {
			data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
			if err != nil {
				continue // the thread has exited
			}
			if fs := strings.Fields(string(data)); len(fs) > 0 {
				v, _ := strconv.ParseInt(fs[0], 10, 64)
				sum += v
			}
		}
	}
	if err != nil || sum == 0 {
		sum = (ticks(11) + ticks(12)) * (1e9 / clockTicks)
	}
	if children {
		sum += (ticks(13) + ticks(14)) * (1e9 / clockTicks)
	}
	return sum, nil
}

// statFields returns the fields of /proc/PID/stat after the command name:
// f[0] is field 3 (state), f[11] utime (field 14), f[12] stime, f[13]
// cutime, f[14] cstime.
func statFields(pid int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	// The command name (field 2) may hold spaces; fields after it are plain.
	s := string(data)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return nil, fmt.Errorf("/proc/%d/stat: no command field", pid)
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return nil, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	return f, nil
}

// rssBytes returns VmRSS of pid.
func rssBytes(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/status VmRSS: %w", pid, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
}

// procGroup names the processes whose CPU one figure adds up. pids is called
// at the start and at the end of a window; only processes alive at both
// count, which is right for the long-lived daemons and shims measured here.
type procGroup struct {
	pids     func() []int
	children bool
}

// cpuWindow measures a group's CPU over d as a percentage of one core.
type cpuWindow struct {
	group procGroup
	start map[int]int64
	t0    time.Time
}

func startCPU(g procGroup) *cpuWindow {
	w := &cpuWindow{group: g, start: map[int]int64{}, t0: time.Now()}
	for _, pid := range g.pids() {
		if t, err := cpuNanos(pid, g.children); err == nil {
			w.start[pid] = t
		}
	}
	return w
}

// percent is the CPU used since startCPU, in % of one core.
func (w *cpuWindow) percent() float64 {
	elapsed := time.Since(w.t0).Seconds()
	var nanos int64
	for _, pid := range w.group.pids() {
		t0, ok := w.start[pid]
		if !ok {
			continue
		}
		if t, err := cpuNanos(pid, w.group.children); err == nil {
			nanos += t - t0
		}
	}
	return float64(nanos) / 1e9 / elapsed * 100
}

func single(pid int) procGroup {
	return procGroup{pids: func() []int { return []int{pid} }}
}

// engineParts splits a private engine's daemons for the breakdown rows.
func engineParts(dir string) map[string]procGroup {
	all := engineProcs(dir)
	pick := func(want func(cmd string) bool) procGroup {
		return procGroup{children: true, pids: func() []int {
			var out []int
			for _, pid := range all.pids() {
				cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
				if want(string(cmd)) {
					out = append(out, pid)
				}
			}
			return out
		}}
	}
	return map[string]procGroup{
		"dockerd": pick(func(c string) bool { return strings.Contains(c, "dockerd") }),
		"containerd": pick(func(c string) bool {
			return strings.HasPrefix(c, "containerd\x00") || (strings.Contains(c, "containerd") && strings.Contains(c, "--config"))
		}),
		"shims": pick(func(c string) bool { return strings.Contains(c, "containerd-shim") }),
	}
}

// engineProcs is a private engine's daemons: dockerd, its containerd, and
// the shims of its containers (found by the containerd socket they name).
func engineProcs(dir string) procGroup {
	sock := filepath.Join(dir, "exec", "containerd", "containerd.sock")
	return procGroup{children: true, pids: func() []int {
		var pids []int
		for _, f := range []string{filepath.Join(dir, "docker.pid"), filepath.Join(dir, "exec", "containerd", "containerd.pid")} {
			if data, err := os.ReadFile(f); err == nil {
				if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
					pids = append(pids, pid)
				}
			}
		}
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			if err != nil {
				continue
			}
			c := string(cmd)
			if strings.Contains(c, "containerd-shim") && strings.Contains(c, sock) {
				pids = append(pids, pid)
			}
		}
		return pids
	}}
}

// rssMedian samples a process's RSS n times, every, and returns the median.
func rssMedian(pid, n int, every time.Duration) int64 {
	var xs []float64
	for i := 0; i < n; i++ {
		if i > 0 {
			time.Sleep(every)
		}
		if v, err := rssBytes(pid); err == nil {
			xs = append(xs, float64(v))
		}
	}
	return int64(median(xs))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// quantile of a sorted copy, nearest rank.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}
