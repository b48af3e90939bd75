package engines

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// cliEnv is an environment for the docker command and for Options.Getenv
// alike.
type cliEnv map[string]string

func (e cliEnv) get(k string) string { return e[k] }

func (e cliEnv) with(kv ...string) cliEnv {
	out := cliEnv{}
	for k, v := range e {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// docker runs the real docker command in env.
func docker(t *testing.T, env cliEnv, args ...string) string {
	t.Helper()
	return enginetest.DockerCLI(t, env, args...)
}

// newCLIEnv makes a DOCKER_CONFIG with real contexts, made by
// `docker context create`: "two" (a socket, described), "three" (another
// socket) and "insecure" (tcp that skips verification).
func newCLIEnv(t *testing.T) cliEnv {
	t.Helper()
	c := enginetest.NewCLIConfig(t)
	c.CreateContext("two", "host=unix:///run/two.sock", "--description", "second engine")
	c.CreateContext("three", "host=unix:///run/three.sock")
	c.CreateContext("insecure", "host=tcp://192.0.2.1:2376,skip-tls-verify=true")
	return cliEnv(c.Env())
}

// TestResolveOrder checks each step of the order against the docker
// command itself: the context it names (`docker context show`) and its
// endpoint (`docker context inspect`).
func TestResolveOrder(t *testing.T) {
	base := newCLIEnv(t)
	cases := []struct {
		name       string
		env        cliEnv
		use        string // `docker context use` first
		opts       Options
		wantName   string
		wantHost   string
		wantSource string
	}{
		{name: "nothing set: default", env: base, wantName: DefaultContext, wantHost: client.DefaultDockerHost, wantSource: SourceDefault},
		{name: "currentContext in the config", env: base, use: "two", wantName: "two", wantHost: "unix:///run/two.sock", wantSource: SourceStore},
		{name: "DOCKER_CONTEXT over currentContext", env: base.with(EnvContext, "three"), use: "two", wantName: "three", wantHost: "unix:///run/three.sock", wantSource: SourceStore},
		{name: "DOCKER_HOST over DOCKER_CONTEXT", env: base.with(EnvContext, "three", EnvHost, "unix:///run/env.sock"), use: "two", wantName: DefaultContext, wantHost: "unix:///run/env.sock", wantSource: SourceEnv},
		{name: "--host over DOCKER_HOST", env: base.with(EnvHost, "unix:///run/env.sock"), use: "two", opts: Options{Host: "unix:///run/flag.sock"}, wantName: DefaultContext, wantHost: "unix:///run/flag.sock", wantSource: SourceFlag},
		{name: "--context over DOCKER_HOST", env: base.with(EnvHost, "unix:///run/env.sock", EnvContext, "two"), opts: Options{Context: "three"}, wantName: "three", wantHost: "unix:///run/three.sock", wantSource: SourceStore},
		{name: "--context default is DOCKER_HOST", env: base.with(EnvHost, "unix:///run/env.sock"), use: "two", opts: Options{Context: DefaultContext}, wantName: DefaultContext, wantHost: "unix:///run/env.sock", wantSource: SourceEnv},
		{name: "use default again", env: base, use: DefaultContext, wantName: DefaultContext, wantHost: client.DefaultDockerHost, wantSource: SourceDefault},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.use != "" {
				docker(t, tc.env, "context", "use", tc.use)
			}
			tc.opts.Getenv = tc.env.get
			ep, err := Resolve(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if ep.Name != tc.wantName || ep.Host != tc.wantHost || ep.Source != tc.wantSource || !ep.Current {
				t.Fatalf("got %s from %s (current %v), want %s (%s) from %s", ep, ep.Source, ep.Current, tc.wantName, tc.wantHost, tc.wantSource)
			}
			// The docker command agrees, given the same flags.
			var flags []string
			if tc.opts.Host != "" {
				flags = append(flags, "--host", tc.opts.Host)
			}
			if tc.opts.Context != "" {
				flags = append(flags, "--context", tc.opts.Context)
			}
			if shown := docker(t, tc.env, append(flags, "context", "show")...); shown != ep.Name {
				t.Errorf("docker context show says %q, Resolve %q", shown, ep.Name)
			}
			if tc.opts.Host == "" {
				host := docker(t, tc.env, append(flags, "context", "inspect", "--format", "{{.Endpoints.docker.Host}}", ep.Name)...)
				if host != ep.Host {
					t.Errorf("docker context inspect says %q, Resolve %q", host, ep.Host)
				}
			}
		})
	}
}

// TestResolveErrors: an unknown context names the known ones, and --host
// with --context is refused as the docker command refuses it.
func TestResolveErrors(t *testing.T) {
	env := newCLIEnv(t)
	for _, tc := range []struct {
		name string
		env  cliEnv
		opts Options
		want string
	}{
		{"unknown --context", env, Options{Context: "nope"}, `docker context "nope" not found; known contexts: default, insecure, three, two`},
		{"unknown DOCKER_CONTEXT", env.with(EnvContext, "nope"), Options{}, `docker context "nope" not found; known contexts: default, insecure, three, two`},
		{"--host and --context", env, Options{Host: "unix:///run/x.sock", Context: "two"}, "conflicting options"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Getenv = tc.env.get
			_, err := Resolve(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestListAsDockerContextLs compares List with `docker context ls`.
func TestListAsDockerContextLs(t *testing.T) {
	env := newCLIEnv(t).with(EnvContext, "two")
	type row struct {
		Name, Description, DockerEndpoint string
		Current                           bool
	}
	var want []row
	for _, line := range strings.Split(docker(t, env, "context", "ls", "--format", "{{json .}}"), "\n") {
		var r row
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("docker context ls: %v: %s", err, line)
		}
		want = append(want, r)
	}
	list, err := List(Options{Getenv: env.get})
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for _, ep := range list {
		got = append(got, row{ep.Name, ep.Description, ep.Host, ep.Current})
		if wantTLS := ep.Name == "insecure"; ep.HasTLS() != wantTLS {
			t.Errorf("%s: HasTLS %v, want %v", ep.Name, ep.HasTLS(), wantTLS)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("List:\n%+v\ndocker context ls:\n%+v", got, want)
	}
}

// TestWellKnownSocketWithoutStore: with no context store at all, a
// well-known socket (here Colima's, a real listening socket) is found and,
// where the default socket is missing, becomes the current engine; as soon
// as the store holds a context, it is no longer guessed.
func TestWellKnownSocketWithoutStore(t *testing.T) {
	env := cliEnv(enginetest.NewCLIConfig(t).Env())
	sock := filepath.Join(env["HOME"], ".colima", "default", "docker.sock")
	if err := os.MkdirAll(filepath.Dir(sock), 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	list, err := List(Options{Getenv: env.get})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].Name != "colima" || list[1].Host != "unix://"+sock || list[1].Source != SourceWellKnown {
		t.Fatalf("List without a store: %v, want default and colima at %s", list, sock)
	}
	ep, err := Resolve(Options{Getenv: env.get})
	if err != nil {
		t.Fatal(err)
	}
	if socketExists(client.DefaultDockerHost) {
		if ep.Name != DefaultContext {
			t.Fatalf("the default socket exists, yet Resolve chose %s", ep)
		}
	} else if ep.Name != "colima" || !ep.Current {
		t.Fatalf("no default socket, no store: Resolve chose %s, want colima", ep)
	}
	docker(t, env, "context", "create", "mine", "--docker", "host=unix:///run/mine.sock")
	if ep, err := Resolve(Options{Getenv: env.get}); err != nil || ep.Name != DefaultContext {
		t.Fatalf("with a store, Resolve chose %s (%v), want default", ep, err)
	}
}

// TestDisplayHidesPassword: an ssh password in a host never reaches a log.
func TestDisplayHidesPassword(t *testing.T) {
	ep := Endpoint{Name: "x", Host: "ssh://me:s3cret@example.com:2222"}
	for _, s := range []string{ep.Display(), ep.String()} {
		if strings.Contains(s, "s3cret") || !strings.Contains(s, "me@example.com:2222") {
			t.Fatalf("shown as %q", s)
		}
	}
	// The ssh helper refuses a password; its error does not repeat it.
	if _, err := ep.ClientOpts(); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("ClientOpts with a password: %v", err)
	}
}
