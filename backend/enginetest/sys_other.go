//go:build !linux

package enginetest

import (
	"errors"
	"os/exec"
	"syscall"
)

// errNotLinux is why private engines are Linux only: dockerd runs natively
// only there, and this package finds its processes through /proc.
var errNotLinux = errors.New("a private dockerd needs Linux")

// detach cannot start a private dockerd here; checkCanStart says so first.
func detach(*exec.Cmd) error { return errNotLinux }

// signal cannot reach a private dockerd here, as none can have been started.
func signal(int, syscall.Signal) error { return errNotLinux }

// processAlive is false: no private dockerd can run here.
func processAlive(int) bool { return false }

// cmdlineHas is false: no private dockerd can run here.
func cmdlineHas(int, string) bool { return false }

// unmountUnder has nothing to do: no private dockerd can have mounted anything.
func unmountUnder(string) error { return nil }
