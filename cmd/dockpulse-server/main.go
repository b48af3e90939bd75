// dockpulse-server is `dockpulse serve` without the desktop layer: the same
// backend, flags and embedded UI, in a static binary (CGO_ENABLED=0) that
// needs no GTK or WebKitGTK, for a headless server or a container image.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dockpulse/dockpulse/backend/servecmd"
	"github.com/dockpulse/dockpulse/frontend"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := servecmd.Command{Name: "dockpulse-server", Version: version, UI: frontend.UI}.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
