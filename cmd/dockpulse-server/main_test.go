package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoDesktopLayer: nothing in dockpulse-server's dependency graph is the
// desktop layer (Wails, and through it GTK and WebKitGTK).
func TestNoDesktopLayer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "wailsapp") {
			t.Errorf("dockpulse-server depends on %s", pkg)
		}
	}
}

// TestStaticBuild: with CGO_ENABLED=0 the binary is static (no ELF
// interpreter, no shared library), and runs its usage as dockpulse-server.
// make package builds it for every platform it ships.
func TestStaticBuild(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "dockpulse-server")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		libs, err := f.ImportedLibraries()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("the binary names an ELF interpreter: it is dynamically linked")
			}
		}
		if len(libs) > 0 {
			t.Errorf("the binary needs shared libraries %q", libs)
		}
	}
	var stderr bytes.Buffer
	help := exec.Command(bin, "--help")
	help.Stderr = &stderr
	if err := help.Run(); err == nil || !strings.Contains(stderr.String(), "usage: dockpulse-server [flags]") || !strings.Contains(stderr.String(), "-loopback-hosts") {
		t.Fatalf("dockpulse-server --help: %v, stderr:\n%s\nwant exit 2 and its usage", err, stderr.String())
	}
}
