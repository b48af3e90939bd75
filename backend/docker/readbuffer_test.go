package docker

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/dockpulse/dockpulse/backend/engines"
)

// countingConn counts the reads of its connection: the system calls.
type countingConn struct {
	net.Conn
	reads *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	c.reads.Add(1)
	return c.Conn.Read(p)
}

// TestWithReadBuffer: a log stream of small chunks (the engine flushes a
// followed log a chunk a line) that has piled up on the connection is read
// in one system call with the larger buffer, where net/http's 4 KiB takes
// one per 4 KiB.
func TestWithReadBuffer(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "engine.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	// 19.5 KB: a unix socket's buffer holds a few hundred small writes,
	// whatever their bytes, so all of it waits there for the client.
	const lines, lineBytes = 150, 130
	sent := make(chan struct{}, 1) // a stream's every line is written
	engine := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/logs") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.docker.raw-stream")
		w.(http.Flusher).Flush()
		line := []byte(strings.Repeat("x", lineBytes-1) + "\n")
		for range lines {
			_, _ = w.Write(line)
			w.(http.Flusher).Flush() // a chunk each
		}
		sent <- struct{}{}
	})}}
	engine.Start()
	defer engine.Close()

	reads := func(opts ...client.Opt) int64 {
		t.Helper()
		var n atomic.Int64
		dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, "unix", sock)
			return countingConn{c, &n}, err
		}
		opts = append([]client.Opt{client.WithVersion("1.41"), client.WithDialContext(dial)}, opts...)
		c, err := New(engines.Endpoint{Name: "local", Host: "unix://" + sock}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		body, err := c.API().ContainerLogs(context.Background(), "c1", container.LogsOptions{ShowStdout: true, Follow: true})
		if err != nil {
			t.Fatal(err)
		}
		defer body.Close()
		<-sent
		before := n.Load() // the headers' reads
		got, err := io.ReadAll(body)
		if err != nil || len(got) != lines*lineBytes {
			t.Fatalf("read %d bytes (%v), want %d", len(got), err, lines*lineBytes)
		}
		return n.Load() - before
	}
	def, large := reads(), reads(WithReadBuffer(64<<10))
	t.Logf("%d bytes in %d system calls with net/http's buffer, %d with 64 KiB", lines*lineBytes, def, large)
	if def < lines*lineBytes/(4<<10) || large > 2 {
		t.Fatalf("%d system calls with net/http's buffer and %d with 64 KiB: want one for all that piled up (and the end)", def, large)
	}
}
