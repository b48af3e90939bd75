package server

import (
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Refused requests need no credential, so a local process or a web page
// the user opens can cause thousands a second; logging each would fill the
// disk (tens of gigabytes an hour). Within each refusalWindow the first
// refusalBurst are logged in full; the rest are only counted, per source
// (the peer's address and the Origin), and summarised when the window
// ends: a line for each of the refusalSummaries busiest sources, and one
// for all others. At most refusalSources sources are told apart; more are
// counted together, so a client that varies its Origin cannot grow the
// table. A flood therefore costs at most refusalBurst + refusalSummaries +
// 1 log lines a window, whatever its rate.
const (
	refusalWindow    = time.Minute
	refusalBurst     = 10
	refusalSummaries = 5
	refusalSources   = 256
)

// refusalSource is whom a summary line names.
type refusalSource struct {
	remote string // the peer's IP address, without the port
	origin string // redacted and cut, as in a full line
}

// refusalLog logs refused requests within the limits above.
type refusalLog struct {
	log    *zap.Logger
	guard  *guard
	window time.Duration

	mu      sync.Mutex
	logged  int // full lines in this window
	counts  map[refusalSource]int
	others  int         // suppressed refusals from sources beyond refusalSources
	timer   *time.Timer // ends the window; nil between windows
	stopped bool
}

func newRefusalLog(log *zap.Logger, g *guard) *refusalLog {
	return &refusalLog{log: log, guard: g, window: refusalWindow, counts: map[refusalSource]int{}}
}

// refused logs, or counts, one refused request.
func (l *refusalLog) refused(r *http.Request, rej *rejection) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer == nil && !l.stopped {
		l.timer = time.AfterFunc(l.window, l.flush)
	}
	if l.logged < refusalBurst {
		l.logged++
		l.log.Info("refused request", l.guard.refusalFields(r, rej)...)
		return
	}
	src := refusalSource{remote: remoteIP(r.RemoteAddr), origin: l.guard.redact(r.Header.Get("Origin"))}
	if _, ok := l.counts[src]; ok || len(l.counts) < refusalSources {
		l.counts[src]++
	} else {
		l.others++
	}
}

// flush ends the window: the summary of what was counted, and a fresh start.
func (l *refusalLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.summarise()
	l.logged, l.timer = 0, nil
}

// stop writes what is counted and starts no new window (server shutdown).
func (l *refusalLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.summarise()
	l.stopped = true
}

// summarise logs the counted refusals, busiest sources first, and forgets
// them. The caller holds mu.
func (l *refusalLog) summarise() {
	if len(l.counts) == 0 && l.others == 0 {
		return
	}
	srcs := make([]refusalSource, 0, len(l.counts))
	for s := range l.counts {
		srcs = append(srcs, s)
	}
	sort.Slice(srcs, func(i, j int) bool { return l.counts[srcs[i]] > l.counts[srcs[j]] })
	per := fmt.Sprintf("in the last %v", l.window)
	if l.window == time.Minute {
		per = "in the last minute"
	}
	rest, restSources := l.others, 0
	if l.others > 0 {
		restSources = 1 // at least one source not told apart
	}
	for i, s := range srcs {
		n := l.counts[s]
		if i >= refusalSummaries {
			rest += n
			restSources++
			continue
		}
		from := s.remote
		if s.origin != "" {
			from += " (Origin " + s.origin + ")"
		}
		l.log.Info(fmt.Sprintf("%d refused requests from %s %s", n, from, per),
			zap.Int("refused", n), zap.String("remote", s.remote), zap.String("origin", s.origin), zap.Duration("window", l.window))
	}
	if rest > 0 {
		l.log.Info(fmt.Sprintf("%d refused requests from other sources %s", rest, per),
			zap.Int("refused", rest), zap.Int("sources", restSources), zap.Duration("window", l.window))
	}
	clear(l.counts)
	l.others = 0
}

// remoteIP is the address part of a peer's host:port.
func remoteIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}
