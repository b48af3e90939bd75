//go:build !windows

package engines

import (
	"os"
	"path/filepath"
	"strconv"
)

// candidates are the sockets Docker Desktop, Colima, OrbStack, Rancher
// Desktop, rootless Docker and Podman (rootless, then rootful) listen on.
func (o Options) candidates() []candidate {
	var out []candidate
	if home, err := o.home(); err == nil {
		out = append(out,
			candidate{"desktop-linux", "Docker Desktop", "unix://" + filepath.Join(home, ".docker", "run", "docker.sock")},
			candidate{"desktop-linux", "Docker Desktop", "unix://" + filepath.Join(home, ".docker", "desktop", "docker.sock")},
			candidate{"colima", "Colima", "unix://" + filepath.Join(home, ".colima", "default", "docker.sock")},
			candidate{"colima", "Colima", "unix://" + filepath.Join(home, ".config", "colima", "default", "docker.sock")},
			candidate{"orbstack", "OrbStack", "unix://" + filepath.Join(home, ".orbstack", "run", "docker.sock")},
			candidate{"rancher-desktop", "Rancher Desktop", "unix://" + filepath.Join(home, ".rd", "docker.sock")},
		)
	}
	runtimeDir := o.getenv("XDG_RUNTIME_DIR")
	if runtimeDir == "" {
		runtimeDir = filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	}
	out = append(out,
		candidate{"rootless", "rootless Docker", "unix://" + filepath.Join(runtimeDir, "docker.sock")},
		candidate{"podman", "Podman (rootless)", "unix://" + filepath.Join(runtimeDir, "podman", "podman.sock")},
		candidate{"podman-root", "Podman (rootful)", "unix:///run/podman/podman.sock"},
	)
	return out
}

// pipeExists: there are no named pipes here.
func pipeExists(string) bool { return false }
