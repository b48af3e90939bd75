package enginechoice

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestSaveThenLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Dockpulse", FileName) // the folder does not exist yet
	if err := Save(path, Choice{Contexts: []string{"two", "default", "two"}}); err != nil {
		t.Fatal(err)
	}
	c, found, err := Load(path)
	if err != nil || !found || !slices.Equal(c.Contexts, []string{"default", "two"}) {
		t.Fatalf("Load = %+v, %v, %v; want default and two", c, found, err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != FileName {
		t.Errorf("folder holds %v, want only %s (no temporary file left)", entries, FileName)
	}
	// Every engine switched off is remembered as such, not as no choice.
	if err := Save(path, Choice{}); err != nil {
		t.Fatal(err)
	}
	c, found, err = Load(path)
	if err != nil || !found || c.Contexts == nil || len(c.Contexts) != 0 {
		t.Fatalf("Load after saving none = %+v, %v, %v; want an empty list, found", c, found, err)
	}
}

func TestLoadMissingAndCorrupt(t *testing.T) {
	dir := t.TempDir()
	if _, found, err := Load(filepath.Join(dir, "none.json")); found || err != nil {
		t.Fatalf("a missing file: found %v, %v; want not found, no error", found, err)
	}
	for name, content := range map[string]string{
		"truncated":   `{"contexts":["a"`,
		"not json":    "contexts = a",
		"no list":     `{}`,
		"null list":   `{"contexts":null}`,
		"wrong type":  `{"contexts":"a"}`,
		"empty name":  `{"contexts":["a",""]}`,
		"empty bytes": ``,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, found, err := Load(path)
		if err == nil || found || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: found %v, error %v; want an error naming the file", name, found, err)
		}
	}
}

func TestAtLaunch(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "saved.json")
	if err := Save(saved, Choice{Contexts: []string{"two"}}); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		path      string
		fromFlags bool
		want      []string
		wantOK    bool
		wantLog   string
		wantLevel zapcore.Level
	}{
		{"no file", filepath.Join(dir, "none.json"), false, nil, false, "", 0},
		{"the file", saved, false, []string{"two"}, true, "watching the remembered engines", zapcore.InfoLevel},
		{"flags win", saved, true, nil, false, "the command line's engines win over the remembered choice", zapcore.InfoLevel},
		{"corrupt", corrupt, false, nil, false, "remembered engine choice unreadable: watching the current context", zapcore.ErrorLevel},
		{"corrupt, flags", corrupt, true, nil, false, "the command line's engines win over the remembered choice", zapcore.InfoLevel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			got, ok := AtLaunch(tt.path, tt.fromFlags, zap.New(core))
			if ok != tt.wantOK || !slices.Equal(got, tt.want) {
				t.Errorf("AtLaunch = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
			entries := logs.All()
			if tt.wantLog == "" {
				if len(entries) != 0 {
					t.Errorf("logged %v, want nothing", entries)
				}
				return
			}
			if len(entries) != 1 || entries[0].Message != tt.wantLog || entries[0].Level != tt.wantLevel {
				t.Errorf("logged %+v, want one %v %q", entries, tt.wantLevel, tt.wantLog)
			}
		})
	}
}
