package cgroupstats

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNotLocal says that a container's cgroup is not where this host's
// mounts put it: the engine runs in a VM or another namespace, or the
// process is not the container's.
var ErrNotLocal = errors.New("the container's cgroup is not visible on this host")

// cgroupDirs are the directories of one container's cgroup: one for
// cgroup v2, one per controller for cgroup v1 (blkio and pids may be
// missing, in which case their figures read zero, as the engine's do).
type cgroupDirs struct {
	v2                           bool
	unified                      string // v2
	cpuacct, memory, blkio, pids string // v1
}

// locate finds the cgroup of the container id whose init process is pid:
// /proc/<pid>/cgroup names it relative to each hierarchy, and the mounts say
// where each hierarchy is. The cgroupfs driver names it /docker/<id>, the
// systemd driver /system.slice/docker-<id>.scope (Podman libpod-<id>.scope),
// so the path must contain the container's ID: that also guards against a
// PID the kernel has already given to another process.
//
// cgroup v1 wins where the process is in v1 hierarchies with the controllers
// needed, since on a hybrid host the v2 hierarchy has no controllers.
func (h *Host) locate(pid int, id string) (cgroupDirs, error) {
	if pid <= 0 {
		return cgroupDirs{}, fmt.Errorf("container %s has no process", id)
	}
	b, err := os.ReadFile(filepath.Join(h.proc, strconv.Itoa(pid), "cgroup"))
	if err != nil {
		return cgroupDirs{}, fmt.Errorf("cgroups of process %d: %w", pid, err)
	}
	lines, err := parseProcCgroup(b)
	if err != nil {
		return cgroupDirs{}, fmt.Errorf("cgroups of process %d: %w", pid, err)
	}
	var d cgroupDirs
	var unified string
	for _, l := range lines {
		if l.id == 0 && len(l.controllers) == 0 {
			unified = l.path
			continue
		}
		for _, c := range l.controllers {
			var into *string
			switch c {
			case "cpuacct":
				into = &d.cpuacct
			case "memory":
				into = &d.memory
			case "blkio":
				into = &d.blkio
			case "pids":
				into = &d.pids
			default:
				continue
			}
			if dir, ok := h.dir(false, c, l.path); ok {
				*into = dir
			}
		}
	}
	switch {
	case d.cpuacct != "" && d.memory != "":
		if !strings.Contains(d.memory, id) || !strings.Contains(d.cpuacct, id) {
			return cgroupDirs{}, fmt.Errorf("process %d is in %s, not in container %s's cgroup: %w", pid, d.memory, id, ErrNotLocal)
		}
		return d, nil
	case unified != "":
		dir, ok := h.dir(true, "", unified)
		if !ok {
			return cgroupDirs{}, fmt.Errorf("cgroup %s of process %d: %w", unified, pid, ErrNotLocal)
		}
		if !strings.Contains(unified, id) {
			return cgroupDirs{}, fmt.Errorf("process %d is in %s, not in container %s's cgroup: %w", pid, unified, id, ErrNotLocal)
		}
		return cgroupDirs{v2: true, unified: dir}, nil
	}
	return cgroupDirs{}, fmt.Errorf("process %d has no cpuacct and memory cgroup, nor a cgroup v2 one: %w", pid, ErrNotLocal)
}

// dir is where the hierarchy path p (a cgroup v1 controller's, or v2's) is
// in the filesystem: under the mount of its hierarchy, less the part of the
// hierarchy the mount leaves out.
func (h *Host) dir(v2 bool, controller, p string) (string, bool) {
	for _, m := range h.mounts {
		if m.v2 != v2 || (!v2 && !slices.Contains(m.controllers, controller)) {
			continue
		}
		rel, ok := strings.CutPrefix(p, m.root)
		if !ok || (rel != "" && rel[0] != '/' && m.root != "/") {
			continue
		}
		return filepath.Join(m.point, path.Clean("/"+rel)), true
	}
	return "", false
}
