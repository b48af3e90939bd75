package engines

import (
	"os"
	"strings"
)

// candidate is a socket some product puts in a known place.
type candidate struct {
	name    string // the name its product gives its context
	product string
	host    string
}

// WellKnown returns the well-known sockets (wellknown_unix.go,
// wellknown_windows.go) that exist on this machine, in the order they are
// tried, each named as its product names its own context.
func (o Options) WellKnown() []Endpoint {
	var out []Endpoint
	for _, c := range o.candidates() {
		if socketExists(c.host) {
			out = append(out, Endpoint{Name: c.name, Host: c.host, Description: c.product, Source: SourceWellKnown})
		}
	}
	return out
}

// socketExists reports whether a unix socket (or, on Windows, a named pipe)
// is at host. Other schemes are not checked and count as present.
func socketExists(host string) bool {
	scheme, path, ok := strings.Cut(host, "://")
	if !ok {
		return false
	}
	switch scheme {
	case "unix":
		info, err := os.Stat(path)
		return err == nil && info.Mode()&os.ModeSocket != 0
	case "npipe":
		return pipeExists(path)
	}
	return true
}
