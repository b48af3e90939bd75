package logging

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

// TestFileRotatesBySizeWhileRunning logs three times the file size limit
// from one running logger: the log is rotated as it goes, no file grows
// past the limit, at most one older file is kept, and the newest entries are
// in the current file.
func TestFileRotatesBySizeWhileRunning(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Dockpulse")
	path := filepath.Join(dir, "dockpulse.log")
	log, closeLog, err := New(Options{Level: "info", File: path, Writer: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	filler := strings.Repeat("x", 1000)
	const entries = 3 * maxFileSize / 1000
	for i := range entries {
		log.Info("refused request", zap.Int("i", i), zap.String("filler", filler))
	}
	log.Info("last entry")
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	var files []os.DirEntry
	deadline := time.Now().Add(5 * time.Second) // old backups are removed in the background
	for {
		if files, err = os.ReadDir(dir); err != nil {
			t.Fatal(err)
		}
		if len(files) <= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(files) > 2 {
		t.Errorf("%d log files kept, want the current one and one older", len(files))
	}
	for _, e := range files {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes, mode %v", e.Name(), fi.Size(), fi.Mode().Perm())
		if fi.Size() > maxFileSize {
			t.Errorf("%s has %d bytes, past the limit of %d", e.Name(), fi.Size(), maxFileSize)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `"msg":"last entry"`) {
		t.Fatalf("the current file lacks the last entry (%v)", err)
	}
}
