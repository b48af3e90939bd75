package service

import (
	"runtime"
	"strings"
	"testing"
)

func TestKernelSourceChoice(t *testing.T) {
	for _, tc := range []struct {
		source, host string
		kernel       bool   // the kernel source is used
		why, err     string // why not (auto), or the error (kernel)
	}{
		{source: "", host: "unix:///var/run/docker.sock", why: "chosen"},
		{source: StatsSourceEngine, host: "unix:///var/run/docker.sock", why: "chosen"},
		{source: StatsSourceAuto, host: "tcp://build-box:2376", why: "not on this host"},
		// A remote engine uses the engine's stats even when the kernel's
		// are asked for: the others are not refused for it.
		{source: StatsSourceKernel, host: "tcp://build-box:2376", why: "the engine at tcp://build-box:2376 is not on this host"},
		{source: StatsSourceKernel, host: "ssh://ops@build-box", why: "the engine at ssh://ops@build-box is not on this host"},
		{source: StatsSourceAuto, host: "ssh://ops@build-box", why: "not on this host"},
		{source: StatsSourceKernel, host: "npipe:////./pipe/docker_engine", why: "not on this host"},
		// This host is Linux with readable cgroup files, as CI's is.
		{source: StatsSourceAuto, host: "unix:///var/run/docker.sock", kernel: runtime.GOOS == "linux", why: ""},
		{source: StatsSourceKernel, host: "unix:///var/run/docker.sock", kernel: runtime.GOOS == "linux"},
	} {
		h, why, err := kernelSource(tc.source, tc.host)
		if h != nil {
			if err := h.Close(); err != nil {
				t.Error(err)
			}
		}
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%q on %s: error %v, want %q", tc.source, tc.host, err, tc.err)
		case tc.err == "" && err != nil && (tc.kernel || !strings.HasPrefix(tc.host, "unix://")):
			t.Errorf("%q on %s: %v", tc.source, tc.host, err)
		case (h != nil) != tc.kernel:
			t.Errorf("%q on %s: kernel source %v, want %v (why: %q)", tc.source, tc.host, h != nil, tc.kernel, why)
		case tc.why != "" && !strings.Contains(why, tc.why):
			t.Errorf("%q on %s: why %q, want it to say %q", tc.source, tc.host, why, tc.why)
		}
	}
}

func TestCheckStatsSource(t *testing.T) {
	for _, ok := range []string{"", "auto", "kernel", "engine"} {
		if err := CheckStatsSource(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	if err := CheckStatsSource("cgroup"); err == nil {
		t.Error(`"cgroup" accepted`)
	}
}
