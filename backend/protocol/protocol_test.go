package protocol

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
)

func TestEncodeProducesTheDocumentedEnvelope(t *testing.T) {
	frame, err := Encode(TypeContainerRemove, 42, ContainerRemove{Engine: "local", ID: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"type":"container.remove","seq":42,"data":{"engine":"local","id":"abc"}}`
	if string(frame) != want {
		t.Fatalf("got  %s\nwant %s", frame, want)
	}
	env, err := Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	if env.Type != TypeContainerRemove || env.Seq != 42 || string(env.Data) != `{"engine":"local","id":"abc"}` {
		t.Fatalf("decoded %+v", env)
	}
}

// TestFieldNames pins the JSON names the frontend and docs/protocol.md use.
func TestFieldNames(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want []string
	}{
		{"container", model.Container{}, []string{`"engine"`, `"id"`, `"name"`, `"image"`, `"imageId"`, `"command"`, `"created"`, `"state"`, `"exitCode"`, `"oomKilled"`, `"startedAt"`, `"finishedAt"`, `"restartCount"`, `"ports"`, `"mounts"`, `"labels"`}},
		{"stats", model.Stats{}, []string{`"read"`, `"cpuPercent"`, `"onlineCpus"`, `"memoryUsage"`, `"memoryLimit"`, `"memoryPercent"`, `"networkRx"`, `"networkTx"`, `"blockRead"`, `"blockWrite"`, `"pids"`}},
		{"engine", model.EngineInfo{}, []string{`"engine"`, `"status"`, `"since"`, `"host"`, `"version"`, `"apiVersion"`, `"cpus"`, `"memoryTotal"`, `"images"`}},
		{"event", model.Event{}, []string{`"type"`, `"action"`, `"actorId"`, `"timeNano"`, `"sentNano"`}},
		{"hello", Hello{}, []string{`"server"`, `"version"`, `"protocol"`, `"heartbeatMs"`, `"statsIntervalMs"`}},
		{"snapshot", Snapshot{}, []string{`"seq"`, `"engines"`, `"containers"`, `"stats"`, `"events"`}},
		{"stats batch", StatsBatch{}, []string{`"samples"`}},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range tt.want {
			if !strings.Contains(string(b), field+":") {
				t.Errorf("%s: %s lacks %s", tt.name, b, field)
			}
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, frame := range []string{
		``,
		`not json`,
		`{"v":2,"type":"hello","seq":0}`,
		`{"v":1,"seq":0}`,
		`[1,2,3]`,
	} {
		if _, err := Decode([]byte(frame)); err == nil {
			t.Errorf("Decode(%q) accepted", frame)
		}
	}
}
