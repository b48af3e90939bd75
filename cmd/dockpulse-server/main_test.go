package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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

// TestStaticBuilds: CGO_ENABLED=0 builds for every platform the release
// ships, and the Linux one runs its usage as dockpulse-server.
func TestStaticBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles six binaries")
	}
	dir := t.TempDir()
	for _, p := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"} {
		goos, goarch, _ := strings.Cut(p, "/")
		bin := filepath.Join(dir, goos+"-"+goarch)
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("build for %s: %v\n%s", p, err, out)
		}
	}
	host := filepath.Join(dir, "host")
	build := exec.Command("go", "build", "-o", host, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var stderr bytes.Buffer
	help := exec.Command(host, "--help")
	help.Stderr = &stderr
	if err := help.Run(); err == nil || !strings.Contains(stderr.String(), "usage: dockpulse-server [flags]") || !strings.Contains(stderr.String(), "-loopback-hosts") {
		t.Fatalf("dockpulse-server --help: %v, stderr:\n%s\nwant exit 2 and its usage", err, stderr.String())
	}
}
