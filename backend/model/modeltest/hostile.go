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

// Inspect returns a full inspect whose every field is over its limit.
func Inspect(engine string) model.Inspect {
	env := make([]model.EnvVar, 1000)
	for i := range env {
		env[i] = model.EnvVar{Name: Hostile[:i%100], Value: Hostile[:i%1000]}
	}
	networks := make([]model.NetworkLink, 300)
	for i := range networks {
		aliases := make([]string, 300)
		for j := range aliases {
			aliases[j] = Hostile[:j%50]
		}
		networks[i] = model.NetworkLink{
			Name: Hostile, NetworkID: Hostile, IPAddress: Hostile, PrefixLen: -1 << 63, Gateway: Hostile,
			IPv6Address: Hostile, IPv6Gateway: Hostile, MacAddress: Hostile, Aliases: aliases,
		}
	}
	test := make([]string, 1000)
	for i := range test {
		test[i] = Hostile[:i%2000]
	}
	log := make([]model.HealthResult, 1000)
	for i := range log {
		log[i] = model.HealthResult{Start: -1 << 63, End: -1 << 63, ExitCode: -1 << 63, Output: Hostile}
	}
	timeout := -1 << 63
	return model.Inspect{
		Engine: engine, ID: Hostile, Name: Hostile, Image: Hostile, State: Hostile,
		Created: -1 << 63, StartedAt: -1 << 63, FinishedAt: -1 << 63, ExitCode: -1 << 63, OOMKilled: true, Error: Hostile,
		RestartCount: -1 << 63, RestartPolicy: Hostile, RestartRetries: -1 << 63, StopSignal: Hostile, StopTimeout: &timeout,
		Env: env, NetworkMode: Hostile, Networks: networks,
		Limits: model.Limits{
			NanoCPUs: -1 << 63, CPUQuota: -1 << 63, CPUPeriod: -1 << 63, CpusetCPUs: Hostile, CpusetMems: Hostile,
			CPUShares: -1 << 63, Memory: -1 << 63, MemoryReservation: -1 << 63, MemorySwap: -1 << 63, PidsLimit: -1 << 63,
		},
		Healthcheck: &model.Healthcheck{
			Test: test, IntervalMs: -1 << 63, TimeoutMs: -1 << 63, StartPeriodMs: -1 << 63, StartIntervalMs: -1 << 63,
			Retries: -1 << 63, Status: Hostile, FailingStreak: -1 << 63, Log: log,
		},
		Raw: strings.Repeat(Hostile, 4),
	}
}
