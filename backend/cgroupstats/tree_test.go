package cgroupstats

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The trees below are laid out as the kernel documents them
// (Documentation/admin-guide/cgroup-v2.rst, Documentation/admin-guide/
// cgroup-v1/{cpuacct,memory,blkio-controller,pids}.rst) and as a host with
// the named driver mounts them, under a temporary root.

const testID = "4f3c9a1e0b7d2c6f8a5e3b1d9c7f2a4e6b8d0c1f3a5e7b9d2c4f6a8e0b1d3c5f"

const (
	testPID      = 4242
	testMemTotal = 8 << 30
)

// hostTree is a fake host: its proc directory and where its cgroup
// hierarchies are mounted.
type hostTree struct {
	t    *testing.T
	root string
}

func newHostTree(t *testing.T) hostTree {
	t.Helper()
	h := hostTree{t: t, root: t.TempDir()}
	h.write("proc/meminfo", "MemTotal:        8388608 kB\nMemFree:         1000000 kB\n")
	h.write("proc/stat", "cpu  100 2 30 400 5 6 7 8 0 0\ncpu0 50 1 15 200 2 3 3 4 0 0\ncpu1 50 1 15 200 3 3 4 4 0 0\nintr 1 2 3\nctxt 42\n")
	h.write("proc/4242/net/dev", netDev)
	return h
}

const netDev = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
  eth0:    1296      16    0    0    0     0          0         0      648       8    0    0    0     0       0          0
  eth1:     100       1    0    0    0     0          0         0       50       1    0    0    0     0       0          0
`

func (h hostTree) path(rel string) string { return filepath.Join(h.root, rel) }

func (h hostTree) write(rel, content string) {
	h.t.Helper()
	p := h.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// mountinfo writes /proc/self/mountinfo with the given "fstype point
// superopts" mounts.
func (h hostTree) mountinfo(mounts ...string) {
	h.t.Helper()
	var b strings.Builder
	b.WriteString("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n")
	b.WriteString("23 22 0:21 / " + h.path("proc") + " rw,nosuid - proc proc rw\n")
	for i, m := range mounts {
		f := strings.Fields(m)
		b.WriteString(strings.Join([]string{
			strconv.Itoa(30 + i), "22", "0:" + strconv.Itoa(40+i), "/", h.path(f[1]), "rw,nosuid,nodev,noexec,relatime", "shared:" + strconv.Itoa(10+i), "-", f[0], f[0], f[2],
		}, " ") + "\n")
	}
	h.write("proc/self/mountinfo", b.String())
}

// v1Tree lays out a cgroup v1 host with the cgroupfs driver (/docker/<id>)
// or, with systemd set, the systemd driver (/system.slice/docker-<id>.scope),
// cpu and cpuacct co-mounted as most distributions do.
func v1Tree(t *testing.T, systemd bool) hostTree {
	h := newHostTree(t)
	h.mountinfo(
		"cgroup sys/fs/cgroup/cpu,cpuacct rw,cpu,cpuacct",
		"cgroup sys/fs/cgroup/memory rw,memory",
		"cgroup sys/fs/cgroup/blkio rw,blkio",
		"cgroup sys/fs/cgroup/pids rw,pids",
		"cgroup sys/fs/cgroup/systemd rw,xattr,name=systemd",
		"cgroup2 sys/fs/cgroup/unified rw,nsdelegate",
	)
	cg := "/docker/" + testID
	if systemd {
		cg = "/system.slice/docker-" + testID + ".scope"
	}
	h.write("proc/4242/cgroup", strings.Join([]string{
		"12:pids:" + cg, "11:blkio:" + cg, "10:memory:" + cg, "9:cpu,cpuacct:" + cg,
		"1:name=systemd:" + cg, "0::/",
	}, "\n")+"\n")
	h.write("sys/fs/cgroup/cpu,cpuacct"+cg+"/cpuacct.usage", "2500000000\n")
	h.write("sys/fs/cgroup/cpu,cpuacct"+cg+"/cpuacct.usage_percpu", "1500000000 1000000000 \n")
	h.write("sys/fs/cgroup/memory"+cg+"/memory.usage_in_bytes", "104857600\n")
	h.write("sys/fs/cgroup/memory"+cg+"/memory.limit_in_bytes", "9223372036854771712\n")
	h.write("sys/fs/cgroup/memory"+cg+"/memory.stat", "cache 20971520\nrss 73400320\ninactive_file 1048576\nactive_file 0\n"+
		"hierarchical_memory_limit 9223372036854771712\ntotal_cache 20971520\ntotal_rss 73400320\ntotal_inactive_file 10485760\ntotal_active_file 0\n")
	h.write("sys/fs/cgroup/blkio"+cg+"/blkio.throttle.io_service_bytes",
		"8:0 Read 4096\n8:0 Write 1048576\n8:0 Sync 1052672\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 1052672\n"+
			"8:16 Read 8192\n8:16 Write 0\n8:16 Sync 8192\n8:16 Async 0\n8:16 Discard 0\n8:16 Total 8192\nTotal 1060864\n")
	h.write("sys/fs/cgroup/blkio"+cg+"/blkio.throttle.io_service_bytes_recursive", "Total 0\n")
	h.write("sys/fs/cgroup/pids"+cg+"/pids.current", "7\n")
	return h
}

// v2Tree lays out a cgroup v2 host (unified hierarchy at /sys/fs/cgroup)
// with the systemd driver, or with cgroupfs (/docker/<id>).
func v2Tree(t *testing.T, systemd bool) hostTree {
	h := newHostTree(t)
	h.mountinfo("cgroup2 sys/fs/cgroup rw,nsdelegate,memory_recursiveprot")
	cg := "/docker/" + testID
	if systemd {
		cg = "/system.slice/docker-" + testID + ".scope"
	}
	h.write("proc/4242/cgroup", "0::"+cg+"\n")
	dir := "sys/fs/cgroup" + cg
	h.write(dir+"/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n")
	h.write(dir+"/memory.current", "104857600\n")
	h.write(dir+"/memory.max", "268435456\n")
	h.write(dir+"/memory.stat", "anon 73400320\nfile 20971520\nkernel_stack 65536\nshmem 0\ninactive_anon 0\nactive_anon 73400320\ninactive_file 10485760\nactive_file 10485760\nunevictable 0\n")
	h.write(dir+"/io.stat", "8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n")
	h.write(dir+"/pids.current", "7\n")
	return h
}

func (h hostTree) open(t *testing.T) *Host {
	t.Helper()
	host, err := OpenHost(h.path("proc"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Close() })
	return host
}
