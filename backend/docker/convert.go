package docker

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/system"

	"github.com/dockpulse/dockpulse/backend/model"
)

// FromInspect converts the engine's inspect answer into a model.Container.
// It tolerates the partial answers old engines give (nil sections).
func FromInspect(engine string, in container.InspectResponse) model.Container {
	c := model.Container{Engine: engine, Labels: map[string]string{}, Ports: []model.Port{}, Mounts: []model.Mount{}}
	if in.ContainerJSONBase != nil {
		b := in.ContainerJSONBase
		c.ID = b.ID
		c.Name = strings.TrimPrefix(b.Name, "/")
		c.ImageID = b.Image
		c.Created = parseTime(b.Created)
		c.RestartCount = b.RestartCount
		c.Command = strings.TrimSpace(strings.Join(append([]string{b.Path}, b.Args...), " "))
		if s := b.State; s != nil {
			c.State = string(s.Status)
			c.ExitCode = s.ExitCode
			c.OOMKilled = s.OOMKilled
			c.Error = s.Error
			c.StartedAt = parseTime(s.StartedAt)
			c.FinishedAt = parseTime(s.FinishedAt)
			if s.Health != nil {
				c.Health = string(s.Health.Status)
			}
		}
		if hc := b.HostConfig; hc != nil {
			c.RestartPolicy = string(hc.RestartPolicy.Name)
			if hc.RestartPolicy.Name == container.RestartPolicyOnFailure && hc.RestartPolicy.MaximumRetryCount > 0 {
				c.RestartPolicy += ":" + strconv.Itoa(hc.RestartPolicy.MaximumRetryCount)
			}
		}
	}
	if cfg := in.Config; cfg != nil {
		c.Image = cfg.Image
		if cfg.StopTimeout != nil {
			t := *cfg.StopTimeout
			c.StopTimeout = &t
		}
		for k, v := range cfg.Labels {
			c.Labels[k] = v
		}
	}
	if ns := in.NetworkSettings; ns != nil {
		for port, bindings := range ns.Ports {
			if len(bindings) == 0 {
				c.Ports = append(c.Ports, model.Port{PrivatePort: uint16(port.Int()), Protocol: port.Proto()})
				continue
			}
			for _, b := range bindings {
				c.Ports = append(c.Ports, model.Port{
					IP:          b.HostIP,
					PrivatePort: uint16(port.Int()),
					PublicPort:  uint16(atoi(b.HostPort)),
					Protocol:    port.Proto(),
				})
			}
		}
		sort.Slice(c.Ports, func(i, j int) bool {
			a, b := c.Ports[i], c.Ports[j]
			if a.PrivatePort != b.PrivatePort {
				return a.PrivatePort < b.PrivatePort
			}
			if a.Protocol != b.Protocol {
				return a.Protocol < b.Protocol
			}
			if a.IP != b.IP {
				return a.IP < b.IP
			}
			return a.PublicPort < b.PublicPort
		})
	}
	for _, m := range in.Mounts {
		c.Mounts = append(c.Mounts, model.Mount{
			Type:        string(m.Type),
			Name:        m.Name,
			Source:      m.Source,
			Destination: m.Destination,
			ReadOnly:    !m.RW,
		})
	}
	return c
}

// FromInfo converts the engine's /info answer. Status fields are the
// caller's to fill.
func FromInfo(engine, host, apiVersion string, in system.Info) model.EngineInfo {
	return model.EngineInfo{
		EngineStatus:  model.EngineStatus{Engine: engine},
		Host:          host,
		Name:          in.Name,
		Version:       in.ServerVersion,
		APIVersion:    apiVersion,
		OS:            in.OperatingSystem,
		Arch:          in.Architecture,
		KernelVersion: in.KernelVersion,
		CPUs:          in.NCPU,
		MemoryTotal:   in.MemTotal,
		Images:        in.Images,
		CgroupVersion: in.CgroupVersion,
	}
}

// podmanRemove is what Podman's Docker-compatible API calls the end of a
// container, which Docker calls "destroy" (docs/engines.md).
const podmanRemove = "remove"

// FromEvent converts an engine event. Health events arrive as
// "health_status: healthy"; the action is normalised to "health_status" and
// the new status kept in the "healthStatus" attribute. Podman's container
// "remove" becomes Docker's "destroy". Which events matter is the
// watcher's decision.
func FromEvent(engine string, m events.Message) model.Event {
	action := string(m.Action)
	attrs := make(map[string]string, len(m.Actor.Attributes)+1)
	for k, v := range m.Actor.Attributes {
		attrs[k] = v
	}
	if rest, ok := strings.CutPrefix(action, "health_status"); ok {
		action = "health_status"
		if s := strings.TrimSpace(strings.TrimPrefix(rest, ":")); s != "" {
			attrs["healthStatus"] = s
		}
	}
	if m.Type == events.ContainerEventType && action == podmanRemove {
		action = "destroy"
	}
	ev := model.Event{
		Engine:     engine,
		Type:       string(m.Type),
		Action:     action,
		ActorID:    m.Actor.ID,
		Name:       m.Actor.Attributes["name"],
		Attributes: attrs,
		TimeNano:   m.TimeNano,
	}
	if ev.TimeNano == 0 && m.Time != 0 {
		ev.TimeNano = m.Time * int64(time.Second)
	}
	return ev
}

func parseTime(s string) int64 {
	if s == "" {
		return 0
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return 0 // the engine writes 0001-01-01T00:00:00Z for "never"
	}
	return t.UnixMilli()
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0 // an unpublished port has no host port
	}
	return n
}
