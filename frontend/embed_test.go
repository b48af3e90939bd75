package frontend

import (
	"bytes"
	"io/fs"
	"testing"
)

// probeMarker is FRAME_PROBE_MARKER in src/probe/frames.ts: it is in the
// bundle exactly when the frame probe is.
const probeMarker = "dockpulse-frame-probe"

// TestFrameProbeOnlyInItsBuild checks the embedded UI: the shipped one
// (dist, from npm run build) must hold no trace of the desktop benchmark's
// frame probe, and the frameprobe build's must hold it.
func TestFrameProbeOnlyInItsBuild(t *testing.T) {
	ui, err := UI()
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	files := 0
	err = fs.WalkDir(ui, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := fs.ReadFile(ui, path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(probeMarker)) {
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("the embedded UI is empty: build it first (npm run build)")
	}
	if withFrameProbe && len(found) == 0 {
		t.Errorf("the frameprobe build's UI holds no frame probe (%q in none of %d files): build it with npx vite build --mode frameprobe", probeMarker, files)
	}
	if !withFrameProbe && len(found) > 0 {
		t.Errorf("the shipped UI holds the benchmark's frame probe (%q) in %v", probeMarker, found)
	}
}
