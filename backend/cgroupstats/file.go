package cgroupstats

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// file is a kernel file kept open and re-read from its start with pread
// into a buffer that grows to the file's size once and is reused after.
// cgroup and /proc files are generated on each read, so reading at offset
// zero gives a fresh copy without reopening the file.
type file struct {
	f   *os.File
	buf []byte
}

// initialBuffer fits every file read here on a usual host; larger files
// (memory.stat with many counters, net/dev with many interfaces) grow it.
const initialBuffer = 512

// maxFileSize bounds what a read may grow to: the files read here are a few
// kilobytes, and anything far larger is not the kernel's.
const maxFileSize = 1 << 20

func openFile(path string) (*file, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &file{f: f, buf: make([]byte, initialBuffer)}, nil
}

// read returns the file's current contents. The slice is valid until the
// next read.
func (f *file) read() ([]byte, error) {
	for {
		n, err := f.f.ReadAt(f.buf, 0)
		if n < len(f.buf) {
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("read %s: %w", f.f.Name(), err)
			}
			return f.buf[:n], nil
		}
		// A full buffer may hold only the start of the file: read again
		// with a larger one, so that a sample never mixes two reads.
		if len(f.buf) >= maxFileSize {
			return nil, fmt.Errorf("read %s: larger than %d bytes", f.f.Name(), maxFileSize)
		}
		f.buf = make([]byte, 2*len(f.buf))
	}
}

func (f *file) close() error { return f.f.Close() }
