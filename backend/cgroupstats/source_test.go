package cgroupstats

import (
	"context"
	"errors"
	"testing"
)

type fakeInspector struct {
	pid     int
	hostNet bool
	err     error
}

func (f fakeInspector) InitProcess(context.Context, string) (int, bool, error) {
	return f.pid, f.hostNet, f.err
}

func TestSourceOpensFromInspect(t *testing.T) {
	host := v2Tree(t, true).open(t)
	r, err := NewSource(host, fakeInspector{pid: testPID, hostNet: true}).Open(t.Context(), testID)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cpu, err := NewSource(host, nil).HostCPU()
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Read(at, cpu)
	if err != nil {
		t.Fatal(err)
	}
	if s.Pids != 7 || s.CPU.Online != 2 || len(s.Networks) != 0 {
		t.Errorf("sample %+v: want 7 pids, 2 CPUs, no interfaces on the host's network", s)
	}

	gone := errors.New("no such container")
	if _, err := NewSource(host, fakeInspector{err: gone}).Open(t.Context(), testID); !errors.Is(err, gone) {
		t.Errorf("Open with a failing inspect: %v, want %v", err, gone)
	}
}
