package protocol

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
)

func TestEncodeProducesTheDocumentedEnvelope(t *testing.T) {
	frame, err := Encode(TypeContainerRemove, 42, ContainerRemove{Engine: "local", ID: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":2,"type":"container.remove","seq":42,"data":{"engine":"local","id":"abc"}}`
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
		`{"v":1,"type":"hello","seq":0}`,
		`{"v":2,"seq":0}`,
		`[1,2,3]`,
	} {
		if _, err := Decode([]byte(frame)); err == nil {
			t.Errorf("Decode(%q) accepted", frame)
		}
	}
}

func TestDecodeView(t *testing.T) {
	ok := `{"v":2,"type":"view","seq":0,"data":{"containers":[{"engine":"local","id":"a"},{"engine":"local","id":"b"}]}}`
	v, err := DecodeView([]byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if want := []model.Key{{Engine: "local", ID: "a"}, {Engine: "local", ID: "b"}}; !slices.Equal(v.Containers, want) {
		t.Errorf("containers %+v, want %+v", v.Containers, want)
	}
	empty, err := DecodeView([]byte(`{"v":2,"type":"view","data":{"containers":[]}}`))
	if err != nil || empty.Containers == nil || len(empty.Containers) != 0 {
		t.Errorf("empty view: %+v, %v; want an empty, non-nil list", empty, err)
	}

	var big strings.Builder
	big.WriteString(`{"v":2,"type":"view","data":{"containers":[`)
	for i := range MaxViewContainers + 1 {
		if i > 0 {
			big.WriteString(",")
		}
		fmt.Fprintf(&big, `{"engine":"local","id":"%d"}`, i)
	}
	big.WriteString(`]}}`)
	for name, frame := range map[string]string{
		"another type":      `{"v":2,"type":"hello","data":{"containers":[]}}`,
		"another version":   `{"v":1,"type":"view","data":{"containers":[]}}`,
		"a seq":             `{"v":2,"type":"view","seq":1,"data":{"containers":[]}}`,
		"no data":           `{"v":2,"type":"view"}`,
		"no list":           `{"v":2,"type":"view","data":{}}`,
		"null list":         `{"v":2,"type":"view","data":{"containers":null}}`,
		"unknown field":     `{"v":2,"type":"view","data":{"containers":[],"all":true}}`,
		"unknown key field": `{"v":2,"type":"view","data":{"containers":[{"engine":"local","id":"a","x":1}]}}`,
		"no id":             `{"v":2,"type":"view","data":{"containers":[{"engine":"local"}]}}`,
		"no engine":         `{"v":2,"type":"view","data":{"containers":[{"id":"a"}]}}`,
		"two messages":      `{"v":2,"type":"view","data":{"containers":[]}}{"v":1}`,
		"not an object":     `[]`,
		"too many":          big.String(),
	} {
		if v, err := DecodeView([]byte(frame)); err == nil {
			t.Errorf("%s: accepted as %+v", name, v)
		}
	}
}

func TestDecodeMessage(t *testing.T) {
	a, _ := Encode(TypeContainerRemove, 8, ContainerRemove{Engine: "local", ID: "a"})
	b, _ := Encode(TypeHeartbeat, 8, Heartbeat{Time: 1})
	envs, err := DecodeMessage(append(append(append([]byte{}, a...), Separator), b...))
	if err != nil || len(envs) != 2 || envs[0].Type != TypeContainerRemove || envs[1].Type != TypeHeartbeat {
		t.Fatalf("two envelopes: %+v, %v", envs, err)
	}
	if envs, err := DecodeMessage(a); err != nil || len(envs) != 1 {
		t.Fatalf("one envelope: %+v, %v", envs, err)
	}
	for name, msg := range map[string]string{
		"empty":             "",
		"trailing newline":  string(a) + "\n",
		"blank line":        string(a) + "\n\n" + string(b),
		"one bad envelope":  string(a) + "\n{",
		"a pretty envelope": "{\n\"v\":1,\"type\":\"x\"}",
	} {
		if envs, err := DecodeMessage([]byte(msg)); err == nil {
			t.Errorf("%s: accepted as %+v", name, envs)
		}
	}
}
