// Package modeltest makes the model values that tests of the limits need:
// the largest an engine could send.
package modeltest

import (
	"fmt"
	"strings"

	"github.com/dockpulse/dockpulse/backend/model"
)

// Hostile is a string far over every limit, of the characters that cost
// most to encode (escaped HTML and controls, invalid UTF-8, U+2028).
var Hostile = strings.Repeat("<\u2028\xff\x01é", 8<<10)

// HostileMap has more and larger entries than any limit allows.
func HostileMap() map[string]string {
	m := map[string]string{}
	for i := range 400 {
		m[fmt.Sprintf("%s%d", Hostile[:i%50], i)] = Hostile[:200+i%400]
	}
	m[Hostile] = Hostile
	return m
}

// Container returns a running container whose every field is over its
// limit; n makes its ID unique.
func Container(engine string, n int) model.Container {
	ports := make([]model.Port, 1000)
	for i := range ports {
		ports[i] = model.Port{IP: Hostile[:i%100], PrivatePort: 65535, PublicPort: 65535, Protocol: Hostile[:i%100]}
	}
	mounts := make([]model.Mount, 1000)
	for i := range mounts {
		mounts[i] = model.Mount{Type: Hostile, Name: Hostile, Source: Hostile[:i%1000], Destination: Hostile[:i%1000], ReadOnly: true}
	}
	return model.Container{
		Engine: engine, ID: fmt.Sprintf("%d%s", n, Hostile), Name: Hostile, Image: Hostile, ImageID: Hostile, Command: Hostile,
		Created: -1 << 63, State: model.StateRunning, Health: Hostile, ExitCode: -1 << 63, OOMKilled: true, Error: Hostile,
		StartedAt: -1 << 63, FinishedAt: -1 << 63, RestartCount: -1 << 63, RestartPolicy: Hostile,
		Ports: ports, Mounts: mounts, Labels: HostileMap(),
	}
}

// Event returns an event whose every field is over its limit.
func Event(engine string) model.Event {
	return model.Event{
		Engine: engine, Type: Hostile, Action: Hostile, ActorID: Hostile, Name: Hostile,
		Attributes: HostileMap(), TimeNano: -1 << 63, SentNano: -1 << 63,
	}
}

// EngineInfo returns engine facts whose every field is over its limit,
// the status excepted.
func EngineInfo(engine, status string) model.EngineInfo {
	return model.EngineInfo{
		EngineStatus: model.EngineStatus{Engine: engine, Status: status, Reason: Hostile, Since: -1 << 63},
		Host:         Hostile, Name: Hostile, Version: Hostile, APIVersion: Hostile, OS: Hostile, Arch: Hostile, KernelVersion: Hostile,
		CPUs: -1 << 63, MemoryTotal: -1 << 63, Images: -1 << 63, CgroupVersion: Hostile, StatsSource: Hostile,
	}
}

// Stats returns a sample of c with the longest numbers there are.
func Stats(c model.Container) model.Stats {
	return model.Stats{
		Engine: c.Engine, ID: c.ID, Read: -1 << 63, CPUPercent: -1.2345678901234567e-300, OnlineCPUs: -1 << 63,
		MemoryUsage: 1<<64 - 1, MemoryLimit: 1<<64 - 1, MemoryPercent: -1.2345678901234567e-300, NetworkRx: 1<<64 - 1,
		NetworkTx: 1<<64 - 1, BlockRead: 1<<64 - 1, BlockWrite: 1<<64 - 1, Pids: 1<<64 - 1,
	}
}
