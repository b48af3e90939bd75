// Package atomicfile replaces a small file at once: a crash or a full disk
// leaves the old content or the new, never half of either.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteFile replaces path with data through a temporary file beside it,
// making the folder (0700) if needed.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
