package stats

import "time"

// Sample is one reading of a container's counters, as an engine reports it
// and as Compute reads it. The Docker adapter decodes the engine's stats
// document into it, so this package never sees the wire format.
type Sample struct {
	// Read is when the engine took the reading. It is zero in the
	// placeholders an engine keeps sending on the stream of a container
	// that has stopped.
	Read time.Time
	// CPU is this reading's CPU time; PreCPU is the previous reading's,
	// zero where the engine had none (a stream's first sample, a one-shot
	// sample).
	CPU, PreCPU CPU
	Memory      Memory
	// Networks has one entry per network interface.
	Networks []Network
	// BlockIO has one entry per block device and operation.
	BlockIO []BlockIO
	// Pids is the number of processes and threads.
	Pids uint64
}

// CPU is one reading of cumulative CPU time, in nanoseconds.
type CPU struct {
	// Total is the container's CPU time.
	Total uint64
	// PerCPU is the container's CPU time per host CPU, where the engine
	// lists it (cgroup v1).
	PerCPU []uint64
	// System is the host's CPU time; engines that do not measure it
	// (Windows) send zero.
	System uint64
	// Online is the number of CPUs the container may use; engines older
	// than API 1.27 send zero.
	Online uint32
}

// Memory is one reading of the container's memory, in bytes.
type Memory struct {
	// Usage includes the page cache.
	Usage uint64
	// Limit is zero where the engine could not read it.
	Limit uint64
	// TotalInactiveFile is cgroup v1's hierarchical inactive page cache,
	// present when HasTotalInactiveFile is set.
	TotalInactiveFile    uint64
	HasTotalInactiveFile bool
	// InactiveFile is the inactive page cache of cgroup v2 (and cgroup v1's
	// own, without children); zero when the engine did not send it.
	InactiveFile uint64
}

// Network is one interface's traffic, in bytes.
type Network struct {
	Rx, Tx uint64
}

// BlockIO is the bytes one block device serviced for one operation. cgroup
// v1 spells the operations "Read", "Write", "Sync", "Async", "Discard" and
// "Total"; cgroup v2 spells them "read" and "write".
type BlockIO struct {
	Op    string
	Bytes uint64
}
