package enginetest

import (
	"context"
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
	te, err := StartTLSEngine(tb.Context(), dir)
	if te != nil {
		tb.Cleanup(func() {
			if err := te.Close(); err != nil {
				tb.Errorf("enginetest: stop the TLS engine: %v", err)
			}
		})
	}
	if err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	return te
}

// StartTLSEngine starts a TLSEngine kept in dir, with fresh certificates in
// dir/tls, and imports the test image into it. When it returns an engine,
// even with an error, Close stops it and deletes dir.
func StartTLSEngine(ctx context.Context, dir string) (*TLSEngine, error) {
	files, err := GenerateTLS(dir + "/tls")
	if err != nil {
		return nil, err
	}
	port, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	e, err := OpenPrivate(dir)
	if err != nil {
		return nil, err
	}
	te := &TLSEngine{Engine: e, TCPHost: fmt.Sprintf("tcp://127.0.0.1:%d", port), TLS: files}
	e.extraArgs = []string{"--host", te.TCPHost, "--tlsverify",
		"--tlscacert", files.CA, "--tlscert", files.ServerCert, "--tlskey", files.ServerKey}
	if err := e.start(ctx); err != nil {
		return te, fmt.Errorf("TLS engine: %w", err)
	}
	if err := e.EnsureImage(ctx); err != nil {
		return te, fmt.Errorf("TLS engine: %w", err)
	}
	return te, nil
}

// Close stops the engine and deletes its directory.
func (te *TLSEngine) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	return te.destroy(ctx)
}
