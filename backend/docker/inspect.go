package docker

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/errdefs"

	"github.com/dockpulse/dockpulse/backend/model"
)

// FullInspect returns everything the detail panel shows of one container,
// with the engine's inspect answer as it was sent, within the model's
// limits. The ID or name is checked first, as for actions; a container that
// does not exist is ErrNotFound. The answer holds the environment's values:
// never log it.
func (c *Client) FullInspect(ctx context.Context, id string) (model.Inspect, error) {
	if !validRef.MatchString(id) {
		return model.Inspect{}, fmt.Errorf("inspect %q: %w: not a container ID or name", id, model.ErrInvalid)
	}
	in, raw, err := c.cli.ContainerInspectWithRaw(ctx, id, false)
	if err != nil {
		if errdefs.IsNotFound(err) {
			return model.Inspect{}, fmt.Errorf("inspect %s: %w on engine %q", shortID(id), ErrNotFound, c.engine)
		}
		return model.Inspect{}, fmt.Errorf("inspect %s: %w", shortID(id), classify(err))
	}
	return FromFullInspect(c.engine, in, raw).Bound(), nil
}

// FromFullInspect converts the engine's inspect answer, and keeps raw, the
// answer's text, beside it. It tolerates the partial answers old engines
// give (nil sections).
func FromFullInspect(engine string, in container.InspectResponse, raw []byte) model.Inspect {
	c := FromInspect(engine, in)
	out := model.Inspect{
		Engine: engine, ID: c.ID, Name: c.Name, Image: c.Image,
		State: c.State, Created: c.Created, StartedAt: c.StartedAt, FinishedAt: c.FinishedAt,
		ExitCode: c.ExitCode, OOMKilled: c.OOMKilled, Error: c.Error, RestartCount: c.RestartCount,
		RestartPolicy: string(container.RestartPolicyDisabled),
		Env:           []model.EnvVar{}, Networks: []model.NetworkLink{},
		Raw: string(raw),
	}
	if b := in.ContainerJSONBase; b != nil && b.HostConfig != nil {
		hc := b.HostConfig
		if hc.RestartPolicy.Name != "" {
			out.RestartPolicy = string(hc.RestartPolicy.Name)
		}
		if hc.RestartPolicy.IsOnFailure() && hc.RestartPolicy.MaximumRetryCount > 0 {
			out.RestartRetries = hc.RestartPolicy.MaximumRetryCount
		}
		out.NetworkMode = string(hc.NetworkMode)
		out.Limits = limitsOf(hc.Resources)
	}
	if cfg := in.Config; cfg != nil {
		out.StopSignal = cfg.StopSignal
		if cfg.StopTimeout != nil {
			t := *cfg.StopTimeout
			out.StopTimeout = &t
		}
		for _, kv := range cfg.Env {
			name, value, _ := strings.Cut(kv, "=")
			out.Env = append(out.Env, model.EnvVar{Name: name, Value: value})
		}
	}
	out.Healthcheck = healthcheckOf(in)
	if ns := in.NetworkSettings; ns != nil {
		for name, ep := range ns.Networks {
			if ep == nil {
				continue
			}
			out.Networks = append(out.Networks, model.NetworkLink{
				Name: name, NetworkID: ep.NetworkID,
				IPAddress: ep.IPAddress, PrefixLen: ep.IPPrefixLen, Gateway: ep.Gateway,
				IPv6Address: ep.GlobalIPv6Address, IPv6Gateway: ep.IPv6Gateway,
				MacAddress: ep.MacAddress, Aliases: append([]string{}, ep.Aliases...),
			})
		}
		sort.Slice(out.Networks, func(i, j int) bool { return out.Networks[i].Name < out.Networks[j].Name })
	}
	return out
}

// limitsOf keeps the limits that are set; the engine writes 0 (and for
// quotas and pids also -1) for "none".
func limitsOf(r container.Resources) model.Limits {
	positive := func(v int64) int64 { return max(v, 0) }
	l := model.Limits{
		NanoCPUs:          positive(r.NanoCPUs),
		CPUQuota:          positive(r.CPUQuota),
		CPUPeriod:         positive(r.CPUPeriod),
		CpusetCPUs:        r.CpusetCpus,
		CpusetMems:        r.CpusetMems,
		CPUShares:         positive(r.CPUShares),
		Memory:            positive(r.Memory),
		MemoryReservation: positive(r.MemoryReservation),
		MemorySwap:        max(r.MemorySwap, -1),
	}
	if r.PidsLimit != nil {
		l.PidsLimit = positive(*r.PidsLimit)
	}
	return l
}

// healthcheckOf returns the container's health check and its results, or
// nil when it has none: none configured, or disabled ("NONE"), and no
// results either.
func healthcheckOf(in container.InspectResponse) *model.Healthcheck {
	var cfg *container.HealthConfig
	if in.Config != nil {
		cfg = in.Config.Healthcheck
	}
	var state *container.Health
	if b := in.ContainerJSONBase; b != nil && b.State != nil {
		state = b.State.Health
	}
	disabled := cfg == nil || len(cfg.Test) == 0 || cfg.Test[0] == "NONE"
	if disabled && state == nil {
		return nil
	}
	h := &model.Healthcheck{Test: []string{}, Log: []model.HealthResult{}}
	if cfg != nil {
		h.Test = append(h.Test, cfg.Test...)
		h.IntervalMs, h.TimeoutMs = cfg.Interval.Milliseconds(), cfg.Timeout.Milliseconds()
		h.StartPeriodMs, h.StartIntervalMs = cfg.StartPeriod.Milliseconds(), cfg.StartInterval.Milliseconds()
		h.Retries = cfg.Retries
	}
	if state != nil {
		h.Status, h.FailingStreak = string(state.Status), state.FailingStreak
		for _, r := range state.Log {
			if r == nil {
				continue
			}
			h.Log = append(h.Log, model.HealthResult{
				Start: unixMilli(r.Start), End: unixMilli(r.End), ExitCode: r.ExitCode, Output: r.Output,
			})
		}
	}
	return h
}

// unixMilli is t in Unix milliseconds, 0 for the zero time.
func unixMilli(t time.Time) int64 {
	if t.IsZero() || t.Year() <= 1 {
		return 0
	}
	return t.UnixMilli()
}
