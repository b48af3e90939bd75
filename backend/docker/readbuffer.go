package docker

import (
	"fmt"
	"net/http"

	"github.com/docker/docker/client"
)

// WithReadBuffer makes the client read its connections size bytes at a
// time instead of net/http's 4 KiB: one system call a 4 KiB fill of the
// connection's buffer is at most about 28 lines of a flood of 100-byte
// lines; a larger buffer lets one system call take what has piled up
// (backend/logs paces its reads to let it). It goes after the endpoint's
// options (New's extra), whose transport it copies.
func WithReadBuffer(size int) client.Opt {
	return func(c *client.Client) error {
		hc := c.HTTPClient() // a copy, its transport not yet wrapped for tracing
		t, ok := hc.Transport.(*http.Transport)
		if !ok {
			return fmt.Errorf("read buffer: the client's transport is a %T, not an *http.Transport", hc.Transport)
		}
		t = t.Clone()
		t.ReadBufferSize = size
		hc.Transport = t
		return client.WithHTTPClient(hc)(c)
	}
}
