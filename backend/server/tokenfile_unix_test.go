//go:build !windows

package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// goodTokenFile writes a valid token file, mode 0600, and returns its path.
func goodTokenFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("c2VjcmV0LXRva2VuLXRoYXQtaXMtbG9uZw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tokenFromFileWithin reads path with TokenFromFile, failing the test if it
// takes longer than a second (start-up must never block on the file).
func tokenFromFileWithin(t *testing.T, path string) (string, error) {
	t.Helper()
	type result struct {
		tok string
		err error
	}
	done := make(chan result, 1)
	go func() {
		tok, err := TokenFromFile(path)
		done <- result{tok, err}
	}()
	select {
	case r := <-done:
		return r.tok, r.err
	case <-time.After(time.Second):
		t.Fatalf("TokenFromFile(%s) still blocked after a second", path)
		return "", nil
	}
}

// TestTokenFileRefusals: only a regular file, reached without a symbolic
// link, owned by the user running the server and closed to group and
// others, may hold the token. Each refusal says why, at once.
func TestTokenFileRefusals(t *testing.T) {
	t.Run("FIFO", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "token")
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			enginetest.SkipOrFail(t, fmt.Sprintf("mkfifo: %v", err))
		}
		// Should the open block, a writer lets it go once the test is over.
		t.Cleanup(func() {
			if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		})
		_, err := tokenFromFileWithin(t, path)
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("a FIFO: %v, want refused as not a regular file", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := tokenFromFileWithin(t, dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("a directory: %v, want refused as not a regular file", err)
		}
	})
	t.Run("symbolic link", func(t *testing.T) {
		target := goodTokenFile(t)
		link := filepath.Join(t.TempDir(), "token")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		if _, err := tokenFromFileWithin(t, target); err != nil {
			t.Fatalf("the link's target itself: %v", err)
		}
		if _, err := tokenFromFileWithin(t, link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Fatalf("a symbolic link: %v, want refused as a symbolic link", err)
		}
	})
	t.Run("another owner", func(t *testing.T) {
		if os.Geteuid() != 0 {
			enginetest.SkipOrFail(t, "needs root to give a file to another user")
		}
		path := goodTokenFile(t)
		if err := os.Chown(path, 65534, 65534); err != nil { // nobody
			t.Fatal(err)
		}
		if _, err := tokenFromFileWithin(t, path); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
			t.Fatalf("a file owned by nobody: %v, want refused for its owner", err)
		}
	})
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o666} {
		t.Run("mode "+mode.String(), func(t *testing.T) {
			path := goodTokenFile(t)
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			if _, err := tokenFromFileWithin(t, path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Fatalf("mode %v: %v, want refused with a hint to chmod 600", mode, err)
			}
		})
	}
	t.Run("good file", func(t *testing.T) {
		tok, err := tokenFromFileWithin(t, goodTokenFile(t))
		if err != nil || tok != "c2VjcmV0LXRva2VuLXRoYXQtaXMtbG9uZw" {
			t.Fatalf("a good token file: %q, %v", tok, err)
		}
	})
}
