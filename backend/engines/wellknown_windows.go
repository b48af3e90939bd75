package engines

import "os"

// candidates are the named pipes of Docker Desktop's Linux engine and of
// Podman's default machine (docker_engine is the default context's).
func (o Options) candidates() []candidate {
	return []candidate{
		{"desktop-linux", "Docker Desktop", "npipe:////./pipe/dockerDesktopLinuxEngine"},
		{"podman", "Podman", "npipe:////./pipe/podman-machine-default"},
	}
}

// pipeExists reports whether the named pipe (as in npipe:////./pipe/NAME,
// the part after "npipe://") exists.
func pipeExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
