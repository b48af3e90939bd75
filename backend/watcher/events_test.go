package watcher

import (
	"testing"

	"github.com/docker/docker/api/types/events"

	"github.com/dockpulse/dockpulse/backend/docker"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		typ    events.Type
		action string
		want   kind
	}{
		{events.ContainerEventType, "create", refresh},
		{events.ContainerEventType, "start", refresh},
		{events.ContainerEventType, "restart", refresh},
		{events.ContainerEventType, "die", refresh},
		{events.ContainerEventType, "oom", refresh},
		{events.ContainerEventType, "pause", refresh},
		{events.ContainerEventType, "unpause", refresh},
		{events.ContainerEventType, "rename", refresh},
		{events.ContainerEventType, "update", refresh},
		{events.ContainerEventType, "health_status: unhealthy", refresh},
		{events.ContainerEventType, "destroy", removed},
		{events.ContainerEventType, "kill", show},
		{events.ContainerEventType, "stop", show},
		{events.ContainerEventType, "exec_start: sh -c true", ignore},
		{events.ContainerEventType, "exec_create: sh", ignore},
		{events.ContainerEventType, "attach", ignore},
		{events.ContainerEventType, "resize", ignore},
		{events.ImageEventType, "delete", show},
		{events.ImageEventType, "destroy", show}, // only a container's destroy removes one
		{events.NetworkEventType, "connect", show},
		{events.DaemonEventType, "reload", show},
	}
	for _, tt := range tests {
		ev := docker.FromEvent("local", events.Message{Type: tt.typ, Action: events.Action(tt.action), Actor: events.Actor{ID: "abc"}})
		if got := classify(ev); got != tt.want {
			t.Errorf("%s %q: kind %d, want %d", tt.typ, tt.action, got, tt.want)
		}
	}
}
