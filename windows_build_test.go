package main

import (
	"archive/zip"
	"bytes"
	"debug/pe"
	"io"
	"os"
	"testing"
)

// EnvWindowsZip names the Windows build's zip (make windows) for
// TestWindowsBuild.
const EnvWindowsZip = "DOCKPULSE_WINDOWS_ZIP"

// TestWindowsBuild opens the zip make windows made: it must hold
// dockpulse.exe alone, a 64-bit x86 Windows GUI program (no console window
// opens beside it).
func TestWindowsBuild(t *testing.T) {
	path := os.Getenv(EnvWindowsZip)
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must check the Windows build (make test sets it)", EnvWindowsZip)
		}
		t.Skipf("set %s to the zip from make windows to check it", EnvWindowsZip)
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if len(z.File) != 1 || z.File[0].Name != "dockpulse.exe" {
		names := make([]string, len(z.File))
		for i, f := range z.File {
			names[i] = f.Name
		}
		t.Fatalf("%s holds %q, want only dockpulse.exe", path, names)
	}
	r, err := z.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := pe.NewFile(bytes.NewReader(exe))
	if err != nil {
		t.Fatalf("dockpulse.exe is not a Windows program: %v", err)
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("dockpulse.exe is for machine %#x, want amd64", f.Machine)
	}
	opt, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || opt.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("dockpulse.exe is not a 64-bit GUI program (optional header %T)", f.OptionalHeader)
	}
}
