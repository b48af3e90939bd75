//go:build !windows

package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// openTokenFile opens path for reading without following a symbolic link
// (O_NOFOLLOW: the open fails on one) and without blocking (O_NONBLOCK: a
// FIFO opens at once instead of waiting for a writer, and is then refused
// as not a regular file).
func openTokenFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	// Linux and macOS say ELOOP for a final symbolic link; FreeBSD EMLINK.
	case errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK):
		return nil, fmt.Errorf("token file %s is a symbolic link: give the path of the file itself", path)
	default:
		return nil, fmt.Errorf("read token file: %w", err)
	}
}

// ownedByUs refuses a file another user owns: they could have planted the
// token, or change it.
func ownedByUs(path string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("token file %s: cannot tell its owner", path)
	}
	if euid := os.Geteuid(); int64(st.Uid) != int64(euid) {
		return fmt.Errorf("token file %s is owned by uid %d, not by the user running dockpulse (uid %d): use a file of your own", path, st.Uid, euid)
	}
	return nil
}
