package enginetest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// CLIConfig is a private docker CLI configuration (DOCKER_CONFIG) with its
// own HOME and XDG_RUNTIME_DIR, so that neither the user's contexts nor the
// machine's well-known sockets leak into a test. Contexts in it are made by
// the real docker command. NewCLIConfig makes one for a test, MakeCLIConfig
// for any program.
type CLIConfig struct {
	Dir  string     // DOCKER_CONFIG
	Home string     // HOME
	Run  string     // XDG_RUNTIME_DIR
	tb   testing.TB // for CreateContext; nil from MakeCLIConfig
}

// NewCLIConfig makes an empty one in a temporary directory.
func NewCLIConfig(tb testing.TB) *CLIConfig {
	tb.Helper()
	c, err := MakeCLIConfig(tb.TempDir())
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	c.tb = tb
	return c
}

// MakeCLIConfig makes an empty one under root (which must exist).
func MakeCLIConfig(root string) (*CLIConfig, error) {
	c := &CLIConfig{Dir: filepath.Join(root, "config"), Home: filepath.Join(root, "home"), Run: filepath.Join(root, "run")}
	for _, d := range []string{c.Dir, c.Home, c.Run} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("docker CLI config: %w", err)
		}
	}
	return c, nil
}

// Env is the environment of this configuration: DOCKER_CONFIG, HOME and
// XDG_RUNTIME_DIR, plus the KEY, VALUE pairs given.
func (c *CLIConfig) Env(kv ...string) map[string]string {
	env := map[string]string{"DOCKER_CONFIG": c.Dir, "HOME": c.Home, "XDG_RUNTIME_DIR": c.Run}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

// Setenv makes this configuration the test's environment (DOCKER_HOST,
// DOCKER_CONTEXT and the TLS variables unset), for code that reads the
// process's environment.
func (c *CLIConfig) Setenv(tb testing.TB) {
	tb.Helper()
	for k, v := range c.Env() {
		tb.Setenv(k, v)
	}
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH"} {
		tb.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// DockerCLI runs the docker command with only env (and PATH) for its
// environment and returns its trimmed output; a failure fails the test, a
// missing command skips it (fails in CI).
func DockerCLI(tb testing.TB, env map[string]string, args ...string) string {
	tb.Helper()
	out, err := RunDocker(env, args...)
	var envErr *envError
	if errors.As(err, &envErr) {
		SkipOrFail(tb, "enginetest: "+envErr.msg)
	}
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	return out
}

// RunDocker runs the docker command with only env (and PATH) for its
// environment and returns its trimmed output.
func RunDocker(env map[string]string, args ...string) (string, error) {
	bin, err := exec.LookPath("docker")
	if err != nil {
		return "", &envError{"the docker command is needed to make real contexts (apt-get install docker.io)"}
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// CreateContext runs `docker context create NAME --docker DOCKER [more…]`,
// DOCKER being the CLI's endpoint spec (host=…,ca=…,cert=…,key=…); a
// failure fails the test.
func (c *CLIConfig) CreateContext(name, docker string, more ...string) {
	c.tb.Helper()
	DockerCLI(c.tb, c.Env(), c.contextArgs(name, docker, more)...)
}

// AddContext is CreateContext returning its error.
func (c *CLIConfig) AddContext(name, docker string, more ...string) error {
	_, err := RunDocker(c.Env(), c.contextArgs(name, docker, more)...)
	return err
}

func (c *CLIConfig) contextArgs(name, docker string, more []string) []string {
	return append([]string{"context", "create", name, "--docker", docker}, more...)
}
