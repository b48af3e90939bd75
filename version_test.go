package main

import (
	"io"
	"os"
	"testing"
)

// TestVersionFlag prints the version the binary was built as and exits 0,
// before anything desktop starts.
func TestVersionFlag(t *testing.T) {
	old := version
	version = "v9.8.7-test"
	t.Cleanup(func() { version = old })
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	code := runDesktop([]string{"--version"})
	os.Stdout = stdout
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || string(out) != "dockpulse v9.8.7-test\n" {
		t.Fatalf("dockpulse --version: exit %d, printed %q; want 0 and %q", code, out, "dockpulse v9.8.7-test\n")
	}
}
