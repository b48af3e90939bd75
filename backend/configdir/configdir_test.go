package configdir

import (
	"path/filepath"
	"testing"
)

func TestFileIsInTheAppsFolderOfTheConfigDirectory(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	got, err := File("engines.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "Dockpulse", "engines.json"); got != want {
		t.Errorf("File = %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "")
	if _, err := File("x"); err == nil {
		t.Error("with neither XDG_CONFIG_HOME nor HOME, File found a folder")
	}
}
