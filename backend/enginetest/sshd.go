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
// known_hosts file. The test's PATH starts with an `ssh` that reads this
// client configuration (ssh -F) before any other, which is how the
// docker command's and Dockpulse's `ssh … docker system dial-stdio` find
// it, without touching the user's ~/.ssh.
type SSHD struct {
	Alias string
	Port  int
	Dir   string
	pid   int
	done  chan struct{}
}

// sshAlias is the Host entry of the generated client configuration.
const sshAlias = "dockpulse-test-sshd"

// RequireSSHD starts an sshd for this test (Debian's openssh-server),
// stopped when it ends; without sshd or root, the test is skipped (fails in
// CI).
func RequireSSHD(tb testing.TB) *SSHD {
	tb.Helper()
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/sshd"); statErr == nil {
			sshd, err = "/usr/sbin/sshd", nil
		}
	}
	if err != nil {
		SkipOrFail(tb, "enginetest: sshd not found: apt-get install openssh-server")
	}
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		SkipOrFail(tb, "enginetest: ssh not found: apt-get install openssh-client")
	}
	if os.Geteuid() != 0 {
		SkipOrFail(tb, "enginetest: an sshd of its own needs root")
	}
	dir := tb.TempDir()
	for _, k := range []string{"host", "client"} {
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dockpulse-test-"+k, "-f", filepath.Join(dir, k)).CombinedOutput()
		if err != nil {
			tb.Fatalf("enginetest: ssh-keygen: %v\n%s", err, out)
		}
	}
	port, err := freeLoopbackPort()
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	s := &SSHD{Alias: sshAlias, Port: port, Dir: dir, done: make(chan struct{})}
	hostPub, err := os.ReadFile(filepath.Join(dir, "host.pub"))
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
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
			tb.Fatalf("enginetest: %v", err)
		}
	}
	bin := filepath.Join(dir, "bin")
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %s -F %s \"$@\"\n", sshBin, filepath.Join(dir, "ssh_config"))
	if err := os.MkdirAll(bin, 0o700); err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(bin, "ssh"), []byte(wrapper), 0o700); err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	tb.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // its privilege separation directory
		tb.Fatalf("enginetest: %v", err)
	}
	logFile, err := os.Create(filepath.Join(dir, "sshd.log"))
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	// -D: stay in the foreground, so that this process owns and reaps it;
	// -e: log to stderr (the log file).
	cmd := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		tb.Fatalf("enginetest: start sshd: %v", err)
	}
	logFile.Close()
	s.pid = cmd.Process.Pid
	go func() { _ = cmd.Wait(); close(s.done) }()
	tb.Cleanup(func() {
		_ = signal(s.pid, syscall.SIGTERM)
		s.KillSessions(tb)
		select {
		case <-s.done:
		case <-time.After(goneTimeout):
			_ = signal(s.pid, syscall.SIGKILL)
		}
	})
	if err := s.waitReady(tb.Context()); err != nil {
		tb.Fatalf("enginetest: sshd: %v%s", err, s.logTail())
	}
	return s
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
		out, err := exec.CommandContext(ctx, "ssh", s.Alias, "true").CombinedOutput()
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
