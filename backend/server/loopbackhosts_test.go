package server

import (
	"net"
	"net/http"
	"testing"
	"testing/fstest"
)

// TestLoopbackHostsKeepsTheHostCheck: a server listening on every interface
// (as in a container, behind a port published on the host's loopback)
// still refuses a foreign name in Host with LoopbackHosts, and answers the
// loopback names; without it, AllowRemote lifts the check.
func TestLoopbackHostsKeepsTheHostCheck(t *testing.T) {
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	for _, tc := range []struct {
		loopbackHosts bool
		want          map[string]int // Host name: status
	}{
		{true, map[string]int{"127.0.0.1": 200, "localhost": 200, "[::1]": 200, "rebound.example": 403, "192.0.2.1": 403}},
		{false, map[string]int{"127.0.0.1": 200, "rebound.example": 200}},
	} {
		f := start(t, Config{Addr: "0.0.0.0:0", AllowRemote: true, LoopbackHosts: tc.loopbackHosts, UI: ui})
		_, port, err := net.SplitHostPort(f.srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range tc.want {
			host := net.JoinHostPort(name, port)
			if name[0] == '[' {
				host = name + ":" + port
			}
			req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("LoopbackHosts %v, Host %s: %d, want %d", tc.loopbackHosts, host, resp.StatusCode, want)
			}
		}
	}
}
