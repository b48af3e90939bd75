package notify

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestIconFileIsWrittenOnceInTheCacheDirectory(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	icon := []byte("\x89PNG first")
	path, err := iconFile(icon)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, "Dockpulse", iconFileName); path != want {
		t.Errorf("icon file %q, want %q", path, want)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != string(icon) {
		t.Fatalf("icon file holds %q, %v; want %q", got, err, icon)
	}

	// The same bytes again: the file is not replaced.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if again, err := iconFile(icon); err != nil || again != path {
		t.Fatalf("second iconFile = %q, %v", again, err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("the icon file was rewritten with the same bytes (%v)", err)
	}

	// Other bytes (a new version's icon): replaced.
	if _, err := iconFile([]byte("\x89PNG second")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "\x89PNG second" {
		t.Errorf("after a new icon the file holds %q, %v", got, err)
	}
}

func TestIconFileWithoutCacheDirectorySaysWhy(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if path, err := iconFile([]byte("x")); err == nil {
		t.Errorf("with neither XDG_CACHE_HOME nor HOME, iconFile wrote %q", path)
	}
}
