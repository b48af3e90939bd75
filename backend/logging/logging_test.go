package logging

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func TestResolveLevel(t *testing.T) {
	tests := []struct {
		flag, env string
		want      zapcore.Level
		wantErr   bool
	}{
		{"", "", zapcore.InfoLevel, false},
		{"debug", "error", zapcore.DebugLevel, false},
		{"", "WARN", zapcore.WarnLevel, false},
		{"loud", "", 0, true},
	}
	for _, tt := range tests {
		t.Setenv(EnvLevel, tt.env)
		got, err := ResolveLevel(tt.flag)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ResolveLevel(%q) with env %q = %v, %v; want %v, error %v", tt.flag, tt.env, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFileReceivesStructuredEntriesAtLevel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dockpulse.log")
	log, closeLog, err := New(Options{Level: "warn", File: path})
	if err != nil {
		t.Fatal(err)
	}
	log.With(zap.String("component", "store")).Info("hidden")
	log.With(zap.String("component", "store")).Warn("shown", zap.Int("n", 3))
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 1 {
		t.Fatalf("log file has %d lines, want 1:\n%s", len(lines), data)
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &entry); err != nil {
		t.Fatalf("entry is not JSON: %v", err)
	}
	if entry["msg"] != "shown" || entry["component"] != "store" || entry["n"] != float64(3) {
		t.Fatalf("entry = %v", entry)
	}
}
