package frontend

import (
	"bytes"
	"io/fs"
	"path"
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

// TestSearchWorkerEmbedded checks that the embedded UI holds the logs
// search's worker (src/ui/logs/regex.worker.ts, its own file in assets/)
// and that the page's script names that file: the desktop app and the
// serve command serve only what is embedded.
func TestSearchWorkerEmbedded(t *testing.T) {
	ui, err := UI()
	if err != nil {
		t.Fatal(err)
	}
	workers, err := fs.Glob(ui, "assets/regex.worker-*.js")
	if err != nil {
		t.Fatal(err)
	}
	if len(workers) != 1 {
		t.Fatalf("the embedded UI holds %d search workers (assets/regex.worker-*.js): %v; build it first (npm run build)", len(workers), workers)
	}
	name := path.Base(workers[0])
	scripts, err := fs.Glob(ui, "assets/index-*.js")
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, s := range scripts {
		data, err := fs.ReadFile(ui, s)
		if err != nil {
			t.Fatal(err)
		}
		named = named || bytes.Contains(data, []byte(name))
	}
	if !named {
		t.Errorf("no page script of %v names the search worker %s", scripts, name)
	}
}
