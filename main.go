// Dockpulse shows what the local Docker engine is doing the moment it
// happens. `dockpulse` opens the desktop app; `dockpulse serve` runs the same
// backend headless and serves the UI to a browser.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"go.uber.org/zap"

	"github.com/dockpulse/dockpulse/backend/logging"
	"github.com/dockpulse/dockpulse/backend/servecmd"
	"github.com/dockpulse/dockpulse/backend/server"
	"github.com/dockpulse/dockpulse/backend/service"
	"github.com/dockpulse/dockpulse/frontend"
)

//go:embed build/appicon.png
var icon []byte

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := servecmd.Command{Name: "dockpulse serve", Version: version, UI: frontend.UI}.Run(ctx, os.Args[2:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(runDesktop(launchArgs(os.Args[1:])))
}

func runDesktop(args []string) int {
	fset := flag.NewFlagSet("dockpulse", flag.ContinueOnError)
	level := fset.String("log-level", "", "log level: debug, info, warn or error (default $"+logging.EnvLevel+", else info)")
	statsMode := servecmd.StatsFlag(fset)
	statsSource := servecmd.StatsSourceFlag(fset)
	showVersion := fset.Bool("version", false, "print the version and exit")
	engineFlags := servecmd.DefineEngineFlags(fset)
	fset.Usage = func() {
		fmt.Fprintf(fset.Output(), "usage: dockpulse [--version] [--log-level LEVEL] [--stats MODE] [--stats-source SOURCE] [--context NAME]... [--all-contexts]\n       dockpulse serve [--help]\n")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Println("dockpulse", version)
		return 0
	}
	if err := errors.Join(service.CheckStatsMode(*statsMode), service.CheckStatsSource(*statsSource)); err != nil {
		fmt.Fprintln(fset.Output(), "dockpulse:", err)
		return 2
	}
	eps, err := engineFlags.Resolve()
	if err != nil {
		fmt.Fprintln(fset.Output(), "dockpulse:", err)
		return 2
	}
	file, err := logging.DefaultFile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockpulse:", err)
		return 1
	}
	log, closeLog, err := logging.New(logging.Options{Level: *level, File: file})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockpulse:", err)
		return 1
	}
	defer func() {
		if err := closeLog(); err != nil {
			fmt.Fprintln(os.Stderr, "dockpulse: close log:", err)
		}
	}()

	cfg := withRememberedEngines(service.Config{Engines: eps, StatsMode: *statsMode, StatsSource: *statsSource, Server: server.Config{Version: version}},
		len(engineFlags.Contexts) > 0 || engineFlags.All, log)
	if !cfg.WatchNone {
		servecmd.LogEngines(log, cfg.Engines)
	}
	app := NewApp(cfg, log)
	ui, err := frontend.UI()
	if err != nil {
		log.Error("embedded UI", zap.Error(err))
		return 1
	}
	gpu, why, err := webviewGPU(os.Getenv(envWebviewGPU), haveRenderNode())
	if err != nil {
		log.Error("webview hardware acceleration", zap.Error(err))
		return 1
	}
	log.Info("webview hardware acceleration", zap.String("policy", gpuPolicyName(gpu)), zap.String("why", why))
	err = wails.Run(&options.App{
		Title:            "Dockpulse",
		Width:            windowWidth,
		Height:           windowHeight,
		MinWidth:         windowMinWidth,
		MinHeight:        windowMinHeight,
		AssetServer:      &assetserver.Options{Assets: ui},
		BackgroundColour: &options.RGBA{R: 17, G: 20, B: 24, A: 1},
		Linux:            &linux.Options{Icon: icon, ProgramName: "dockpulse", WebviewGpuPolicy: gpu},
		OnStartup:        app.startup,
		OnDomReady:       app.domReady,
		OnShutdown:       app.shutdown,
		Bind:             []any{app},

		SingleInstanceLock: app.singleInstance(),
	})
	if err != nil {
		log.Error("desktop app", zap.Error(err))
		return 1
	}
	return 0
}
