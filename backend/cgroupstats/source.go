package cgroupstats

import (
	"context"
	"fmt"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// Inspector is what the kernel source asks the engine: where a running
// container's init process is (the Docker adapter's InitProcess, from
// inspect's State.Pid and HostConfig.NetworkMode).
type Inspector interface {
	InitProcess(ctx context.Context, id string) (pid int, hostNetwork bool, err error)
}

// Source is the kernel stats source of one local engine: a stats.Poller.
type Source struct {
	host   *Host
	engine Inspector
}

var _ stats.Poller = (*Source)(nil)

// NewSource reads the containers of engine on host.
func NewSource(host *Host, engine Inspector) *Source {
	return &Source{host: host, engine: engine}
}

// Open inspects a running container and opens its cgroup files.
func (s *Source) Open(ctx context.Context, id string) (stats.Reader, error) {
	pid, hostNet, err := s.engine.InitProcess(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("init process of %s: %w", id, err)
	}
	c, err := s.host.Open(Target{ID: id, PID: pid, HostNetwork: hostNet})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// HostCPU reads the host's CPU time and online CPU count.
func (s *Source) HostCPU() (stats.CPU, error) { return s.host.CPU() }
