package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"time"

	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/logging"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
)

// runServe is `dockpulse serve`: the backend without a window, until ctx is
// done. Its first line on stdout is the URL to open, with a single-use code
// the page trades for the access token; each time a code is used, a fresh
// address follows on its own line (for another tab or browser). Logs go to
// stderr.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("dockpulse serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	addr := fset.String("addr", "127.0.0.1:0", "listen address; loopback only unless --allow-remote")
	allowRemote := fset.Bool("allow-remote", false, "allow a non-loopback --addr: anyone who can reach it and has the token controls Docker")
	tokenFile := fset.String("token-file", "", "keep the access token in this file (created, mode 0600, if missing), so a restarted server keeps it and open pages reconnect by themselves")
	level := fset.String("log-level", "", "log level: debug, info, warn or error (default $"+logging.EnvLevel+", else info)")
	statsMode := statsFlag(fset)
	statsSource := statsSourceFlag(fset)
	contexts := contextFlag(fset)
	fset.Usage = func() {
		fmt.Fprintf(stderr, "usage: dockpulse serve [flags]\n\nRuns the Dockpulse backend headless and serves its UI. The first line on\nstdout is the URL to open; it works once (the page trades its code for the\naccess token), and each use prints a fresh one.\n\n")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "dockpulse serve: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	if err := errors.Join(service.CheckStatsMode(*statsMode), service.CheckStatsSource(*statsSource)); err != nil {
		fmt.Fprintln(stderr, "dockpulse serve:", err)
		return 2
	}
	engine, err := resolveEngine(*contexts)
	if err != nil {
		fmt.Fprintln(stderr, "dockpulse serve:", err)
		return 2
	}
	if !*allowRemote && !server.IsLoopbackAddr(*addr) {
		fmt.Fprintf(stderr, "dockpulse serve: %s is not a loopback address; add --allow-remote if you really mean to expose Docker control to the network\n", *addr)
		return 2
	}
	log, closeLog, err := logging.New(logging.Options{Level: *level, Writer: stderr})
	if err != nil {
		fmt.Fprintln(stderr, "dockpulse serve:", err)
		return 2
	}
	defer func() { _ = closeLog() }() // stderr: nothing left to report to

	ui, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		log.Error("embedded UI", zap.Error(err))
		return 1
	}
	token := "" // a fresh one per launch
	if *tokenFile != "" {
		if token, err = server.TokenFromFile(*tokenFile); err != nil {
			fmt.Fprintln(stderr, "dockpulse serve:", err)
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
	log.Info("engine", zap.String("context", engine.Name), zap.String("endpoint", engine.Display()), zap.String("found", engine.Source))
	svc, err := service.New(service.Config{Engine: engine, StatsMode: *statsMode, StatsSource: *statsSource, Server: server.Config{
		Addr: *addr, AllowRemote: *allowRemote, UI: ui, Version: version, Token: token,
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
