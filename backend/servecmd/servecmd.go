// Package servecmd is the serve command: the Dockpulse backend without a
// window, serving its UI to a browser. The desktop binary runs it as
// `dockpulse serve`, and dockpulse-server (cmd/dockpulse-server), built
// without the desktop layer, runs nothing else.
package servecmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/logging"
	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
)

// Command is the serve command as one binary runs it.
type Command struct {
	Name    string                // how the user invokes it: "dockpulse serve", "dockpulse-server"
	Version string                // the build's version, sent in hello
	UI      func() (fs.FS, error) // the built UI
}

// Run is the serve command: the backend without a window, until ctx is
// done. Its first line on stdout is the URL to open, with a single-use code
// the page trades for the access token; each time a code is used, a fresh
// address follows on its own line (for another tab or browser). Logs go to
// stderr.
func (c Command) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	addr := fset.String("addr", "127.0.0.1:0", "listen address; loopback only unless --allow-remote")
	allowRemote := fset.Bool("allow-remote", false, "allow a non-loopback --addr: anyone who can reach it and has the token controls Docker")
	loopbackHosts := fset.Bool("loopback-hosts", false, "with --allow-remote, still answer only requests addressed to a loopback name, and print addresses on 127.0.0.1: for a container listening on 0.0.0.0:8080 whose port is published on the host's loopback only (docker run -p 127.0.0.1:8080:8080)")
	tokenFile := fset.String("token-file", "", "keep the access token in this file (created, mode 0600, if missing), so a restarted server keeps it and open pages reconnect by themselves")
	level := fset.String("log-level", "", "log level: debug, info, warn or error (default $"+logging.EnvLevel+", else info)")
	statsMode := StatsFlag(fset)
	statsSource := StatsSourceFlag(fset)
	engineFlags := DefineEngineFlags(fset)
	showVersion := fset.Bool("version", false, "print the version and exit")
	fset.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [flags]\n\nRuns the Dockpulse backend headless and serves its UI. The first line on\nstdout is the URL to open; it works once (the page trades its code for the\naccess token), and each use prints a fresh one.\n\n", c.Name)
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", c.Name, fset.Arg(0))
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, strings.Fields(c.Name)[0], c.Version) // the program's name: dockpulse, dockpulse-server
		return 0
	}
	if err := errors.Join(service.CheckStatsMode(*statsMode), service.CheckStatsSource(*statsSource)); err != nil {
		fmt.Fprintln(stderr, c.Name+":", err)
		return 2
	}
	eps, err := engineFlags.Resolve()
	if err != nil {
		fmt.Fprintln(stderr, c.Name+":", err)
		return 2
	}
	if !*allowRemote && !server.IsLoopbackAddr(*addr) {
		fmt.Fprintf(stderr, "%s: %s is not a loopback address; add --allow-remote if you really mean to expose Docker control to the network\n", c.Name, *addr)
		return 2
	}
	log, closeLog, err := logging.New(logging.Options{Level: *level, Writer: stderr})
	if err != nil {
		fmt.Fprintln(stderr, c.Name+":", err)
		return 2
	}
	defer func() { _ = closeLog() }() // stderr: nothing left to report to

	ui, err := c.UI()
	if err != nil {
		log.Error("embedded UI", zap.Error(err))
		return 1
	}
	token := "" // a fresh one per launch
	if *tokenFile != "" {
		if token, err = server.TokenFromFile(*tokenFile); err != nil {
			fmt.Fprintln(stderr, c.Name+":", err)
			return 2
		}
	}
	var host string // the printed addresses' host:port, once listening
	printURL := func(code string) error {
		u := url.URL{Scheme: "http", Host: host, Path: "/", RawQuery: url.Values{"code": {code}}.Encode()}
		_, err := fmt.Fprintln(stdout, u.String())
		return err
	}
	// The next codes are printed in order by one goroutine, so a reader of
	// stdout that is slow or gone never holds up the page that traded.
	next := make(chan string, 16)
	LogEngines(log, eps)
	svc, err := service.New(service.Config{Engines: eps, StatsMode: *statsMode, StatsSource: *statsSource, Server: server.Config{
		Addr: *addr, AllowRemote: *allowRemote, LoopbackHosts: *loopbackHosts, UI: ui, Version: c.Version, Token: token,
		OnNewCode: func(code string) {
			select {
			case next <- code:
			default:
				log.Warn("the next address is not printed: stdout is not read")
			}
		},
	}}, log)
	if err != nil {
		log.Error("start", zap.Error(err))
		return 1
	}
	if err := svc.Start(ctx); err != nil {
		log.Error("start", zap.Error(err))
		return 1
	}
	host = svc.Server.Addr()
	if *loopbackHosts && !server.IsLoopbackAddr(host) {
		// The server answers only loopback names: the address to print is
		// the published port's on the host, the same number by convention.
		_, port, err := net.SplitHostPort(host)
		if err != nil {
			log.Error("listen address", zap.String("addr", host), zap.Error(err))
			return 1
		}
		host = net.JoinHostPort("127.0.0.1", port)
	}
	if err := printURL(svc.Server.Code()); err != nil {
		log.Error("print URL", zap.Error(err))
		return 1
	}
	go func() {
		for {
			select {
			case code := <-next:
				if err := printURL(code); err != nil {
					log.Warn("print the next address", zap.Error(err))
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := svc.Stop(sctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("stop", zap.Error(err))
		return 1
	}
	return 0
}

// EnvStats sets the default of --stats, for the desktop app started from a
// launcher.
const EnvStats = "DOCKPULSE_STATS"

// StatsFlag defines --stats, which chooses the service's StatsMode. The
// default samples by view: on an engine measured in docs/performance.md it
// halves the engine's CPU for stats, and what is on screen stays live.
func StatsFlag(fset *flag.FlagSet) *string {
	return fset.String("stats", envOr(EnvStats, protocol.StatsVisible), "stats sampling: \"visible\" streams what a window shows at 1 Hz and samples the other running containers every 5 s; \"all\" streams every running container at 1 Hz (default $"+EnvStats+", else visible)")
}

// envOr is the environment variable name, or def where it is unset or
// empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// EnvStatsSource sets the default of --stats-source.
const EnvStatsSource = "DOCKPULSE_STATS_SOURCE"

// StatsSourceFlag defines --stats-source, which chooses the service's
// StatsSource. The default reads the kernel's files where it can: every
// container at 1 Hz for almost nothing (docs/performance.md).
func StatsSourceFlag(fset *flag.FlagSet) *string {
	return fset.String("stats-source", envOr(EnvStatsSource, service.StatsSourceAuto), "where stats come from: \"kernel\" reads the cgroup files of a local engine's containers (a remote engine's stats still come from it, with a warning), \"engine\" asks the engine, \"auto\" reads the kernel's where it can and checks it against the engine's now and then, falling back to the engine when they disagree (default $"+EnvStatsSource+", else auto)")
}
