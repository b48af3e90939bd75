//go:build windows

package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// openTokenFile opens path for reading, refusing a symbolic link.
func openTokenFile(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("token file %s is a symbolic link: give the path of the file itself", path)
	}
	f, err := os.Open(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read token file: %w", err)
	}
	return f, err
}

// ownedByUs: Windows has no file owner in fs.FileInfo; the file's ACL is
// the user's to keep.
func ownedByUs(string, fs.FileInfo) error { return nil }
