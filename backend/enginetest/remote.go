package enginetest

import (
	"fmt"
	"os"
	"testing"
)

// TLSEngine is a private engine of one test that listens, besides its unix
// socket (for the helpers), on tcp://127.0.0.1:PORT with TLS, verifying
// that clients hold a certificate of its CA (dockerd --tlsverify).
type TLSEngine struct {
	*Engine
	// TCPHost is tcp://127.0.0.1:PORT.
	TCPHost string
	// TLS holds the CA, the server's and a client's certificates.
	TLS TLSFiles
}

// RequireTLSEngine starts a TLSEngine for this test, stopped and removed
// when it ends. It needs what a private engine needs (root, dockerd):
// without it the test is skipped, or fails in CI.
func RequireTLSEngine(tb testing.TB) *TLSEngine {
	tb.Helper()
	if _, err := checkCanStart(); err != nil {
		SkipOrFail(tb, fmt.Sprintf("enginetest: no TLS engine: %v; %s", err, howToGetEngine))
	}
	dir, err := os.MkdirTemp("", "dpt")
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	files, err := GenerateTLS(dir + "/tls")
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	port, err := freeLoopbackPort()
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	e, err := OpenPrivate(dir)
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	te := &TLSEngine{Engine: e, TCPHost: fmt.Sprintf("tcp://127.0.0.1:%d", port), TLS: files}
	e.extraArgs = []string{"--host", te.TCPHost, "--tlsverify",
		"--tlscacert", files.CA, "--tlscert", files.ServerCert, "--tlskey", files.ServerKey}
	e.startForTest(tb, "TLS engine")
	return te
}
