package cgroupstats

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// The parsers below read the kernel's formats as
// Documentation/admin-guide/cgroup-v2.rst ("Interface Files", "Format") and
// the cgroup v1 documents describe them. They take the file's bytes, allocate
// nothing on the success path, and never panic on malformed input (they are
// fuzzed): a file that is not what the kernel writes is an error, which makes
// the caller fall back to the engine.

var (
	errEmpty  = errors.New("empty file")
	errFormat = errors.New("unexpected format")
)

// parseUint reads a file holding one unsigned integer and a newline, such as
// memory.current or cpuacct.usage.
func parseUint(b []byte) (uint64, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, errEmpty
	}
	return atou(b)
}

// parseLimit reads a limit file: a number, or "max" for none (cgroup v2's
// memory.max), which reads as the largest value, as containerd reports it.
func parseLimit(b []byte) (uint64, error) {
	b = bytes.TrimSpace(b)
	if string(b) == "max" {
		return math.MaxUint64, nil
	}
	return parseUint(b)
}

// atou parses decimal digits without allocating; strconv would copy b into a
// string first.
func atou(b []byte) (uint64, error) {
	if len(b) == 0 {
		return 0, errFormat
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: not a number: %q", errFormat, truncate(b))
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, fmt.Errorf("%w: number out of range: %q", errFormat, truncate(b))
		}
		v = v*10 + d
	}
	return v, nil
}

// truncate keeps error messages about hostile files short.
func truncate(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// nextLine splits b at its first newline.
func nextLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// lines yields the lines of b that hold more than blanks.
func lines(b []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for len(b) > 0 {
			var line []byte
			line, b = nextLine(b)
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if !yield(line) {
				return
			}
		}
	}
}

// nextField returns the first space-separated field of b and what follows.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	return b[i:j], b[j:]
}

// flatKeyed looks up keys in a flat keyed file ("key value" lines:
// memory.stat, cpu.stat) and calls found for each key it has. A key that
// appears twice keeps its last value, as a map would.
func flatKeyed(b []byte, keys []string, found func(i int, v uint64)) error {
	for line := range lines(b) {
		key, rest := nextField(line)
		if len(key) == 0 {
			continue
		}
		for i, k := range keys {
			if string(key) != k {
				continue
			}
			val, tail := nextField(rest)
			if extra, _ := nextField(tail); len(extra) != 0 {
				return fmt.Errorf("%w: %q has more than one value", errFormat, truncate(key))
			}
			v, err := atou(val)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			found(i, v)
		}
	}
	return nil
}

// blkioOps are cgroup v1's operation names, as the engine passes them on;
// constants, so that a sample's entries allocate no strings.
var blkioOps = [...]string{"Read", "Write", "Sync", "Async", "Discard", "Total"}

// parseBlkioV1 reads blkio.throttle.io_service_bytes (and the CFQ
// blkio.io_service_bytes_recursive, in the same format): "MAJ:MIN Op bytes"
// lines and a last "Total bytes" line without a device, which the engine
// leaves out. Entries are appended to into.
func parseBlkioV1(b []byte, into []stats.BlockIO) ([]stats.BlockIO, error) {
	for line := range lines(b) {
		dev, rest := nextField(line)
		if len(dev) == 0 || string(dev) == "Total" {
			continue
		}
		if !isDevice(dev) {
			return into, fmt.Errorf("%w: device %q", errFormat, truncate(dev))
		}
		op, rest := nextField(rest)
		val, rest := nextField(rest)
		if extra, _ := nextField(rest); len(extra) != 0 {
			return into, fmt.Errorf("%w: blkio line with extra fields", errFormat)
		}
		v, err := atou(val)
		if err != nil {
			return into, err
		}
		name := ""
		for _, o := range blkioOps {
			if string(op) == o {
				name = o
			}
		}
		if name == "" {
			return into, fmt.Errorf("%w: blkio operation %q", errFormat, truncate(op))
		}
		into = append(into, stats.BlockIO{Op: name, Bytes: v})
	}
	return into, nil
}

// parseIOStatV2 reads cgroup v2's io.stat, a nested keyed file:
// "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device. Each
// device gives a "read" and a "write" entry, as the engine reports them.
func parseIOStatV2(b []byte, into []stats.BlockIO) ([]stats.BlockIO, error) {
	for line := range lines(b) {
		dev, rest := nextField(line)
		if len(dev) == 0 {
			continue
		}
		if !isDevice(dev) {
			return into, fmt.Errorf("%w: device %q", errFormat, truncate(dev))
		}
		var rbytes, wbytes uint64
		for {
			var kv []byte
			kv, rest = nextField(rest)
			if len(kv) == 0 {
				break
			}
			eq := bytes.IndexByte(kv, '=')
			if eq < 0 {
				return into, fmt.Errorf("%w: io.stat field %q", errFormat, truncate(kv))
			}
			v, err := atou(kv[eq+1:])
			if err != nil {
				return into, err
			}
			switch string(kv[:eq]) {
			case "rbytes":
				rbytes = v
			case "wbytes":
				wbytes = v
			}
		}
		into = append(into, stats.BlockIO{Op: "read", Bytes: rbytes}, stats.BlockIO{Op: "write", Bytes: wbytes})
	}
	return into, nil
}

// isDevice reports whether b is "MAJ:MIN".
func isDevice(b []byte) bool {
	i := bytes.IndexByte(b, ':')
	if i <= 0 {
		return false
	}
	_, err1 := atou(b[:i])
	_, err2 := atou(b[i+1:])
	return err1 == nil && err2 == nil
}

// parseNetDev reads /proc/<pid>/net/dev: two header lines, then per
// interface "name: rx_bytes rx_packets ... (8 receive fields) tx_bytes ...".
// The loopback is left out, as the engine leaves it out.
func parseNetDev(b []byte, into []stats.Network) ([]stats.Network, error) {
	for range 2 {
		if len(b) == 0 {
			return into, fmt.Errorf("%w: net/dev without its header", errFormat)
		}
		_, b = nextLine(b)
	}
	for line := range lines(b) {
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return into, fmt.Errorf("%w: net/dev line without an interface", errFormat)
		}
		name := bytes.TrimSpace(line[:colon])
		rest := line[colon+1:]
		var rx, tx uint64
		for i := range 16 {
			var f []byte
			f, rest = nextField(rest)
			v, err := atou(f)
			if err != nil {
				return into, fmt.Errorf("net/dev %q: %w", truncate(name), err)
			}
			switch i {
			case 0:
				rx = v
			case 8:
				tx = v
			}
		}
		if string(name) == "lo" {
			continue
		}
		into = append(into, stats.Network{Rx: rx, Tx: tx})
	}
	return into, nil
}

// Engine constants of moby's getSystemCPUUsage: /proc/stat counts in clock
// ticks, which are 1/100 s on Linux (sysconf(_SC_CLK_TCK)).
const (
	clockTicksPerSecond  = 100
	nanoSecondsPerSecond = 1e9
)

// parseProcStat reads the host's CPU time and online CPU count from
// /proc/stat exactly as the engine does: the sum of the first seven fields
// (user nice system idle iowait irq softirq) of the "cpu" line, in
// nanoseconds, and the number of "cpuN" lines, stopping at the first line
// that is not a cpu line.
func parseProcStat(b []byte) (system uint64, online uint32, err error) {
	sawTotal := false
	for len(b) > 0 {
		var line []byte
		line, b = nextLine(b)
		if len(line) < 4 || string(line[:3]) != "cpu" {
			break
		}
		if line[3] == ' ' {
			rest := line[3:]
			var ticks uint64
			for range 7 {
				var f []byte
				f, rest = nextField(rest)
				if len(f) == 0 {
					return 0, 0, fmt.Errorf("%w: /proc/stat cpu line has fewer than 7 fields", errFormat)
				}
				v, err := atou(f)
				if err != nil {
					return 0, 0, fmt.Errorf("/proc/stat: %w", err)
				}
				ticks += v
			}
			system = ticks * nanoSecondsPerSecond / clockTicksPerSecond
			sawTotal = true
		}
		if '0' <= line[3] && line[3] <= '9' {
			online++
		}
	}
	if !sawTotal {
		return 0, 0, fmt.Errorf("%w: /proc/stat has no cpu line", errFormat)
	}
	return system, online, nil
}

// parseMemTotal reads MemTotal from /proc/meminfo, in bytes (the file says
// kB, which the kernel means as KiB).
func parseMemTotal(b []byte) (uint64, error) {
	for line := range lines(b) {
		key, rest := nextField(line)
		if string(key) != "MemTotal:" {
			continue
		}
		val, rest := nextField(rest)
		unit, _ := nextField(rest)
		v, err := atou(val)
		if err != nil {
			return 0, fmt.Errorf("MemTotal: %w", err)
		}
		switch string(unit) {
		case "kB":
			if v > math.MaxUint64/1024 {
				return 0, fmt.Errorf("%w: MemTotal out of range", errFormat)
			}
			return v * 1024, nil
		case "":
			return v, nil
		}
		return 0, fmt.Errorf("%w: MemTotal unit %q", errFormat, truncate(unit))
	}
	return 0, fmt.Errorf("%w: no MemTotal in /proc/meminfo", errFormat)
}

// parseUintList reads cpuacct.usage_percpu: space-separated numbers.
func parseUintList(b []byte, into []uint64) ([]uint64, error) {
	rest := bytes.TrimSpace(b)
	for {
		var f []byte
		f, rest = nextField(rest)
		if len(f) == 0 {
			if len(bytes.TrimSpace(rest)) != 0 {
				return into, fmt.Errorf("%w: list with more than one line", errFormat)
			}
			return into, nil
		}
		v, err := atou(f)
		if err != nil {
			return into, err
		}
		into = append(into, v)
	}
}

// cgroupLine is one line of /proc/<pid>/cgroup: "ID:controllers:path". Its
// controllers are comma-separated; cgroup v2's line has ID 0 and none.
type cgroupLine struct {
	id          int
	controllers []string
	path        string
}

// parseProcCgroup reads /proc/<pid>/cgroup. It runs once per container start,
// so it may allocate.
func parseProcCgroup(b []byte) ([]cgroupLine, error) {
	var out []cgroupLine
	for line := range lines(b) {
		first := bytes.IndexByte(line, ':')
		if first < 0 {
			return nil, fmt.Errorf("%w: cgroup line %q", errFormat, truncate(line))
		}
		second := bytes.IndexByte(line[first+1:], ':')
		if second < 0 {
			return nil, fmt.Errorf("%w: cgroup line %q", errFormat, truncate(line))
		}
		second += first + 1
		id, err := strconv.Atoi(string(line[:first]))
		if err != nil || id < 0 {
			return nil, fmt.Errorf("%w: cgroup hierarchy ID %q", errFormat, truncate(line[:first]))
		}
		path := string(line[second+1:])
		if len(path) == 0 || path[0] != '/' {
			return nil, fmt.Errorf("%w: cgroup path %q", errFormat, truncate(line[second+1:]))
		}
		cl := cgroupLine{id: id, path: path}
		if ctrls := line[first+1 : second]; len(ctrls) > 0 {
			for _, c := range bytes.Split(ctrls, []byte{','}) {
				cl.controllers = append(cl.controllers, string(c))
			}
		}
		out = append(out, cl)
	}
	if len(out) == 0 {
		return nil, errEmpty
	}
	return out, nil
}

// mount is one cgroup filesystem from /proc/self/mountinfo.
type mount struct {
	v2          bool
	root        string   // the path inside the hierarchy that is mounted
	point       string   // where it is mounted
	controllers []string // v1: the controllers in its super options
}

// parseMountinfo lists the cgroup and cgroup2 mounts of /proc/self/mountinfo
// (proc(5)): "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE
// SOURCE SUPEROPTIONS". Octal escapes in paths (\040 for a space) are
// decoded.
func parseMountinfo(b []byte) ([]mount, error) {
	var out []mount
	for line := range lines(b) {
		fields := bytes.Fields(line)
		sep := -1
		for i, f := range fields {
			if string(f) == "-" {
				sep = i
				break
			}
		}
		if sep < 5 || len(fields) < sep+4 {
			return nil, fmt.Errorf("%w: mountinfo line %q", errFormat, truncate(line))
		}
		fstype := string(fields[sep+1])
		if fstype != "cgroup" && fstype != "cgroup2" {
			continue
		}
		m := mount{v2: fstype == "cgroup2", root: unescape(fields[3]), point: unescape(fields[4])}
		if !m.v2 {
			for _, o := range bytes.Split(fields[sep+3], []byte{','}) {
				m.controllers = append(m.controllers, string(o))
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// unescape decodes mountinfo's octal escapes ("\040").
func unescape(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && isOctal(b[i+1:min(i+4, len(b))]) {
			out = append(out, (b[i+1]-'0')<<6|(b[i+2]-'0')<<3|(b[i+3]-'0'))
			i += 3
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}

func isOctal(b []byte) bool {
	if len(b) != 3 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '7' {
			return false
		}
	}
	return b[0] <= '3'
}
