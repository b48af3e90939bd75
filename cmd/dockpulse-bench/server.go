package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/dockpulse/dockpulse/backend/protocol"
)

// serveCommand is the arguments that run the serve command in bin:
// `dockpulse serve`, or dockpulse-server itself.
func serveCommand(bin string) []string {
	if strings.HasPrefix(filepath.Base(bin), "dockpulse-server") {
		return nil
	}
	return []string{"serve"}
}

// headless compares dockpulse-server (no desktop layer, static) with the
// desktop binary's `serve` (-desktop-bin, a make build binary that loads
// GTK and WebKitGTK; else -bin): RSS and CPU with serverRunning running
// containers, every one streamed at 1 Hz, and one client, in alternating
// rounds of the same run.
func (b *bench) headless(ctx context.Context) error {
	if b.serverBin == "" {
		b.progress("no -server-bin: skipping the headless server")
		return nil
	}
	n := b.sz.serverRunning
	if _, _, err := b.eng.ensureContainers(ctx, n, n); err != nil {
		return err
	}
	desktopBin := b.desktopBin
	if desktopBin == "" {
		desktopBin = b.bin
	}
	var desktop, server []windowResult
	for r := 0; r < b.sz.rounds; r++ {
		for _, bin := range []string{desktopBin, b.serverBin} {
			be, c, err := b.oneClient(ctx, bin, "--stats", protocol.StatsAll)
			if err != nil {
				return err
			}
			time.Sleep(b.sz.warmup)
			w := b.measureWindow(be.pid(), b.sz.window)
			if c.SampleCount() == 0 {
				b.failf("headless: %s got no stats sample", filepath.Base(bin))
			}
			c.Close()
			be.stop()
			if bin == desktopBin {
				desktop = append(desktop, w)
			} else {
				server = append(server, w)
			}
		}
	}
	d, s := medianWindow(desktop), medianWindow(server)
	t := b.table
	t.section(fmt.Sprintf("7. Headless: dockpulse-server vs the desktop binary's `dockpulse serve`, %d running containers, `--stats all`, one WebSocket client; median of %d windows of %s each", n, b.sz.rounds, b.sz.window))
	t.add("RSS: dockpulse-server vs dockpulse serve", mib(float64(s.rss)), mib(float64(d.rss)), ratio(float64(s.rss), float64(d.rss)), verdict(s.rss <= 25<<20, "≤ 25 MiB"))
	t.add("CPU (% of one core): dockpulse-server vs dockpulse serve", pct(s.cpu), pct(d.cpu), ratio(s.cpu, d.cpu), "")
	return nil
}
