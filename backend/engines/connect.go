package engines

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/docker/cli/cli/connhelper"
	"github.com/docker/docker/client"
	"github.com/docker/go-connections/tlsconfig"
)

// ClientOpts are the github.com/docker/docker/client options that reach the
// endpoint, as the CLI's own endpoint does (cli/context/docker): a socket
// as it is; tcp:// with the endpoint's TLS material, verifying the engine
// unless the endpoint says to skip it; ssh:// through cli/connhelper, which
// runs `ssh … docker system dial-stdio` for each connection, so ssh's own
// config, agent and known_hosts apply. DOCKER_API_VERSION pins the API
// version as it does for the CLI. Errors never carry key material.
func (e Endpoint) ClientOpts() ([]client.Opt, error) {
	if e.Host == "" {
		return nil, fmt.Errorf("engine %q has no docker endpoint", e.Name)
	}
	helper, err := connhelper.GetConnectionHelper(e.Host)
	if err != nil {
		return nil, fmt.Errorf("engine %s: %w", e, err)
	}
	var opts []client.Opt
	switch {
	case helper != nil:
		opts = append(opts,
			client.WithHTTPClient(&http.Client{Transport: &http.Transport{DialContext: helper.Dialer}}),
			client.WithHost(helper.Host),
			client.WithDialContext(helper.Dialer),
		)
	case isSocket(e.Host):
		opts = append(opts, client.WithHost(e.Host))
	default:
		cfg, err := e.tlsConfig()
		if err != nil {
			return nil, fmt.Errorf("engine %s: %w", e, err)
		}
		if cfg != nil {
			opts = append(opts, client.WithHTTPClient(&http.Client{
				Transport: &http.Transport{
					TLSClientConfig: cfg,
					DialContext:     (&net.Dialer{KeepAlive: 30 * time.Second, Timeout: 30 * time.Second}).DialContext,
				},
				CheckRedirect: client.CheckRedirect,
			}))
		}
		opts = append(opts, client.WithHost(e.Host))
	}
	return append(opts, client.WithVersionFromEnv()), nil
}

// isSocket reports whether the address is a unix socket, a named pipe or a
// file descriptor, where TLS has no place.
func isSocket(host string) bool {
	switch scheme, _, _ := strings.Cut(host, "://"); scheme {
	case "unix", "npipe", "fd":
		return true
	}
	return false
}

// tlsConfig is the endpoint's TLS configuration, or nil where it has none.
// Verification stays on unless the endpoint itself skips it.
func (e Endpoint) tlsConfig() (*tls.Config, error) {
	if e.tls == nil && !e.SkipTLSVerify {
		return nil, nil
	}
	var opts []func(*tls.Config)
	if d := e.tls; d != nil && d.CA != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(d.CA) {
			return nil, errors.New("TLS: the CA certificate (ca.pem) holds no certificate")
		}
		opts = append(opts, func(c *tls.Config) { c.RootCAs = pool })
	}
	if d := e.tls; d != nil && d.Key != nil && d.Cert != nil {
		block, _ := pem.Decode(d.Key)
		if block == nil {
			return nil, errors.New("TLS: the client key (key.pem) holds no PEM block")
		}
		if x509.IsEncryptedPEMBlock(block) { //nolint:staticcheck // only to refuse it, as the CLI does
			return nil, errors.New("TLS: the client key (key.pem) is encrypted, which the docker command no longer supports either")
		}
		pair, err := tls.X509KeyPair(d.Cert, d.Key)
		if err != nil {
			return nil, fmt.Errorf("TLS: client certificate and key: %w", err)
		}
		opts = append(opts, func(c *tls.Config) { c.Certificates = []tls.Certificate{pair} })
	}
	if e.SkipTLSVerify {
		opts = append(opts, func(c *tls.Config) { c.InsecureSkipVerify = true })
	}
	return tlsconfig.ClientDefault(opts...), nil
}
