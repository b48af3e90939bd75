// Package docker adapts the Docker Engine SDK to what Dockpulse needs: the
// container list, inspect, engine info, the event stream and per-container
// stats streams, all converted to backend/model types. It holds no state of
// its own beyond the SDK client.
package docker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/client"
	"github.com/docker/docker/errdefs"

	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// ErrNotFound reports that a container no longer exists (model.ErrNotFound).
var ErrNotFound = model.ErrNotFound

// inspectParallelism bounds the concurrent inspect calls of a full list, so a
// thousand containers neither take a thousand round trips in a row nor flood
// the engine.
const inspectParallelism = 8

// Client talks to one engine.
type Client struct {
	engine string
	host   string // the endpoint as people see it (engines.Endpoint.Display)
	cli    *client.Client
}

// New connects lazily to the engine at ep (see backend/engines), negotiating
// the API version, and names it ep.Name in every key it returns. extra
// options come after the endpoint's.
func New(ep engines.Endpoint, extra ...client.Opt) (*Client, error) {
	opts, err := ep.ClientOpts()
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	opts = append(append(opts, client.WithAPIVersionNegotiation()), extra...)
	cli, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker client for %s: %w", ep, err)
	}
	return &Client{engine: ep.Name, host: ep.Display(), cli: cli}, nil
}

// Engine is the name this client gives its engine.
func (c *Client) Engine() string { return c.engine }

// Host is the endpoint the client talks to, as its context names it
// (unix://, npipe://, tcp:// or ssh://, without a password).
func (c *Client) Host() string { return c.host }

// Close releases the client's connections.
func (c *Client) Close() error { return c.cli.Close() }

// Info describes the engine; it doubles as the liveness check.
func (c *Client) Info(ctx context.Context) (model.EngineInfo, error) {
	in, err := c.cli.Info(ctx)
	if err != nil {
		return model.EngineInfo{}, fmt.Errorf("engine info: %w", err)
	}
	return FromInfo(c.engine, c.Host(), c.cli.ClientVersion(), in), nil
}

// Inspect returns one container, or ErrNotFound.
func (c *Client) Inspect(ctx context.Context, id string) (model.Container, error) {
	in, err := c.inspect(ctx, id)
	if err != nil {
		return model.Container{}, err
	}
	return FromInspect(c.engine, in), nil
}

// inspect asks the engine about one container; ErrNotFound if it is gone.
func (c *Client) inspect(ctx context.Context, id string) (container.InspectResponse, error) {
	in, err := c.cli.ContainerInspect(ctx, id)
	if err != nil {
		if errdefs.IsNotFound(err) {
			return in, fmt.Errorf("inspect %s: %w", id, ErrNotFound)
		}
		return in, fmt.Errorf("inspect %s: %w", id, err)
	}
	return in, nil
}

// List returns every container (as `docker ps -a`), inspected, sorted by ID.
// A container removed between the list and its inspect is left out.
func (c *Client) List(ctx context.Context) ([]model.Container, error) {
	summaries, err := c.cli.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := make([]model.Container, len(summaries))
	found := make([]bool, len(summaries))
	errs := make([]error, len(summaries))
	var wg sync.WaitGroup
	sem := make(chan struct{}, inspectParallelism)
	for i, s := range summaries {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctr, err := c.Inspect(ctx, s.ID)
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				errs[i] = err
			default:
				out[i], found[i] = ctr, true
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	list := out[:0]
	for i := range out {
		if found[i] {
			list = append(list, out[i])
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list, nil
}

// Events subscribes to the engine's events from since on (inclusive, in the
// engine's clock; see Clock), past ones first: the engine replays what it
// still holds. With a non-zero until the stream holds only the events up to
// until (inclusive) and ends after them with io.EOF; without, it goes on
// live. One error is sent when the stream ends for any reason (ctx
// cancelled, engine gone, io.EOF).
//
// Docker Engine holds its last 256 events in memory (eventsLimit in moby's
// daemon/events), since it started: older ones, and those of an earlier run
// of the daemon, are gone. Podman reads its events log, which can reach
// further back.
//
// Call it only after another call has succeeded: the SDK (v28.5.2) reads
// the negotiated API version here without its lock, which races with a
// negotiation running in another goroutine.
func (c *Client) Events(ctx context.Context, since, until time.Time) (<-chan events.Message, <-chan error) {
	opts := events.ListOptions{Since: engineTime(since)}
	if !until.IsZero() {
		opts.Until = engineTime(until)
	}
	return c.cli.Events(ctx, opts)
}

// engineTime writes t as the API's since and until want it, to the
// nanosecond.
func engineTime(t time.Time) string {
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}

// Clock reads the engine's own time: event times are the engine's, so a
// boundary between past and live events must be drawn in its clock, not
// this host's.
func (c *Client) Clock(ctx context.Context) (time.Time, error) {
	in, err := c.cli.Info(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("engine clock: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, in.SystemTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("engine clock: system time %q: %w", in.SystemTime, err)
	}
	return t, nil
}

// The collector finds out by a type assertion whether its source can take
// one-shot samples, so a signature drifting here would silently turn
// background sampling off: the compiler checks it instead.
var _ stats.OneShotSource = (*Client)(nil)

// StreamStats opens the engine's 1 Hz stats stream for a container.
func (c *Client) StreamStats(ctx context.Context, id string) (stats.Stream, error) {
	resp, err := c.cli.ContainerStats(ctx, id, true)
	if err != nil {
		return nil, fmt.Errorf("stats %s: %w", id, err)
	}
	return newJSONStream(id, resp.Body), nil
}

// SampleOnce takes one sample without a stream (the engine's one-shot
// mode), which makes the Client a stats.OneShotSource for background
// sampling of containers no client is looking at.
func (c *Client) SampleOnce(ctx context.Context, id string) (stats.Sample, error) {
	resp, err := c.cli.ContainerStatsOneShot(ctx, id)
	if err != nil {
		return stats.Sample{}, fmt.Errorf("stats %s: %w", id, err)
	}
	defer resp.Body.Close()
	v, err := decodeSample(resp.Body)
	if err != nil {
		return stats.Sample{}, fmt.Errorf("stats %s: %w", id, err)
	}
	return v, nil
}

// InitProcess returns a running container's init process as the host sees
// it, and whether it shares the host's network, for the kernel stats source
// (backend/cgroupstats). A container that is not running has no process: an
// error.
func (c *Client) InitProcess(ctx context.Context, id string) (pid int, hostNetwork bool, err error) {
	in, err := c.inspect(ctx, id)
	if err != nil {
		return 0, false, err
	}
	if in.ContainerJSONBase == nil || in.State == nil || !in.State.Running || in.State.Pid <= 0 {
		return 0, false, fmt.Errorf("inspect %s: the container is not running", id)
	}
	if hc := in.HostConfig; hc != nil {
		hostNetwork = hc.NetworkMode.IsHost()
	}
	return in.State.Pid, hostNetwork, nil
}
