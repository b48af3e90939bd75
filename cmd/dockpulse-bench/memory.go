package main

import (
	"context"
	"fmt"
	"time"
)

// memory measures the backend's RSS as WebSocket clients are added, in
// fresh processes, rounds times.
func (b *bench) memory(ctx context.Context) error {
	counts := b.sz.memClients
	perRound := make([][]float64, len(counts))
	running := len(b.eng.runningIDs(1 << 30))
	settle := 3 * time.Second
	samples := 6
	if b.smoke {
		settle, samples = 500*time.Millisecond, 2
	}
	for r := 0; r < b.sz.rounds; r++ {
		be, err := startBackend(ctx, b.bin, b.eng.host, b.log)
		if err != nil {
			return err
		}
		if err := waitEngineUp(ctx, be, 60*time.Second); err != nil {
			be.stop()
			return err
		}
		var clients []*wsClient
		for i, n := range counts {
			more, err := dialMany(ctx, be, n-len(clients))
			if err != nil {
				closeAll(clients)
				be.stop()
				return err
			}
			clients = append(clients, more...)
			time.Sleep(settle)
			perRound[i] = append(perRound[i], float64(rssMedian(be.pid(), samples, 500*time.Millisecond)))
		}
		closeAll(clients)
		be.stop()
	}
	t := b.table
	t.section(fmt.Sprintf("3. Memory of the WebSocket layer: backend RSS (median of %d fresh processes), %d running containers streaming stats", b.sz.rounds, running))
	base := median(perRound[0])
	for i, n := range counts {
		m := median(perRound[i])
		target := ""
		if n == 10 {
			target = verdict(m-base <= 2<<20, "≤ +2 MiB")
		}
		if i == 0 {
			t.add(fmt.Sprintf("RSS with %d clients", n), mib(m), "", "", "")
			continue
		}
		t.add(fmt.Sprintf("RSS with %d clients", n), mib(m), mib(base)+" (0 clients)",
			fmt.Sprintf("%+.2f MiB (%.0f KiB per client)", (m-base)/(1<<20), (m-base)/1024/float64(n)), target)
	}
	return nil
}
