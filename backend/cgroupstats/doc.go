// Package cgroupstats is the kernel stats source: it reads a container's
// counters straight from its cgroup files and from /proc, the same files the
// engine reads, so that sampling every running container once a second costs
// the engine nothing.
//
// Each part has its file: parse.go reads the kernel's file formats (pure
// functions on bytes, fuzzed); locate.go finds a container's cgroup from its
// init process (/proc/<pid>/cgroup against the cgroup mounts in
// /proc/self/mountinfo), which covers cgroup v1 and v2 and both the cgroupfs
// and systemd drivers without guessing their naming; file.go keeps a file
// open and re-reads it with one pread into a reused buffer; host.go reads the
// host's CPU time and memory as the engine does; container.go turns one
// container's files into a stats.Sample; source.go is the stats.Poller the
// collector uses, which asks the engine (inspect) for each container's
// process.
//
// The figures are the engine's (moby daemon/stats_unix.go with containerd's
// cgroup readers), so that stats.Compute on a Sample from here gives what
// `docker stats` shows:
//
//   - CPU: cgroup v1 cpuacct.usage (and cpuacct.usage_percpu), cgroup v2
//     cpu.stat usage_usec × 1000. The host's CPU time is the first seven
//     fields of /proc/stat's "cpu" line in clock ticks of 1/100 s, and the
//     online CPU count is the number of "cpuN" lines, as the engine counts.
//   - Memory: v1 memory.usage_in_bytes, memory.limit_in_bytes and
//     memory.stat (total_inactive_file, inactive_file); v2 memory.current,
//     memory.max ("max" is no limit) and memory.stat (inactive_file). A limit
//     above the host's MemTotal is reported as MemTotal, as the engine does.
//   - Block I/O: v1 blkio.io_service_bytes_recursive where the CFQ files
//     exist, else blkio.throttle.io_service_bytes; v2 io.stat rbytes and
//     wbytes.
//   - Pids: pids.current (zero without the pids controller).
//   - Network: /proc/<pid>/net/dev of the container's init process, every
//     interface but the loopback, which the engine does not list either.
//
// A Container keeps its files open, so one sample costs one pread per file
// and no allocation once its buffers have grown; nothing here starts a
// goroutine.
package cgroupstats
