package docker

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
)

func TestFromEvent(t *testing.T) {
	tests := []struct {
		typ        events.Type
		action     string
		wantAction string
	}{
		{events.ContainerEventType, "start", "start"},
		{events.ContainerEventType, "health_status: unhealthy", "health_status"},
		{events.ContainerEventType, "destroy", "destroy"},
		{events.ContainerEventType, "remove", "destroy"}, // Podman
		{events.ImageEventType, "remove", "remove"},      // Podman's image removal stays as it is
		{events.ContainerEventType, "exec_start: sh -c true", "exec_start: sh -c true"},
		{events.ImageEventType, "delete", "delete"},
		{events.NetworkEventType, "connect", "connect"},
	}
	for _, tt := range tests {
		ev := FromEvent("local", events.Message{Type: tt.typ, Action: events.Action(tt.action),
			Actor: events.Actor{ID: "abc", Attributes: map[string]string{"name": "web"}}, TimeNano: 42})
		if ev.Action != tt.wantAction || ev.Type != string(tt.typ) || ev.ActorID != "abc" || ev.Name != "web" || ev.TimeNano != 42 || ev.Engine != "local" {
			t.Errorf("%s %q: got action %q (%+v), want %q", tt.typ, tt.action, ev.Action, ev, tt.wantAction)
		}
	}
	ev := FromEvent("local", events.Message{Type: events.ContainerEventType, Action: "health_status: healthy"})
	if ev.Attributes["healthStatus"] != "healthy" {
		t.Errorf("health attribute = %q, want healthy", ev.Attributes["healthStatus"])
	}
	ev = FromEvent("local", events.Message{Type: events.ContainerEventType, Action: "start", Time: 7})
	if ev.TimeNano != 7e9 {
		t.Errorf("TimeNano from seconds = %d, want 7e9", ev.TimeNano)
	}
}

// inspectJSON is trimmed from a Docker 20.10 answer.
const inspectJSON = `{
 "Id": "c0ffee", "Created": "2026-11-20T10:00:00.123456789Z", "Path": "sleep", "Args": ["3600"],
 "State": {"Status": "exited", "Running": false, "OOMKilled": true, "ExitCode": 137, "Error": "",
   "StartedAt": "2026-11-20T10:00:01Z", "FinishedAt": "2026-11-20T10:05:00Z",
   "Health": {"Status": "unhealthy", "FailingStreak": 3}},
 "Image": "sha256:abc", "Name": "/web-1", "RestartCount": 2,
 "HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}},
 "Mounts": [{"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data", "Destination": "/data", "RW": false}],
 "Config": {"Image": "busybox:latest", "Labels": {"com.docker.compose.project": "shop"}},
 "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}], "53/udp": null}}
}`

func TestFromInspect(t *testing.T) {
	var in container.InspectResponse
	if err := json.Unmarshal([]byte(inspectJSON), &in); err != nil {
		t.Fatal(err)
	}
	c := FromInspect("local", in)
	checks := []struct {
		field     string
		got, want any
	}{
		{"ID", c.ID, "c0ffee"},
		{"Name", c.Name, "web-1"},
		{"Image", c.Image, "busybox:latest"},
		{"ImageID", c.ImageID, "sha256:abc"},
		{"Command", c.Command, "sleep 3600"},
		{"State", c.State, "exited"},
		{"ExitCode", c.ExitCode, 137},
		{"OOMKilled", c.OOMKilled, true},
		{"Health", c.Health, "unhealthy"},
		{"Created", c.Created, int64(1795168800123)},
		{"StartedAt", c.StartedAt, int64(1795168801000)},
		{"RestartCount", c.RestartCount, 2},
		{"RestartPolicy", c.RestartPolicy, "on-failure:5"},
		{"Ports", fmt.Sprint(c.Ports), "[{ 53 0 udp} {127.0.0.1 80 8080 tcp}]"},
		{"Mounts", fmt.Sprint(c.Mounts), "[{volume data /var/lib/docker/volumes/data/_data /data true}]"},
		{"Labels", c.Labels["com.docker.compose.project"], "shop"},
	}
	for _, ch := range checks {
		if fmt.Sprint(ch.got) != fmt.Sprint(ch.want) {
			t.Errorf("%s = %v, want %v", ch.field, ch.got, ch.want)
		}
	}
}

func TestFromInspectNeverStarted(t *testing.T) {
	in := container.InspectResponse{ContainerJSONBase: &container.ContainerJSONBase{
		ID: "x", Name: "/x", State: &container.State{Status: "created", StartedAt: "0001-01-01T00:00:00Z"},
	}}
	c := FromInspect("local", in)
	if c.StartedAt != 0 || c.State != "created" || c.Labels == nil || c.Ports == nil || c.Mounts == nil {
		t.Fatalf("got %+v", c)
	}
}
