package enginetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SSHD is an OpenSSH server of one test on 127.0.0.1, with generated host
// and client keys, and an ssh client configured for it: Alias reaches it
// as the user running the tests, by key only, its host key pinned in a
// known_hosts file. BinDir holds an `ssh` that reads this client
// configuration (ssh -F); put first in PATH, it is how the
// docker command's and Dockpulse's `ssh … docker system dial-stdio` find
// it, without touching the user's ~/.ssh.
type SSHD struct {
	Alias string
	Port  int
	Dir   string
	// BinDir holds the `ssh` that reads this client configuration.
	BinDir string
	pid    int
	done   chan struct{}
}

// sshAlias is the Host entry of the generated client configuration.
const sshAlias = "dockpulse-test-sshd"

// RequireSSHD starts an sshd for this test (Debian's openssh-server),
// stopped when it ends; without sshd or root, the test is skipped (fails in
// CI). The test's PATH starts with the configured ssh (BinDir).
func RequireSSHD(tb testing.TB) *SSHD {
	tb.Helper()
	s, err := StartSSHD(tb.Context(), tb.TempDir())
	var env *envError
	if errors.As(err, &env) {
		SkipOrFail(tb, "enginetest: "+env.msg)
	}
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	tb.Cleanup(s.Close)
	tb.Setenv("PATH", s.BinDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return s
}

// StartSSHD starts an sshd keeping its keys and configuration in dir (which
// must exist), and waits until a login through Alias runs a command. It
// needs Debian's openssh-server and root (an *envError says which is
// missing). Put BinDir first in the PATH of whatever is to reach it; Close
// stops it.
func StartSSHD(ctx context.Context, dir string) (*SSHD, error) {
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/sshd"); statErr == nil {
			sshd, err = "/usr/sbin/sshd", nil
		}
	}
	if err != nil {
		return nil, &envError{"sshd not found: apt-get install openssh-server"}
	}
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		return nil, &envError{"ssh not found: apt-get install openssh-client"}
	}
	if os.Geteuid() != 0 {
		return nil, &envError{"an sshd of its own needs root"}
	}
	for _, k := range []string{"host", "client"} {
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dockpulse-test-"+k, "-f", filepath.Join(dir, k)).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("ssh-keygen: %v\n%s", err, out)
		}
	}
	port, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	s := &SSHD{Alias: sshAlias, Port: port, Dir: dir, BinDir: filepath.Join(dir, "bin"), done: make(chan struct{})}
	hostPub, err := os.ReadFile(filepath.Join(dir, "host.pub"))
	if err != nil {
		return nil, err
	}
	files := map[string]string{
		"sshd_config": strings.Join([]string{
			"Port " + strconv.Itoa(port), "ListenAddress 127.0.0.1",
			"HostKey " + filepath.Join(dir, "host"),
			"AuthorizedKeysFile " + filepath.Join(dir, "client.pub"),
			"PermitRootLogin prohibit-password", "PasswordAuthentication no",
			"KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
			"PidFile " + filepath.Join(dir, "sshd.pid"), "LogLevel VERBOSE",
			// Bash sources ~/.bashrc for a command sshd runs, unless SHLVL
			// says it is nested; the user's startup files (a pyenv init
			// waiting a minute on a lock a killed session left) are not
			// this test's.
			"SetEnv SHLVL=1", "",
		}, "\n"),
		"ssh_config": strings.Join([]string{
			"Host " + sshAlias, "  HostName 127.0.0.1", "  Port " + strconv.Itoa(port),
			"  User " + currentUser(), "  IdentityFile " + filepath.Join(dir, "client"), "  IdentitiesOnly yes",
			"  UserKnownHostsFile " + filepath.Join(dir, "known_hosts"), "  StrictHostKeyChecking yes",
			"  BatchMode yes", "  LogLevel ERROR", "",
		}, "\n"),
		"known_hosts": fmt.Sprintf("[127.0.0.1]:%d %s", port, hostPub),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			return nil, err
		}
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %s -F %s \"$@\"\n", sshBin, filepath.Join(dir, "ssh_config"))
	if err := os.MkdirAll(s.BinDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(s.BinDir, "ssh"), []byte(wrapper), 0o700); err != nil {
		return nil, err
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // its privilege separation directory
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "sshd.log"))
	if err != nil {
		return nil, err
	}
	// -D: stay in the foreground, so that this process owns and reaps it;
	// -e: log to stderr (the log file).
	cmd := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start sshd: %w", err)
	}
	logFile.Close()
	s.pid = cmd.Process.Pid
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.waitReady(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sshd: %w%s", err, s.logTail())
	}
	return s, nil
}

// Close stops the sshd and ends the connections it serves.
func (s *SSHD) Close() {
	_ = signal(s.pid, syscall.SIGTERM)
	s.killSessions()
	select {
	case <-s.done:
	case <-time.After(goneTimeout):
		_ = signal(s.pid, syscall.SIGKILL)
	}
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if os.Geteuid() == 0 {
		return "root"
	}
	return strconv.Itoa(os.Geteuid())
}

// waitReady waits until a login through the alias runs a command.
func (s *SSHD) waitReady(ctx context.Context) error {
	var last error
	err := poll(ctx, readyTimeout, func() bool {
		select {
		case <-s.done:
			last = errors.New("sshd exited")
			return true
		default:
		}
		out, err := exec.CommandContext(ctx, filepath.Join(s.BinDir, "ssh"), s.Alias, "true").CombinedOutput()
		if err != nil {
			last = fmt.Errorf("ssh %s true: %v: %s", s.Alias, err, out)
			return false
		}
		last = nil
		return true
	})
	if last != nil {
		return last
	}
	return err
}

// Host is the docker endpoint of the engine whose socket is at socketPath
// (unix:// or a bare path), reached through this sshd.
func (s *SSHD) Host(socket string) string {
	return "ssh://" + s.Alias + strings.TrimPrefix(socket, "unix://")
}

// KillSessions SIGKILLs every connection this sshd serves (its child
// processes and theirs), as a dropped network would end them, and returns
// how many processes there were.
func (s *SSHD) KillSessions(tb testing.TB) int {
	tb.Helper()
	return s.killSessions()
}

func (s *SSHD) killSessions() int {
	kids := childrenOf(s.pid)
	var all []int
	for len(kids) > 0 {
		all = append(all, kids...)
		var next []int
		for _, k := range kids {
			next = append(next, childrenOf(k)...)
		}
		kids = next
	}
	for _, pid := range all {
		_ = signal(pid, syscall.SIGKILL)
	}
	return len(all)
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		rest := string(data)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// logTail is the end of sshd's log, for errors.
func (s *SSHD) logTail() string {
	data, err := os.ReadFile(filepath.Join(s.Dir, "sshd.log"))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return "\n--- sshd log ---\n" + strings.Join(lines, "\n")
}
