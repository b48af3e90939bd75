//go:build !windows

package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockpulse/dockpulse/backend/model"
)

// fillStore puts n containers with labels into the store, for a snapshot of
// several megabytes: more than the kernel buffers between a server and a
// client that does not read.
func fillStore(f *attackFixture, n int) {
	for i := range n {
		labels := map[string]string{}
		for j := range 20 {
			labels[fmt.Sprintf("label-%02d", j)] = strings.Repeat(fmt.Sprint(j%10), 100)
		}
		f.store.Upsert(model.Container{Engine: "local", ID: fmt.Sprintf("c%05d", i), Name: fmt.Sprintf("container-%05d", i), State: "running", Labels: labels})
	}
}

// dialSmallWindow connects with a receive buffer of a few kilobytes, so the
// server's writes to a client that never reads back up at once.
func dialSmallWindow(addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second, Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		if err != nil {
			return err
		}
		return serr
	}}
	return d.Dial("tcp", addr)
}

// TestAttackAPIClientsThatNeverRead sends a thousand snapshot requests at
// once, from clients that never read the answer. At most maxHeavy answers
// are in progress at a time: the others get 503 with Retry-After at once.
// An answer in progress ends at its write deadline: once that has passed,
// a client that starts reading gets what was already in the buffers and
// then the end of the connection, never the whole snapshot. A client that
// reads gets its snapshot as soon as the slots are free.
func TestAttackAPIClientsThatNeverRead(t *testing.T) {
	const clients = 1000
	writeTimeout := time.Second
	f := startAttackServer(t, Config{WriteTimeout: writeTimeout})
	fillStore(f, 2500)
	req := "GET /api/snapshot?token=" + f.srv.Token() + " HTTP/1.1\r\nHost: " + f.srv.Addr() + "\r\n\r\n"

	conns := make([]net.Conn, clients)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dialSmallWindow(f.srv.Addr())
			if err == nil {
				_, err = io.WriteString(c, req)
			}
			if err != nil {
				errs <- err
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	close(errs)
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	for err := range errs {
		t.Fatalf("a client could not send its request: %v", err)
	}
	sent := time.Now()
	// Every answer that got a slot got it on arrival; each ends at its write
	// deadline, WriteTimeout after it was encoded.
	waitFor(t, 10*time.Second, "answers in progress", func() bool { return len(f.srv.heavy) > 0 })
	waitFor(t, 30*time.Second, "every answer in progress ends", func() bool { return len(f.srv.heavy) == 0 })

	var busy, cut, whole int
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("client %d: no answer: %v", i, err)
		}
		_, err = io.Copy(io.Discard, resp.Body) // chunked: err is nil only at its proper end
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusServiceUnavailable:
			if resp.Header.Get("Retry-After") == "" {
				t.Fatalf("client %d: 503 without Retry-After", i)
			}
			busy++
		case resp.StatusCode == http.StatusOK && err == nil:
			whole++
		case resp.StatusCode == http.StatusOK:
			cut++
		default:
			t.Fatalf("client %d: status %d", i, resp.StatusCode)
		}
	}
	t.Logf("%d clients that did not read: %d answered 503, %d cut at the write deadline, %d served whole; read %v after the last request", clients, busy, cut, whole, time.Since(sent))
	if whole > 0 || cut == 0 || busy < clients-10*maxHeavy {
		t.Fatalf("%d answered 503, %d cut, %d served whole after waiting past the write deadline; want each answer cut at its deadline and all but a few refused with 503", busy, cut, whole)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL()+"/api/snapshot?token="+f.srv.Token(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil || n < 4<<20 {
		t.Fatalf("a reading client after the storm: status %d, %d bytes, %v", resp.StatusCode, n, err)
	}
}
