//go:build !windows

package servecmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// TestServeRefusesFIFOTokenFile: a FIFO as --token-file ends start-up at
// once with a clear message; before, opening it blocked forever, deaf to
// SIGTERM.
func TestServeRefusesFIFOTokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		enginetest.SkipOrFail(t, fmt.Sprintf("mkfifo: %v", err))
	}
	t.Cleanup(func() { // lets a blocked open go, should there be one
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	var stdout, stderr syncBuffer
	exited := make(chan int, 1)
	go func() {
		exited <- testCommand.Run(context.Background(), []string{"--token-file", path}, &stdout, &stderr)
	}()
	select {
	case code := <-exited:
		if code != 2 || stdout.String() != "" || !strings.Contains(stderr.String(), "not a regular file") {
			t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, why the file is refused", code, stdout.String(), stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve still starting after 5 s on a FIFO token file")
	}
}
