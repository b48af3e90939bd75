// Package enginetest gives integration tests a private Docker engine that they
// may kill and restart, so that Dockpulse's tests never touch the user's own
// engine. Tests call Require; the Makefile uses the testengine command to keep
// one private engine running across many test binaries.
package enginetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/docker/docker/client"
)

const (
	// TestImage is a busybox root filesystem imported with docker import, since
	// no image registry can be assumed reachable. It has sh, sleep, echo, cat,
	// top and yes (see applets for the full list).
	TestImage = "dockpulse-test/busybox:latest"
	// TestLabel marks every container the helpers create (value "1"), so that
	// they can be found and removed without touching anything else.
	TestLabel = "dockpulse.test"
)

// StopGrace is how long a graceful stop waits for dockerd before SIGKILL. It
// exceeds dockerd's own 15 s shutdown timeout for running containers.
const StopGrace = 20 * time.Second

const (
	// readyTimeout bounds the wait for a (re)started dockerd to answer. A
	// restart after SIGKILL first stops the containers that survived in
	// their shims, which costs each container its stop timeout.
	readyTimeout = 30 * time.Second
	// goneTimeout bounds the wait for a signalled process to disappear.
	goneTimeout = 15 * time.Second
	// pingTimeout bounds one readiness probe.
	pingTimeout = 2 * time.Second
	// pollInterval is how often readiness and exits are checked.
	pollInterval = 50 * time.Millisecond
	// maxSocketPath is the longest path a unix socket address can hold on
	// Linux (sun_path is 108 bytes including the terminating NUL).
	maxSocketPath = 107
	// longestSocket is the longest socket path dockerd and its containerd
	// create below the engine directory.
	longestSocket = "/exec/containerd/containerd.sock.ttrpc"
)

// Engine is a Docker engine that tests may use. A private engine (Dir set)
// was started from a directory this package knows, so it can be killed and
// started again; an external one (Dir empty) can only be used.
type Engine struct {
	// Host is the DOCKER_HOST value that reaches the engine (unix:///...).
	Host string
	// Dir holds a private engine's socket, pidfile, log and data; it is empty
	// for an engine named by DOCKPULSE_TEST_DOCKER_HOST.
	Dir string

	// extraArgs are more dockerd arguments (another listener, TLS).
	extraArgs []string

	// mu serialises starting and stopping, and guards child.
	mu sync.Mutex
	// child is the dockerd this process started last, reaped by a goroutine
	// so that it does not linger as a zombie while the tests go on.
	child *daemonProc
}

// daemonProc is a dockerd started by this process.
type daemonProc struct {
	pid  int
	done chan struct{} // closed once the process has been reaped
	err  error         // the result of Wait, valid after done is closed
}

// envError reports that this machine lacks something needed for a private
// engine (root, dockerd, busybox): tests skip on it outside CI.
type envError struct{ msg string }

func (e *envError) Error() string { return e.msg }

// OpenPrivate returns the private engine kept in dir without starting it.
func OpenPrivate(dir string) (*Engine, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("engine dir %q: %w", dir, err)
	}
	if n := len(abs) + len(longestSocket); n > maxSocketPath {
		return nil, fmt.Errorf("engine dir %q is too long: its sockets would need %d bytes, unix sockets allow %d; use a shorter dir", abs, n, maxSocketPath)
	}
	return &Engine{Host: "unix://" + filepath.Join(abs, "docker.sock"), Dir: abs}, nil
}

// StartPrivate starts a private engine in dir (creating dir) and waits until it
// answers. If an engine in dir already answers, it is used as it is.
func StartPrivate(ctx context.Context, dir string) (*Engine, error) {
	e, err := OpenPrivate(dir)
	if err != nil {
		return nil, err
	}
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// Restartable reports whether this package can kill and start the engine,
// which it can only for private engines whose arguments and pidfile it knows.
func (e *Engine) Restartable() bool { return e.Dir != "" }

// EnvLines are the environment settings that reach this engine: DOCKER_HOST
// for the docker CLI, and for private engines DOCKPULSE_TEST_ENGINE_DIR so that
// test binaries attach to it (and may restart it) instead of starting their own.
func (e *Engine) EnvLines() []string {
	lines := []string{"DOCKER_HOST=" + e.Host}
	if e.Dir != "" {
		lines = append(lines, "DOCKPULSE_TEST_ENGINE_DIR="+e.Dir)
	}
	return lines
}

// WriteEnvFile writes EnvLines to Dir/env, one KEY=VALUE a line, so that a
// Makefile can include it or a shell can export it.
func (e *Engine) WriteEnvFile() (string, error) {
	if e.Dir == "" {
		return "", errors.New("write env file: not a private engine")
	}
	path := filepath.Join(e.Dir, "env")
	data := strings.Join(e.EnvLines(), "\n") + "\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		return "", fmt.Errorf("write env file: %w", err)
	}
	return path, nil
}

// Shutdown removes the test containers, stops dockerd gracefully (SIGKILL once
// grace has passed) and unmounts what is left mounted in Dir. It reports
// whether a dockerd was running.
func (e *Engine) Shutdown(ctx context.Context, grace time.Duration) (bool, error) {
	return e.shutdown(ctx, grace, false)
}

// shutdown stops the engine; allContainers removes every container first, for
// engines whose data is about to be deleted anyway. Removing containers first
// keeps dockerd from spending its shutdown waiting for them to stop.
func (e *Engine) shutdown(ctx context.Context, grace time.Duration, allContainers bool) (bool, error) {
	if !e.Restartable() {
		return false, errors.New("stop engine: not a private engine")
	}
	var errs []error
	if e.ping(ctx) == nil {
		if err := e.removeContainers(ctx, allContainers); err != nil {
			errs = append(errs, err)
		}
	}
	running, err := e.stop(ctx, grace)
	if err != nil {
		return running, errors.Join(append(errs, err)...)
	}
	if err := unmountUnder(e.Dir); err != nil {
		// A dockerd that was ever killed leaves its mounts behind (even its
		// data-root bind mount, which later dockerds keep), and they would
		// make removing the directory fail.
		errs = append(errs, err)
	}
	return running, errors.Join(errs...)
}

// destroy stops an engine that this process owns and deletes its directory.
func (e *Engine) destroy(ctx context.Context) error {
	var errs []error
	if e.ping(ctx) != nil {
		// A test left it killed: its containers may still run in their
		// shims, and only a dockerd cleans them up.
		if err := e.start(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := e.shutdown(ctx, StopGrace, true); err != nil {
		errs = append(errs, err)
	}
	if pid, running := e.daemonRunning(); running {
		errs = append(errs, fmt.Errorf("dockerd (pid %d) still runs; left %s in place", pid, e.Dir))
		return errors.Join(errs...)
	}
	if err := os.RemoveAll(e.Dir); err != nil {
		errs = append(errs, fmt.Errorf("remove engine dir: %w", err))
	}
	return errors.Join(errs...)
}

func (e *Engine) socketPath() string    { return filepath.Join(e.Dir, "docker.sock") }
func (e *Engine) pidPath() string       { return filepath.Join(e.Dir, "docker.pid") }
func (e *Engine) logPath() string       { return filepath.Join(e.Dir, "dockerd.log") }
func (e *Engine) containerdDir() string { return filepath.Join(e.Dir, "exec", "containerd") }
func (e *Engine) containerdPidPath() string {
	return filepath.Join(e.containerdDir(), "containerd.pid")
}

// dockerdArgs keeps everything of this engine in Dir and stays off the host's
// networking, so it runs beside any other engine without interfering.
func (e *Engine) dockerdArgs() []string {
	return append([]string{
		"--host", e.Host,
		"--data-root", filepath.Join(e.Dir, "data"),
		"--exec-root", filepath.Join(e.Dir, "exec"),
		"--pidfile", e.pidPath(),
		"--bridge", "none",
		"--iptables=false",
		"--ip6tables=false",
	}, e.extraArgs...)
}

// newClient returns a client for this engine that ignores DOCKER_HOST and the
// other DOCKER_* variables, so it can never reach the user's engine by accident.
func (e *Engine) newClient() (*client.Client, error) {
	c, err := client.NewClientWithOpts(client.WithHost(e.Host), client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("docker client for %s: %w", e.Host, err)
	}
	return c, nil
}

// ping asks the engine whether it answers.
func (e *Engine) ping(ctx context.Context) error {
	c, err := e.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	_, pingErr := c.Ping(ctx)
	if err := c.Close(); err != nil && pingErr == nil {
		return fmt.Errorf("close docker client: %w", err)
	}
	return pingErr
}

// checkCanStart reports what this machine lacks to run a private dockerd.
func checkCanStart() (string, error) {
	if runtime.GOOS != "linux" {
		return "", &envError{"a private dockerd needs Linux"}
	}
	if os.Geteuid() != 0 {
		return "", &envError{"not root: a private dockerd needs root"}
	}
	path, err := exec.LookPath("dockerd")
	if err != nil {
		return "", &envError{"dockerd not found: install docker.io"}
	}
	return path, nil
}

// start starts dockerd unless it answers already, and waits until it answers.
func (e *Engine) start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.Restartable() {
		return errors.New("start engine: not a private engine")
	}
	if e.ping(ctx) == nil {
		return nil
	}
	if pid, ok := e.runningPID(); ok {
		// It is still starting up; give it the usual time.
		return e.waitReady(ctx, pid, nil)
	}
	dockerd, err := checkCanStart()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(e.Dir, 0o700); err != nil {
		return fmt.Errorf("start dockerd: %w", err)
	}
	if err := e.removeStaleFiles(); err != nil {
		return fmt.Errorf("start dockerd: %w", err)
	}
	logFile, err := os.OpenFile(e.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("start dockerd: %w", err)
	}
	cmd := exec.Command(dockerd, e.dockerdArgs()...)
	cmd.Dir = e.Dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := detach(cmd); err != nil {
		return errors.Join(fmt.Errorf("start dockerd: %w", err), logFile.Close())
	}
	startErr := cmd.Start()
	// dockerd holds its own descriptor of the log now.
	closeErr := logFile.Close()
	if startErr != nil {
		return fmt.Errorf("start dockerd: %w", startErr)
	}
	proc := &daemonProc{pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		proc.err = cmd.Wait()
		close(proc.done)
	}()
	e.child = proc
	if closeErr != nil {
		return fmt.Errorf("start dockerd: close log: %w", closeErr)
	}
	return e.waitReady(ctx, proc.pid, proc)
}

// removeStaleFiles deletes what a killed dockerd leaves behind: its pidfile
// names a dead (or zombie) process, which dockerd refuses to start over, and
// the socket file is still there. A pidfile of its containerd is removed too
// unless that containerd still runs, in which case dockerd reuses it.
func (e *Engine) removeStaleFiles() error {
	for _, path := range []string{e.pidPath(), e.socketPath()} {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", filepath.Base(path), err)
		}
	}
	if _, ok := e.containerdPID(); !ok {
		if err := os.Remove(e.containerdPidPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale containerd pidfile: %w", err)
		}
	}
	return nil
}

// waitReady waits until the engine answers. proc, when this process started
// dockerd, lets an early exit be reported with its exit status.
func (e *Engine) waitReady(ctx context.Context, pid int, proc *daemonProc) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		err := e.ping(ctx)
		if err == nil {
			return nil
		}
		if proc != nil {
			select {
			case <-proc.done:
				return fmt.Errorf("dockerd exited before answering (%v)%s", proc.err, e.logTail())
			default:
			}
		} else if !processAlive(pid) {
			return fmt.Errorf("dockerd (pid %d) exited before answering%s", pid, e.logTail())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("dockerd (pid %d) did not answer on %s within %s: %v%s", pid, e.Host, readyTimeout, err, e.logTail())
		case <-ticker.C:
		}
	}
}

// kill SIGKILLs dockerd, as a crash would, and waits until it and its
// containerd are gone and the socket no longer answers. The shims of running
// containers survive; the next start takes them over.
func (e *Engine) kill(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	pid, ok := e.runningPID()
	if !ok {
		return fmt.Errorf("kill dockerd: no dockerd running for %s", e.Dir)
	}
	cpid, hasContainerd := e.containerdPID()
	if err := signalAndWait(ctx, pid, syscall.SIGKILL, goneTimeout); err != nil {
		return fmt.Errorf("kill dockerd: %w", err)
	}
	// dockerd gives its containerd a parent-death signal; wait for it so
	// that the next dockerd does not mistake it for a live one.
	if hasContainerd {
		if err := waitGone(ctx, cpid, goneTimeout); err != nil {
			return fmt.Errorf("kill dockerd: its containerd (pid %d): %w", cpid, err)
		}
	}
	err := poll(ctx, goneTimeout, func() bool { return e.ping(ctx) != nil })
	if err != nil {
		return fmt.Errorf("kill dockerd: %s still answers: %w", e.Host, err)
	}
	return nil
}

// stop SIGTERMs dockerd, SIGKILLs it if it is still there after grace, and
// waits for it and its containerd to be gone. It reports whether dockerd ran.
func (e *Engine) stop(ctx context.Context, grace time.Duration) (bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	pid, ok := e.runningPID()
	if !ok {
		return false, nil
	}
	cpid, hasContainerd := e.containerdPID()
	if err := signalAndWait(ctx, pid, syscall.SIGTERM, grace); err != nil {
		if err := signalAndWait(ctx, pid, syscall.SIGKILL, goneTimeout); err != nil {
			return true, fmt.Errorf("stop dockerd: %w", err)
		}
	}
	if hasContainerd {
		// A graceful dockerd stops its containerd; a killed one takes it
		// along with a parent-death signal.
		if err := waitGone(ctx, cpid, goneTimeout); err != nil {
			if err := signalAndWait(ctx, cpid, syscall.SIGKILL, goneTimeout); err != nil {
				return true, fmt.Errorf("stop dockerd: its containerd: %w", err)
			}
		}
	}
	return true, nil
}

// daemonRunning returns the live dockerd of this engine.
func (e *Engine) daemonRunning() (int, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runningPID()
}

// runningPID returns the live dockerd of this engine, from the process this
// process started or else from the pidfile, checked against the process's
// command line so that a reused pid is never signalled.
func (e *Engine) runningPID() (int, bool) {
	if p := e.child; p != nil {
		select {
		case <-p.done:
		default:
			if processAlive(p.pid) {
				return p.pid, true
			}
		}
	}
	return livePID(e.pidPath(), e.pidPath())
}

// containerdPID returns the live containerd that this engine's dockerd runs.
func (e *Engine) containerdPID() (int, bool) {
	return livePID(e.containerdPidPath(), e.containerdDir())
}

// livePID returns the pid that dockerd or containerd wrote to pidfile, if
// that process is alive and one of its arguments contains mark: a pid the
// system has since given to another process is never ours.
func livePID(pidfile, mark string) (int, bool) {
	data, err := os.ReadFile(pidfile)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	if !processAlive(pid) || !cmdlineHas(pid, mark) {
		return 0, false
	}
	return pid, true
}

// signalAndWait sends sig to pid and waits up to timeout for it to be gone.
func signalAndWait(ctx context.Context, pid int, sig syscall.Signal, timeout time.Duration) error {
	if err := signal(pid, sig); err != nil {
		return fmt.Errorf("send %v to pid %d: %w", sig, pid, err)
	}
	if err := waitGone(ctx, pid, timeout); err != nil {
		return fmt.Errorf("pid %d after %v: %w", pid, sig, err)
	}
	return nil
}

// waitGone waits until pid has exited (a zombie counts as exited: on some
// machines init reaps orphans only now and then).
func waitGone(ctx context.Context, pid int, timeout time.Duration) error {
	return poll(ctx, timeout, func() bool { return !processAlive(pid) })
}

// poll checks cond every pollInterval until it holds, timeout passes or ctx
// ends.
func poll(ctx context.Context, timeout time.Duration, cond func() bool) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still there after %s: %w", timeout, ctx.Err())
		case <-ticker.C:
		}
	}
}

// logTail returns the end of dockerd.log, for errors about a dockerd that did
// not come up: the reason is almost always in there.
func (e *Engine) logTail() string {
	const maxBytes, maxLines = 8192, 25
	f, err := os.Open(e.logPath())
	if err != nil {
		return fmt.Sprintf("\n(no dockerd log: %v)", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Sprintf("\n(dockerd log: %v)", err)
	}
	offset := max(info.Size()-maxBytes, 0)
	data, err := io.ReadAll(io.NewSectionReader(f, offset, info.Size()-offset))
	if err != nil {
		return fmt.Sprintf("\n(dockerd log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if offset > 0 && len(lines) > 1 {
		lines = lines[1:] // the first line is cut
	}
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return fmt.Sprintf("\n--- end of %s ---\n%s", e.logPath(), strings.Join(lines, "\n"))
}
