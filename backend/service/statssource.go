package service

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/cgroupstats"
	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// The stats sources a user may choose (--stats-source).
const (
	// StatsSourceAuto reads the kernel's cgroup files for a local engine on
	// Linux when they are there and readable, compares them with the
	// engine's stats at start and every CheckEvery, and uses the engine's
	// stats everywhere else or once they disagree.
	StatsSourceAuto = "auto"
	// StatsSourceKernel reads the kernel's files without comparing them
	// with the engine, for each engine on this host (a unix socket); a
	// remote engine (ssh://, tcp://, a named pipe) uses the engine's stats,
	// with a warning that names it and says why. The service does not start
	// where the files of a local engine cannot be read, and falls back to
	// the engine only if they fail later.
	StatsSourceKernel = "kernel"
	// StatsSourceEngine uses the engine's stats API only.
	StatsSourceEngine = "engine"
)

// CheckEvery is how often StatsSourceAuto compares one kernel sample with
// one engine sample of the same container (see stats.Agree for the
// tolerance). The first comparison is made within seconds of the start.
const CheckEvery = 10 * time.Minute

// procRoot is where the kernel source finds /proc.
const procRoot = "/proc"

// CheckStatsSource accepts the stats sources a user may choose, and "" (the
// zero value of Config.StatsSource, meaning StatsSourceEngine).
func CheckStatsSource(source string) error {
	switch source {
	case "", StatsSourceAuto, StatsSourceKernel, StatsSourceEngine:
		return nil
	}
	return fmt.Errorf("stats source %q: want %q, %q or %q", source, StatsSourceAuto, StatsSourceKernel, StatsSourceEngine)
}

// kernelSource opens the kernel source for the engine at host, as source
// asks. It returns a nil host when the engine's stats are to be used, and
// why (for the log); an error only when the user asked for the kernel
// source for an engine on this host and its files cannot be read. A remote
// engine's containers have their cgroup files on its own host, so it uses
// the engine's stats whatever the source.
func kernelSource(source, host string) (*cgroupstats.Host, string, error) {
	if source == "" || source == StatsSourceEngine {
		return nil, "chosen", nil
	}
	if !strings.HasPrefix(host, "unix://") {
		return nil, fmt.Sprintf("the engine at %s is not on this host: its containers' cgroup files are on its own", host), nil
	}
	var why error
	if runtime.GOOS != "linux" {
		why = fmt.Errorf("the kernel's cgroup files are Linux's; this is %s", runtime.GOOS)
	}
	if why == nil {
		h, err := cgroupstats.OpenHost(procRoot)
		if err == nil {
			return h, "", nil
		}
		why = err
	}
	if source == StatsSourceKernel {
		return nil, "", fmt.Errorf("stats source kernel: %w", why)
	}
	return nil, why.Error(), nil
}

// withStatsSource wires the kernel source, if there is one, into the
// collector's config, and makes the fall back to the engine show in the
// engine's info.
func withStatsSource(cfg stats.Config, source string, host *cgroupstats.Host, dc *docker.Client, engineInfo func() (model.EngineInfo, bool), setInfo func(model.EngineInfo)) stats.Config {
	if host == nil {
		return cfg
	}
	cfg.Poller = cgroupstats.NewSource(host, dc)
	if source == StatsSourceAuto && cfg.Check == 0 {
		cfg.Check = CheckEvery
	}
	cfg.OnSource = func(src string, _ error) {
		if info, ok := engineInfo(); ok {
			info.StatsSource = src
			setInfo(info)
		}
	}
	return cfg
}

// statsInfoEngine is the Docker adapter as the watcher sees it, with the
// collector's stats source in the engine's info.
type statsInfoEngine struct {
	*docker.Client
	col *stats.Collector
}

func (e statsInfoEngine) Info(ctx context.Context) (model.EngineInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, InfoTimeout)
	defer cancel()
	info, err := e.Client.Info(ctx)
	if err != nil {
		return info, err
	}
	info.StatsSource = e.col.Source()
	return info, nil
}

// logStatsSource says which stats source the engine (log names it) starts
// with, and why not the kernel's where it could have been: a warning where
// the user asked for the kernel's.
func logStatsSource(log *zap.Logger, source string, host *cgroupstats.Host, why string) {
	switch {
	case host != nil:
		log.Info("stats from the kernel's cgroup files", zap.String("statsSource", source))
	case source == StatsSourceAuto:
		log.Info("stats from the engine", zap.String("statsSource", source), zap.String("why", why))
	case source == StatsSourceKernel:
		log.Warn("stats from the engine, not the kernel's cgroup files as asked", zap.String("statsSource", source), zap.String("why", why))
	}
}

// closeKernel closes the kernel source's host files, if it has them.
func closeKernel(h *cgroupstats.Host) error {
	if h == nil {
		return nil
	}
	return h.Close()
}
