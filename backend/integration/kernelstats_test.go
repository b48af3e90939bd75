package integration

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/cgroupstats"
	"github.com/dockpulse/dockpulse/backend/docker"
	"github.com/dockpulse/dockpulse/backend/engines"
	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/service"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// These tests read the test engine's containers from the kernel's files on
// this host (cgroup v1 here, cgroupfs driver) and hold them against the
// engine's own stats. They need the engine on this host, as every test of
// this package does, and fail rather than skip where the files cannot be
// read.

// kernelSource opens the kernel source for the test engine.
func kernelSource(t *testing.T, e *enginetest.Engine) (*cgroupstats.Source, *docker.Client) {
	t.Helper()
	host, err := cgroupstats.OpenHost("/proc")
	if err != nil {
		t.Fatalf("the kernel's files cannot be read here: %v", err)
	}
	t.Cleanup(func() { _ = host.Close() })
	dc, err := docker.New(engines.Endpoint{Name: service.EngineName, Host: e.Host})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dc.Close() })
	return cgroupstats.NewSource(host, dc), dc
}

// compare takes a kernel sample, the engine's and a second kernel sample of
// one container, and checks them with stats.Agree, as the automatic check
// does.
func compare(t *testing.T, src *cgroupstats.Source, dc *docker.Client, id string) (before, engine, after stats.Sample) {
	t.Helper()
	r, err := src.Open(t.Context(), id)
	if err != nil {
		t.Fatalf("open %s: %v", id, err)
	}
	defer r.Close()
	read := func() stats.Sample {
		t.Helper()
		host, err := src.HostCPU()
		if err != nil {
			t.Fatal(err)
		}
		s, err := r.Read(time.Now(), host)
		if err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		s.CPU.PerCPU, s.BlockIO, s.Networks = slices.Clone(s.CPU.PerCPU), slices.Clone(s.BlockIO), slices.Clone(s.Networks)
		return s
	}
	before = read()
	engine, err = dc.SampleOnce(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	after = read()
	if err := stats.Agree(id, before, engine, after); err != nil {
		t.Errorf("%v\nkernel %+v\nengine %+v\nkernel %+v", err, before, engine, after)
	}
	return before, engine, after
}

// cpuOverASecond measures a container's CPU % over the same second from
// both sources, as `docker stats` computes it: an engine sample, a kernel
// one, a second's wait, a kernel sample and an engine one.
func cpuOverASecond(t *testing.T, src *cgroupstats.Source, dc *docker.Client, id string) (kernel, engine float64) {
	t.Helper()
	r, err := src.Open(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	kernelCPU := func() stats.CPU {
		host, err := src.HostCPU()
		if err != nil {
			t.Fatal(err)
		}
		s, err := r.Read(time.Now(), host)
		if err != nil {
			t.Fatal(err)
		}
		return stats.CPU{Total: s.CPU.Total, System: s.CPU.System, Online: s.CPU.Online}
	}
	engineSample := func() stats.Sample {
		s, err := dc.SampleOnce(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	e1 := engineSample()
	k1 := kernelCPU()
	time.Sleep(time.Second)
	k2 := stats.Sample{CPU: kernelCPU(), PreCPU: k1}
	e2 := engineSample()
	e2.PreCPU = e1.CPU
	return stats.Compute("local", id, k2).CPUPercent, stats.Compute("local", id, e2).CPUPercent
}

func TestKernelStatsAgreeWithTheEngine(t *testing.T) {
	e := enginetest.Require(t)
	src, dc := kernelSource(t, e)
	busy := e.RunContainer(t, "dp-kernel-busy", "sh", "-c", "yes > /dev/null")
	shm := e.RunContainer(t, "dp-kernel-shm", "sh", "-c", "dd if=/dev/zero of=/dev/shm/x bs=1M count=64 && sleep 3600")
	writer := e.RunContainer(t, "dp-kernel-writer", "sh", "-c",
		"while true; do dd if=/dev/zero of=/tmp/f bs=1M count=8 conv=fsync 2>/dev/null; rm /tmp/f; sleep 0.1; done")
	paused := e.RunContainer(t, "dp-kernel-paused", "sh", "-c", "dd if=/dev/zero of=/dev/shm/x bs=1M count=16 && sleep 3600")
	time.Sleep(time.Second) // for dd to fill /dev/shm and the writer to write
	if err := e.Client(t).ContainerPause(t.Context(), paused); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		id   string
		// check is what `docker stats` would show of the engine's sample,
		// beyond the two agreeing.
		check func(t *testing.T, before, engine, after stats.Sample)
	}{
		{"busy", busy, func(t *testing.T, _, _, _ stats.Sample) {
			kernel, engine := cpuOverASecond(t, src, dc, busy)
			// How much CPU a spinning process gets depends on what else the
			// machine runs (a loaded CI machine gives it a third of a core),
			// so the figure itself is only checked to be clearly not idle;
			// the two sources must agree.
			if kernel < 10 || kernel-engine > 15 || engine-kernel > 15 {
				t.Errorf("a container running yes: %.1f %% CPU by the kernel's files, %.1f %% by the engine's; want both clearly busy and within 15 points", kernel, engine)
			}
		}},
		{"memory in /dev/shm", shm, func(t *testing.T, _, engine, after stats.Sample) {
			if got := stats.Compute("local", shm, after).MemoryUsage; got < 64<<20 {
				t.Errorf("memory %d bytes, want the 64 MiB in /dev/shm counted, as docker stats counts them", got)
			}
		}},
		{"writing to disk", writer, func(t *testing.T, _, engine, after stats.Sample) {
			k, e := stats.Compute("local", writer, after), stats.Compute("local", writer, engine)
			t.Logf("block I/O written: kernel %d, engine %d bytes", k.BlockWrite, e.BlockWrite)
		}},
		{"paused", paused, func(t *testing.T, before, _, after stats.Sample) {
			if before.CPU.Total != after.CPU.Total {
				t.Errorf("a paused container used CPU: %d then %d ns", before.CPU.Total, after.CPU.Total)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, engine, after := compare(t, src, dc, tc.id)
			if tc.check != nil {
				tc.check(t, before, engine, after)
			}
		})
	}
}

// TestKernelStatsOfAVanishedCgroup: once a container stops, its cgroup goes
// and reads of its open files fail, rather than repeat the last figures.
func TestKernelStatsOfAVanishedCgroup(t *testing.T) {
	e := enginetest.Require(t)
	src, _ := kernelSource(t, e)
	id := e.RunContainer(t, "dp-kernel-vanish")
	r, err := src.Open(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := e.Client(t).ContainerKill(t.Context(), id, "KILL"); err != nil {
		t.Fatal(err)
	}
	waitC, errC := e.Client(t).ContainerWait(t.Context(), id, container.WaitConditionNotRunning)
	select {
	case <-waitC:
	case err := <-errC:
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "reads of the stopped container's cgroup fail", func() bool {
		_, err := r.Read(time.Now(), stats.CPU{})
		return err != nil
	})
	if _, err := src.Open(t.Context(), id); err == nil {
		t.Error("opened a stopped container")
	}
}

// TestKernelStatsService runs the backend with --stats-source auto and
// --stats visible: the engine says its stats come from the kernel, every
// running container is sampled every second although the client shows
// none of them, a restarting container is followed across its restarts, a
// stopped one is dropped at once, and the comparison with the engine never
// falls back.
func TestKernelStatsService(t *testing.T) {
	e := enginetest.Require(t)
	svc := startService(t, e, service.Config{StatsMode: protocol.StatsVisible, StatsSource: service.StatsSourceAuto})
	c := connect(t, svc)
	c.sendView(t) // shows nothing
	busy := e.RunContainer(t, "dp-kernel-svc-busy", "sh", "-c", "yes > /dev/null")
	idle := e.RunContainer(t, "dp-kernel-svc-idle")
	restarting := e.CreateContainer(t, "dp-kernel-svc-restarting", "sh", "-c", "sleep 3; exit 1")
	if _, err := e.Client(t).ContainerUpdate(t.Context(), restarting, container.UpdateConfig{
		RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyAlways},
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.Client(t).ContainerStart(t.Context(), restarting, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}

	window := 10 * time.Second
	reads := c.sampleReads(t, window)
	for _, id := range []string{busy, idle} {
		if n := len(reads[id]); n < int(window/time.Second)*2/3 {
			t.Errorf("container %.12s outside every view: %d samples in %v, want about one a second", id, n, window)
		}
	}
	in, err := e.Client(t).ContainerInspect(t.Context(), restarting)
	if err != nil {
		t.Fatal(err)
	}
	if in.RestartCount == 0 || len(reads[restarting]) < 2 {
		t.Errorf("restarting container: %d restarts, %d samples in %v; want both", in.RestartCount, len(reads[restarting]), window)
	}
	if got := c.Engine(service.EngineName).StatsSource; got != stats.SourceKernel {
		t.Errorf("engine's stats source %q, want %q", got, stats.SourceKernel)
	}
	if got := engineOf(t, svc).Collector.Source(); got != stats.SourceKernel {
		t.Errorf("the collector fell back to %q", got)
	}

	// A container that stops is dropped at once: no sample of it after the
	// upsert that says it exited.
	if err := e.Client(t).ContainerKill(t.Context(), idle, "KILL"); err != nil {
		t.Fatal(err)
	}
	for {
		env := c.next(protocol.TypeContainerUpsert)
		var ctr model.Container
		if err := json.Unmarshal(env.Data, &ctr); err != nil {
			t.Fatal(err)
		}
		if ctr.ID == idle && !ctr.Running() {
			break
		}
	}
	after := c.sampleReads(t, 3*time.Second)
	if n := len(after[idle]); n != 0 {
		t.Errorf("%d samples of a stopped container after it stopped", n)
	}
	if len(after[busy]) < 2 {
		t.Errorf("the busy container: %d samples in 3 s", len(after[busy]))
	}
}

// disagreeing is a kernel source whose figures are wrong: memory limits
// twice the engine's.
type disagreeing struct{ *cgroupstats.Source }

func (d disagreeing) Open(ctx context.Context, id string) (stats.Reader, error) {
	r, err := d.Source.Open(ctx, id)
	if err != nil {
		return nil, err
	}
	return doubleLimit{r}, nil
}

type doubleLimit struct{ stats.Reader }

func (r doubleLimit) Read(at time.Time, host stats.CPU) (stats.Sample, error) {
	s, err := r.Reader.Read(at, host)
	s.Memory.Limit *= 2
	return s, err
}

// unreadable is a kernel source that cannot open any container's files, as
// for a user without read access.
type unreadable struct{ *cgroupstats.Source }

var errPermission = errors.New("open /sys/fs/cgroup/memory/docker/memory.stat: permission denied")

func (unreadable) Open(context.Context, string) (stats.Reader, error) { return nil, errPermission }

// TestKernelStatsFallBack: a kernel source that disagrees with the engine,
// or cannot read the files, gives way to the engine's streams with a reason,
// and the containers keep their samples.
func TestKernelStatsFallBack(t *testing.T) {
	e := enginetest.Require(t)
	src, dc := kernelSource(t, e)
	id := e.RunContainer(t, "dp-kernel-fallback")
	for _, tc := range []struct {
		name   string
		poller stats.Poller
		check  time.Duration
		want   func(error) bool
	}{
		{"disagreeing sample", disagreeing{src}, time.Second, func(err error) bool {
			var d *stats.Disagreement
			return errors.As(err, &d) && d.Figure == "memory limit"
		}},
		{"unreadable files", unreadable{src}, 0, func(err error) bool { return errors.Is(err, errPermission) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var reasons []error
			sink := &recordingSink{}
			col := stats.New(dc, sink, stats.Config{Engine: service.EngineName, Poller: tc.poller, Check: tc.check,
				OnSource: func(_ string, reason error) {
					mu.Lock()
					defer mu.Unlock()
					reasons = append(reasons, reason)
				}}, nil)
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- col.Run(ctx) }()
			defer func() { cancel(); <-done }()
			col.Track(model.Container{Engine: service.EngineName, ID: id, State: model.StateRunning})
			eventually(t, 15*time.Second, "the collector fell back to the engine", func() bool { return col.Source() == stats.SourceEngine })
			mu.Lock()
			if len(reasons) != 1 || !tc.want(reasons[0]) {
				t.Errorf("fell back for %v", reasons)
			}
			mu.Unlock()
			n := sink.count()
			eventually(t, 10*time.Second, "the engine's stream delivers samples", func() bool { return sink.count() > n })
		})
	}
}

// recordingSink counts published samples.
type recordingSink struct {
	mu sync.Mutex
	n  int
}

func (s *recordingSink) PublishStats(b []model.Stats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n += len(b)
}

func (s *recordingSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}
