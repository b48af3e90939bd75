// Package engines finds the Docker engines of this machine the way the
// docker command does, with the Docker CLI's own packages: the context store
// (cli/context/store) and its TLS material (cli/context), the CLI config that
// names the current context (cli/config), and the ssh connection helper
// (cli/connhelper). An Endpoint is one engine as `docker context ls` shows
// it; ClientOpts turns it into options for github.com/docker/docker/client.
//
// The current engine is chosen exactly as the CLI chooses it (see Resolve):
// --host or DOCKER_HOST, then DOCKER_CONTEXT, then currentContext in the CLI
// config under DOCKER_CONFIG or ~/.docker, then "default". Where there is no
// context store at all and the default socket is missing, the well-known
// sockets of Docker Desktop, Colima, OrbStack, Rancher Desktop, rootless
// Docker and Podman are tried (see WellKnown).
package engines

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/docker/cli/cli/config"
	clicontext "github.com/docker/cli/cli/context"
	"github.com/docker/cli/cli/context/store"
	"github.com/docker/docker/client"
)

// DefaultContext is the context `docker context ls` calls "default": the one
// DOCKER_HOST (or the platform's default socket) names, never stored.
const DefaultContext = "default"

// dockerEndpoint is the name of the docker endpoint in a stored context.
const dockerEndpoint = "docker"

// Environment variables the docker command reads, by the same names.
const (
	EnvHost      = client.EnvOverrideHost // DOCKER_HOST
	EnvContext   = "DOCKER_CONTEXT"
	EnvConfig    = config.EnvOverrideConfigDir // DOCKER_CONFIG
	EnvTLSVerify = client.EnvTLSVerify         // DOCKER_TLS_VERIFY
	EnvTLS       = "DOCKER_TLS"
	EnvCertPath  = client.EnvOverrideCertPath // DOCKER_CERT_PATH
)

// How an endpoint was found (Endpoint.Source).
const (
	SourceFlag      = "--host"
	SourceEnv       = EnvHost
	SourceStore     = "context store"
	SourceDefault   = "default socket"
	SourceWellKnown = "well-known socket"
)

// Endpoint is one engine: a context of the store, the default context, or a
// well-known socket. Its TLS material is kept unexported, so that no
// formatting of an Endpoint can print a key.
type Endpoint struct {
	// Name is the context's name as `docker context ls` shows it; for a
	// well-known socket, the name its product gives its own context.
	Name string
	// Host is the docker endpoint: unix://, npipe://, tcp:// or ssh://.
	// It may hold an ssh user; Display is the form for people and logs.
	Host string
	// Description is the context's description.
	Description string
	// SkipTLSVerify is set only where the context itself (or an unset
	// DOCKER_TLS_VERIFY beside DOCKER_TLS) says not to verify the engine.
	SkipTLSVerify bool
	// Current marks the context the docker command would use now.
	Current bool
	// Source says how the endpoint was found (one of the Source constants).
	Source string

	tls *clicontext.TLSData
}

// HasTLS reports whether the endpoint carries TLS material or talks TLS
// without verification, as the TLS column of a listing shows.
func (e Endpoint) HasTLS() bool { return e.tls != nil || e.SkipTLSVerify }

// Display is Host without any password it might carry, for logs, errors
// and the UI.
func (e Endpoint) Display() string { return redactHost(e.Host) }

// String names the endpoint for logs: "name (host)".
func (e Endpoint) String() string { return e.Name + " (" + e.Display() + ")" }

// redactHost drops a password from a URL's user part; anything that does
// not parse is shown only by its scheme.
func redactHost(host string) string {
	u, err := url.Parse(host)
	if err != nil {
		scheme, _, _ := strings.Cut(host, "://")
		return scheme + "://(unparsable address)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.User(u.User.Username())
		}
	}
	return u.String()
}

// Options are what the command line adds to the environment.
type Options struct {
	// Host is --host: an endpoint named directly (the default context).
	Host string
	// Context is --context: a context by name.
	Context string
	// Getenv reads the environment; nil reads the process's.
	Getenv func(string) string
}

func (o Options) getenv(name string) string {
	if o.Getenv != nil {
		return o.Getenv(name)
	}
	return os.Getenv(name)
}

// configDir is the CLI's config directory: DOCKER_CONFIG, else ~/.docker
// (cli/config.Dir, which reads the environment only once per process).
func (o Options) configDir() (string, error) {
	if dir := o.getenv(EnvConfig); dir != "" {
		return dir, nil
	}
	home, err := o.home()
	if err != nil {
		return "", fmt.Errorf("docker config directory: %w", err)
	}
	return filepath.Join(home, ".docker"), nil
}

func (o Options) home() (string, error) {
	if h := o.getenv("HOME"); h != "" {
		return h, nil
	}
	if h := o.getenv("USERPROFILE"); h != "" {
		return h, nil
	}
	return os.UserHomeDir()
}

// contextMeta is a stored context's own metadata, as the CLI writes it.
type contextMeta struct {
	Description string `json:",omitempty"`
}

// openStore opens the context store under the CLI config directory.
func (o Options) openStore() (*store.ContextStore, string, error) {
	dir, err := o.configDir()
	if err != nil {
		return nil, "", err
	}
	cfg := store.NewConfig(
		func() any { return &contextMeta{} },
		store.EndpointTypeGetter(dockerEndpoint, func() any { return &clicontext.EndpointMetaBase{} }),
	)
	return store.New(filepath.Join(dir, "contexts"), cfg), dir, nil
}

// Resolve returns the engine the docker command would use with these
// options, in the CLI's order: --context; --host, then DOCKER_HOST (both the
// default context); DOCKER_CONTEXT; currentContext in the CLI config; else
// the default context. A context that is not in the store is an error that
// lists the known ones.
func Resolve(o Options) (Endpoint, error) {
	if o.Host != "" && o.Context != "" {
		return Endpoint{}, errors.New("conflicting options: either specify --host or --context, not both")
	}
	name, err := o.currentName()
	if err != nil {
		return Endpoint{}, err
	}
	var ep Endpoint
	if name == DefaultContext {
		ep, err = o.defaultEndpoint(true)
	} else {
		ep, err = o.stored(name)
	}
	if err != nil {
		return Endpoint{}, err
	}
	ep.Current = true
	return ep, nil
}

// currentName is the CLI's resolveContextName.
func (o Options) currentName() (string, error) {
	switch {
	case o.Context != "":
		return o.Context, nil
	case o.Host != "", o.getenv(EnvHost) != "":
		return DefaultContext, nil
	case o.getenv(EnvContext) != "":
		return o.getenv(EnvContext), nil
	}
	dir, err := o.configDir()
	if err != nil {
		return "", err
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return "", fmt.Errorf("docker CLI config: %w", err)
	}
	if cfg.CurrentContext != "" {
		return cfg.CurrentContext, nil
	}
	return DefaultContext, nil
}

// stored reads one context of the store with its TLS material.
func (o Options) stored(name string) (Endpoint, error) {
	s, _, err := o.openStore()
	if err != nil {
		return Endpoint{}, err
	}
	meta, err := s.GetMetadata(name)
	if err != nil {
		known, listErr := o.Names()
		if listErr != nil {
			return Endpoint{}, fmt.Errorf("docker context %q: %w (and listing the contexts: %v)", name, err, listErr)
		}
		return Endpoint{}, fmt.Errorf("docker context %q not found; known contexts: %s", name, strings.Join(known, ", "))
	}
	return fromMetadata(s, meta)
}

// fromMetadata turns a stored context into an Endpoint.
func fromMetadata(s store.Reader, meta store.Metadata) (Endpoint, error) {
	ep := Endpoint{Name: meta.Name, Source: SourceStore}
	switch m := meta.Metadata.(type) {
	case contextMeta:
		ep.Description = m.Description
	case *contextMeta:
		if m != nil {
			ep.Description = m.Description
		}
	}
	raw, ok := meta.Endpoints[dockerEndpoint]
	if !ok {
		return Endpoint{}, fmt.Errorf("docker context %q has no docker endpoint", meta.Name)
	}
	// The store hands back the value that its type getter's pointer
	// points to.
	var base clicontext.EndpointMetaBase
	switch v := raw.(type) {
	case clicontext.EndpointMetaBase:
		base = v
	case *clicontext.EndpointMetaBase:
		if v != nil {
			base = *v
		}
	default:
		return Endpoint{}, fmt.Errorf("docker context %q: its docker endpoint is malformed (%T)", meta.Name, raw)
	}
	ep.Host, ep.SkipTLSVerify = base.Host, base.SkipTLSVerify
	tlsData, err := clicontext.LoadTLSData(s, meta.Name, dockerEndpoint)
	if err != nil {
		return Endpoint{}, fmt.Errorf("docker context %q: %w", meta.Name, err)
	}
	ep.tls = tlsData
	return ep, nil
}

// defaultEndpoint is the default context: --host, else DOCKER_HOST, with
// TLS from DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH as the CLI
// reads them; with neither, the platform's default socket, or where that is
// missing and there is no context store at all, the first well-known socket
// that exists (if fallback is set).
func (o Options) defaultEndpoint(fallback bool) (Endpoint, error) {
	ep := Endpoint{Name: DefaultContext, Description: "Current DOCKER_HOST based configuration"}
	verify := o.getenv(EnvTLSVerify) != ""
	useTLS := verify || o.getenv(EnvTLS) != ""
	switch {
	case o.Host != "":
		ep.Host, ep.Source = o.Host, SourceFlag
	case o.getenv(EnvHost) != "":
		ep.Host, ep.Source = o.getenv(EnvHost), SourceEnv
	case useTLS:
		ep.Host, ep.Source = defaultTLSHost, SourceDefault
	default:
		ep.Host, ep.Source = client.DefaultDockerHost, SourceDefault
		if fallback && !socketExists(ep.Host) {
			if found, ok := o.wellKnownFallback(); ok {
				return found, nil
			}
		}
	}
	if _, err := client.ParseHostURL(ep.Host); err != nil && !strings.HasPrefix(ep.Host, "ssh://") {
		return Endpoint{}, fmt.Errorf("docker host %s: %w", redactHost(ep.Host), err)
	}
	if useTLS {
		dir := o.getenv(EnvCertPath)
		if dir == "" {
			var err error
			if dir, err = o.configDir(); err != nil {
				return Endpoint{}, err
			}
		}
		tlsData, err := tlsFromDir(dir)
		if err != nil {
			return Endpoint{}, err
		}
		ep.tls, ep.SkipTLSVerify = tlsData, !verify
	}
	return ep, nil
}

// defaultTLSHost is the CLI's default when TLS is asked for without a host.
const defaultTLSHost = "tcp://localhost:2376"

// tlsFromDir reads ca.pem, cert.pem and key.pem from dir, those that exist.
func tlsFromDir(dir string) (*clicontext.TLSData, error) {
	path := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	data, err := clicontext.TLSDataFromFiles(path("ca.pem"), path("cert.pem"), path("key.pem"))
	if err != nil {
		return nil, fmt.Errorf("TLS material in %s: %w", dir, err)
	}
	return data, nil
}

// wellKnownFallback is the first well-known socket, but only where the
// context store holds no context at all: a machine with contexts names its
// engines there.
func (o Options) wellKnownFallback() (Endpoint, bool) {
	if names, err := o.storedNames(); err != nil || len(names) > 0 {
		return Endpoint{}, false
	}
	found := o.WellKnown()
	if len(found) == 0 {
		return Endpoint{}, false
	}
	return found[0], true
}

// storedNames lists the contexts of the store, without "default".
func (o Options) storedNames() ([]string, error) {
	s, _, err := o.openStore()
	if err != nil {
		return nil, err
	}
	names, err := store.Names(s)
	if err != nil {
		return nil, fmt.Errorf("docker context store: %w", err)
	}
	return names, nil
}

// Names lists the context names `docker context ls` shows: "default" and
// every stored one, sorted.
func (o Options) Names() ([]string, error) {
	names, err := o.storedNames()
	if err != nil {
		return nil, err
	}
	names = append(names, DefaultContext)
	slices.Sort(names)
	return slices.Compact(names), nil
}

// List returns every engine: the default context, each context of the store
// (sorted by name), and where the store holds none, the well-known sockets
// that exist. The current one (Resolve) is marked; an unknown current
// context is Resolve's error. A stored context that
// cannot be read is an error naming it.
func List(o Options) ([]Endpoint, error) {
	current, err := Resolve(o)
	if err != nil {
		return nil, err
	}
	def, err := o.defaultEndpoint(false)
	if err != nil {
		return nil, err
	}
	out := []Endpoint{def}
	s, _, err := o.openStore()
	if err != nil {
		return nil, err
	}
	metas, err := s.List()
	if err != nil {
		return nil, fmt.Errorf("docker context store: %w", err)
	}
	slices.SortFunc(metas, func(a, b store.Metadata) int { return strings.Compare(a.Name, b.Name) })
	for _, m := range metas {
		ep, err := fromMetadata(s, m)
		if err != nil {
			return nil, err
		}
		out = append(out, ep)
	}
	if len(metas) == 0 {
		for _, w := range o.WellKnown() {
			if w.Host != def.Host {
				out = append(out, w)
			}
		}
	}
	for i := range out {
		out[i].Current = out[i].Name == current.Name && out[i].Host == current.Host
	}
	return out, nil
}
