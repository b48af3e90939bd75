package enginetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RequirePodman starts `podman system service` for this test on a socket
// of its own, with its own storage (--root, --runroot), and returns it as
// an Engine (not restartable) with TestImage imported. It is stopped and
// its storage removed when the test ends. Without podman or root the test
// is skipped, or fails in CI.
//
// Podman on these machines starts a container only with explicit ulimits
// (runc: "error setting rlimit type 7"), so the service runs with a
// containers.conf of its own (CONTAINERS_CONF) that sets default_ulimits.
func RequirePodman(tb testing.TB) *Engine {
	tb.Helper()
	podman, err := exec.LookPath("podman")
	if err != nil {
		SkipOrFail(tb, "enginetest: podman not found: apt-get install podman")
	}
	if os.Geteuid() != 0 {
		SkipOrFail(tb, "enginetest: a podman service of its own needs root here")
	}
	dir, err := os.MkdirTemp("", "dpp")
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	conf := filepath.Join(dir, "containers.conf")
	confData := "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n\n[engine]\nevents_logger = \"file\"\ncgroup_manager = \"cgroupfs\"\n"
	if err := os.WriteFile(conf, []byte(confData), 0o644); err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	sock := filepath.Join(dir, "podman.sock")
	logFile, err := os.Create(filepath.Join(dir, "podman.log"))
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	cmd := exec.Command(podman, "--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "runroot"),
		"--tmpdir", filepath.Join(dir, "tmp"), "system", "service", "--time=0", "unix://"+sock)
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+conf)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		tb.Fatalf("enginetest: start podman service: %v", err)
	}
	logFile.Close()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	e := &Engine{Host: "unix://" + sock}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		var errs []error
		if e.ping(ctx) == nil {
			errs = append(errs, e.removeContainers(ctx, true))
		}
		_ = signal(cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(goneTimeout):
			_ = signal(cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		errs = append(errs, unmountUnder(dir))
		if err := errors.Join(errs...); err != nil {
			tb.Errorf("enginetest: stop podman: %v", err)
			return
		}
		if err := os.RemoveAll(dir); err != nil {
			tb.Errorf("enginetest: remove podman dir: %v", err)
		}
	})
	err = poll(tb.Context(), readyTimeout, func() bool {
		select {
		case <-done:
			return true
		default:
		}
		return e.ping(tb.Context()) == nil
	})
	if err == nil && e.ping(tb.Context()) != nil {
		err = errors.New("podman service exited")
	}
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "podman.log"))
		tb.Fatalf("enginetest: podman service on %s: %v\n%s", sock, err, strings.TrimSpace(string(log)))
	}
	if err := e.EnsureImage(tb.Context()); err != nil {
		tb.Fatalf("enginetest: podman: %v", err)
	}
	return e
}

// IsPodman reports whether the engine at host says it is Podman (its
// version's components name it).
func (e *Engine) IsPodman(ctx context.Context) (bool, error) {
	c, err := e.newClient()
	if err != nil {
		return false, err
	}
	defer c.Close()
	v, err := c.ServerVersion(ctx)
	if err != nil {
		return false, fmt.Errorf("version: %w", err)
	}
	for _, comp := range v.Components {
		if strings.Contains(strings.ToLower(comp.Name), "podman") {
			return true, nil
		}
	}
	return false, nil
}
