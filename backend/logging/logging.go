// Package logging builds Dockpulse's zap logger: structured, to stderr, and
// optionally to a log file as JSON lines. Components derive their own logger
// with a "component" field.
package logging

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/dockpulse/dockpulse/backend/configdir"
)

// EnvLevel is the environment variable that sets the level when no flag does.
const EnvLevel = "DOCKPULSE_LOG_LEVEL"

// maxFileSize is the size past which the log file is rotated, at start and
// while running, so an installation keeps at most two files of about this
// size (the current one and one older) whatever is logged: a flood of
// entries costs disk space once, never without bound.
const maxFileSize = 10 << 20

// Options say where logs go.
type Options struct {
	// Level is debug, info, warn or error. Empty: $DOCKPULSE_LOG_LEVEL, else info.
	Level string
	// File, when set, also receives every entry as JSON.
	File string
	// Writer receives the human-readable log. Default os.Stderr.
	Writer io.Writer
}

// ResolveLevel picks the level: the flag's value, else the environment's, else info.
func ResolveLevel(flag string) (zapcore.Level, error) {
	s := flag
	if s == "" {
		s = os.Getenv(EnvLevel)
	}
	if s == "" {
		return zapcore.InfoLevel, nil
	}
	var l zapcore.Level
	if err := l.UnmarshalText([]byte(strings.ToLower(s))); err != nil {
		return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// New builds the logger. close flushes and closes the file.
func New(opts Options) (log *zap.Logger, close func() error, err error) {
	level, err := ResolveLevel(opts.Level)
	if err != nil {
		return nil, nil, err
	}
	out := opts.Writer
	if out == nil {
		out = os.Stderr
	}
	consoleCfg := zap.NewDevelopmentEncoderConfig()
	consoleCfg.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
	cores := []zapcore.Core{
		zapcore.NewCore(zapcore.NewConsoleEncoder(consoleCfg), zapcore.Lock(zapcore.AddSync(out)), level),
	}
	closeFile := func() error { return nil }
	if opts.File != "" {
		f, err := openLogFile(opts.File)
		if err != nil {
			return nil, nil, err
		}
		closeFile = f.Close
		cores = append(cores, zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.Lock(zapcore.AddSync(f)), level))
	}
	log = zap.New(zapcore.NewTee(cores...), zap.AddCaller())
	return log, func() error {
		_ = log.Sync() // stderr cannot be synced on every platform; nothing to report
		return closeFile()
	}, nil
}

// DefaultFile is the desktop app's log file in the user's config directory.
func DefaultFile() (string, error) {
	return configdir.File("dockpulse.log")
}

// openLogFile opens the log file for appending, rotated by size by
// lumberjack: past maxFileSize it is renamed with a timestamp
// (dockpulse-2006-01-02T15-04-05.000.log) and a new one started, and only
// the newest such backup is kept. New files are created with mode 0600.
func openLogFile(path string) (*lumberjack.Logger, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	f := &lumberjack.Logger{Filename: path, MaxSize: maxFileSize >> 20, MaxBackups: 1}
	// lumberjack opens on the first write: an empty one opens (or rotates)
	// now, so a file that cannot be written is reported at start.
	if _, err := f.Write(nil); err != nil {
		return nil, fmt.Errorf("open log file: %w", err)
	}
	return f, nil
}
