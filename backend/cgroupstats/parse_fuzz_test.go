package cgroupstats

import (
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// The fuzz targets feed the parsers arbitrary bytes: a file that is not what
// the kernel writes must give an error, never a panic, and what they accept
// must be consistent.

func FuzzParseFlatKeyed(f *testing.F) {
	f.Add([]byte("usage_usec 2500000\nuser_usec 2000000\n"))
	f.Add([]byte("total_inactive_file 10\ninactive_file 1\ninactive_file 2\n"))
	f.Add([]byte("inactive_file 18446744073709551616\n"))
	f.Add([]byte("inactive_file 1 2\n\n  \t"))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys := []string{"total_inactive_file", "inactive_file", "usage_usec"}
		_ = flatKeyed(b, keys, func(i int, v uint64) {
			if i < 0 || i >= len(keys) {
				t.Fatalf("key index %d", i)
			}
		})
	})
}

func FuzzParseBlockIO(f *testing.F) {
	f.Add([]byte("8:0 Read 4096\n8:0 Write 1\n8:0 Total 4097\nTotal 4097\n"))
	f.Add([]byte("8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n"))
	f.Add([]byte("8: Read 1\n:0 rbytes=\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, err := parseBlkioV1(b, nil); err == nil {
			for _, e := range got {
				if !strings.Contains("Read Write Sync Async Discard Total", e.Op) || e.Op == "" {
					t.Fatalf("v1 operation %q", e.Op)
				}
			}
		}
		if got, err := parseIOStatV2(b, nil); err == nil {
			if len(got)%2 != 0 {
				t.Fatalf("v2 gave %d entries, want a read and a write per device", len(got))
			}
		}
	})
}

func FuzzParseNetDev(f *testing.F) {
	f.Add([]byte(netDev))
	f.Add([]byte("h\nh\n eth0: 1 2 3\n"))
	f.Add([]byte("h\nh\nlo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseNetDev(b, []stats.Network{})
		if err == nil && len(got) > strings.Count(string(b), ":") {
			t.Fatalf("%d interfaces from %d colons", len(got), strings.Count(string(b), ":"))
		}
	})
}

func FuzzParseProcStat(f *testing.F) {
	f.Add([]byte("cpu  100 2 30 400 5 6 7 8 0 0\ncpu0 50 1 15 200 2 3 3 4 0 0\nintr 1\n"))
	f.Add([]byte("cpu  1 2 3\n"))
	f.Add([]byte("cpu0 1 2 3 4 5 6 7\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, online, err := parseProcStat(b)
		if err == nil && int(online) > strings.Count(string(b), "cpu") {
			t.Fatalf("%d CPUs from %d cpu lines", online, strings.Count(string(b), "cpu"))
		}
	})
}

func FuzzParseSmallFiles(f *testing.F) {
	f.Add([]byte("104857600\n"))
	f.Add([]byte("max\n"))
	f.Add([]byte("1500000000 1000000000 \n"))
	f.Add([]byte("MemTotal:        8388608 kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseUint(b)
		_, _ = parseLimit(b)
		_, _ = parseUintList(b, nil)
		_, _ = parseMemTotal(b)
	})
}

func FuzzParseCgroupAndMounts(f *testing.F) {
	f.Add([]byte("12:pids:/docker/x\n9:cpu,cpuacct:/docker/x\n0::/\n"))
	f.Add([]byte("0::/system.slice/docker-x.scope\n"))
	f.Add([]byte("30 22 0:40 / /sys/fs/cgroup/memory rw shared:10 - cgroup cgroup rw,memory\n"))
	f.Add([]byte("31 22 0:41 /a\\040b /sys/fs/cgroup\\134 rw - cgroup2 cgroup2 rw\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if lines, err := parseProcCgroup(b); err == nil {
			for _, l := range lines {
				if !strings.HasPrefix(l.path, "/") {
					t.Fatalf("path %q", l.path)
				}
			}
		}
		_, _ = parseMountinfo(b)
	})
}
