package cgroupstats

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// Target is what the engine's inspect data says about a running container
// that the kernel source needs.
type Target struct {
	ID  string
	PID int // its init process (State.Pid)
	// HostNetwork is set for --network host: the engine lists no interfaces
	// for it, where /proc/<pid>/net/dev would list the host's.
	HostNetwork bool
}

// Container reads one container's counters from its open cgroup files.
// It is not safe for concurrent use.
type Container struct {
	host *Host
	id   string
	v2   bool

	cpu      *file // v1 cpuacct.usage, v2 cpu.stat
	perCPU   *file // v1 cpuacct.usage_percpu; nil on v2
	memUsage *file // v1 memory.usage_in_bytes, v2 memory.current
	memLimit *file // v1 memory.limit_in_bytes, v2 memory.max
	memStat  *file // memory.stat
	blkio    *file // v1 blkio.*io_service_bytes*, v2 io.stat; nil without the controller
	pids     *file // pids.current; nil without the controller
	netDev   *file // /proc/<pid>/net/dev; nil for the host's network

	// The sample's slices, reused from one read to the next.
	perCPUBuf  []uint64
	blkioBuf   []stats.BlockIO
	networkBuf []stats.Network
}

// Open locates a running container's cgroup and opens its files.
func (h *Host) Open(t Target) (*Container, error) {
	d, err := h.locate(t.PID, t.ID)
	if err != nil {
		return nil, err
	}
	c := &Container{host: h, id: t.ID, v2: d.v2}
	type want struct {
		into     **file
		path     string
		optional bool
	}
	var files []want
	if d.v2 {
		files = []want{
			{&c.cpu, filepath.Join(d.unified, "cpu.stat"), false},
			{&c.memUsage, filepath.Join(d.unified, "memory.current"), false},
			{&c.memLimit, filepath.Join(d.unified, "memory.max"), false},
			{&c.memStat, filepath.Join(d.unified, "memory.stat"), false},
			{&c.blkio, filepath.Join(d.unified, "io.stat"), true},
			{&c.pids, filepath.Join(d.unified, "pids.current"), true},
		}
	} else {
		files = []want{
			{&c.cpu, filepath.Join(d.cpuacct, "cpuacct.usage"), false},
			{&c.perCPU, filepath.Join(d.cpuacct, "cpuacct.usage_percpu"), true},
			{&c.memUsage, filepath.Join(d.memory, "memory.usage_in_bytes"), false},
			{&c.memLimit, filepath.Join(d.memory, "memory.limit_in_bytes"), false},
			{&c.memStat, filepath.Join(d.memory, "memory.stat"), false},
		}
		if d.blkio != "" {
			files = append(files, want{&c.blkio, blkioV1File(d.blkio), false})
		}
		if d.pids != "" {
			files = append(files, want{&c.pids, filepath.Join(d.pids, "pids.current"), false})
		}
	}
	if !t.HostNetwork {
		files = append(files, want{&c.netDev, filepath.Join(h.proc, strconv.Itoa(t.PID), "net", "dev"), false})
	}
	for _, w := range files {
		f, err := openFile(w.path)
		if err != nil {
			if w.optional && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, errors.Join(fmt.Errorf("container %s: %w", t.ID, err), c.Close())
		}
		*w.into = f
	}
	if _, err := c.Read(time.Now(), stats.CPU{}); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	return c, nil
}

// blkioV1File is the file the engine's cgroup v1 reader takes bytes from:
// the CFQ scheduler's recursive counters where they exist, else the
// throttling layer's, which every kernel with blkio has.
func blkioV1File(dir string) string {
	if _, err := os.Lstat(filepath.Join(dir, "blkio.io_serviced_recursive")); err == nil {
		return filepath.Join(dir, "blkio.io_service_bytes_recursive")
	}
	return filepath.Join(dir, "blkio.throttle.io_service_bytes")
}

// v2 memory.stat and cpu.stat keys, and cgroup v1 memory.stat keys.
var (
	cpuStatKeys   = []string{"usage_usec"}
	memStatV1Keys = []string{"total_inactive_file", "inactive_file"}
	memStatV2Keys = []string{"inactive_file"}
	errNoCPUCount = errors.New("cpu.stat has no usage_usec")
)

// Read takes one sample, stamped at, with the host's CPU figures (System
// and Online of Host.CPU) read for this round. Its slices stay valid until the next Read. A cgroup that has
// gone (the container stopped) makes the reads fail (ENODEV), which is an
// error here.
func (c *Container) Read(at time.Time, host stats.CPU) (stats.Sample, error) {
	s := stats.Sample{Read: at, CPU: stats.CPU{System: host.System, Online: host.Online}}
	if err := c.readCPU(&s); err != nil {
		return stats.Sample{}, c.wrap(err)
	}
	if err := c.readMemory(&s); err != nil {
		return stats.Sample{}, c.wrap(err)
	}
	if c.blkio != nil {
		b, err := c.blkio.read()
		if err != nil {
			return stats.Sample{}, c.wrap(err)
		}
		if c.v2 {
			c.blkioBuf, err = parseIOStatV2(b, c.blkioBuf[:0])
		} else {
			c.blkioBuf, err = parseBlkioV1(b, c.blkioBuf[:0])
		}
		if err != nil {
			return stats.Sample{}, c.wrap(fmt.Errorf("block I/O: %w", err))
		}
		s.BlockIO = c.blkioBuf
	}
	if c.pids != nil {
		v, err := readUint(c.pids)
		if err != nil {
			return stats.Sample{}, c.wrap(fmt.Errorf("pids: %w", err))
		}
		s.Pids = v
	}
	if c.netDev != nil {
		b, err := c.netDev.read()
		if err != nil {
			return stats.Sample{}, c.wrap(err)
		}
		if c.networkBuf, err = parseNetDev(b, c.networkBuf[:0]); err != nil {
			return stats.Sample{}, c.wrap(err)
		}
		s.Networks = c.networkBuf
	}
	return s, nil
}

func (c *Container) readCPU(s *stats.Sample) error {
	b, err := c.cpu.read()
	if err != nil {
		return err
	}
	if c.v2 {
		found := false
		err = flatKeyed(b, cpuStatKeys, func(_ int, v uint64) {
			s.CPU.Total, found = v*1000, true
		})
		if err == nil && !found {
			err = errNoCPUCount
		}
		if err != nil {
			return fmt.Errorf("cpu.stat: %w", err)
		}
		return nil
	}
	if s.CPU.Total, err = parseUint(b); err != nil {
		return fmt.Errorf("cpuacct.usage: %w", err)
	}
	if c.perCPU != nil {
		if b, err = c.perCPU.read(); err != nil {
			return err
		}
		if c.perCPUBuf, err = parseUintList(b, c.perCPUBuf[:0]); err != nil {
			return fmt.Errorf("cpuacct.usage_percpu: %w", err)
		}
		s.CPU.PerCPU = c.perCPUBuf
	}
	return nil
}

func (c *Container) readMemory(s *stats.Sample) error {
	usage, err := readUint(c.memUsage)
	if err != nil {
		return fmt.Errorf("memory usage: %w", err)
	}
	b, err := c.memLimit.read()
	if err != nil {
		return err
	}
	limit, err := parseLimit(b)
	if err != nil {
		return fmt.Errorf("memory limit: %w", err)
	}
	if mt := c.host.memTotal; limit > mt && mt > 0 {
		limit = mt // the engine's rule for a container without a limit
	}
	s.Memory = stats.Memory{Usage: usage, Limit: limit}
	if b, err = c.memStat.read(); err != nil {
		return err
	}
	if c.v2 {
		err = flatKeyed(b, memStatV2Keys, func(_ int, v uint64) { s.Memory.InactiveFile = v })
	} else {
		// The engine's v1 counters always hold total_inactive_file.
		s.Memory.HasTotalInactiveFile = true
		err = flatKeyed(b, memStatV1Keys, func(i int, v uint64) {
			if i == 0 {
				s.Memory.TotalInactiveFile = v
			} else {
				s.Memory.InactiveFile = v
			}
		})
	}
	if err != nil {
		return fmt.Errorf("memory.stat: %w", err)
	}
	return nil
}

func readUint(f *file) (uint64, error) {
	b, err := f.read()
	if err != nil {
		return 0, err
	}
	return parseUint(b)
}

func (c *Container) wrap(err error) error {
	return fmt.Errorf("kernel stats of %s: %w", c.id, err)
}

// Close closes the container's files.
func (c *Container) Close() error {
	var errs []error
	for _, f := range []*file{c.cpu, c.perCPU, c.memUsage, c.memLimit, c.memStat, c.blkio, c.pids, c.netDev} {
		if f != nil {
			errs = append(errs, f.close())
		}
	}
	return errors.Join(errs...)
}
