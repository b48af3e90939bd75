// Command testengine starts and stops the private Docker engine that the
// Makefile shares among test binaries, so that they never touch the user's
// engine:
//
//	testengine start DIR   start dockerd in DIR (or reuse the one there), import
//	                       the test image, write DIR/env and print it
//	testengine stop DIR    remove the test containers and stop dockerd
//
// Test binaries attach to it through DOCKPULSE_TEST_ENGINE_DIR=DIR.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

const usage = "usage: testengine start|stop DIR"

func main() {
	log.SetFlags(0)
	log.SetPrefix("testengine: ")
	if len(os.Args) != 3 {
		log.Print(usage)
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var err error
	switch cmd, dir := os.Args[1], os.Args[2]; cmd {
	case "start":
		err = start(ctx, dir)
	case "stop":
		err = stop(ctx, dir)
	default:
		cancel()
		log.Printf("unknown command %q; %s", cmd, usage)
		os.Exit(2)
	}
	cancel()
	if err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

// start leaves a ready engine with TestImage running in dir, detached from
// this process, and prints the environment that reaches it.
func start(ctx context.Context, dir string) error {
	e, err := enginetest.StartPrivate(ctx, dir)
	if err != nil {
		return fmt.Errorf("start engine in %s: %w", dir, err)
	}
	if err := e.EnsureImage(ctx); err != nil {
		return err
	}
	if _, err := e.WriteEnvFile(); err != nil {
		return err
	}
	for _, line := range e.EnvLines() {
		if _, err := fmt.Println(line); err != nil {
			return fmt.Errorf("print env: %w", err)
		}
	}
	return nil
}

// stop removes the test containers and stops the engine in dir; an engine
// that is not running is fine.
func stop(ctx context.Context, dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		log.Printf("no engine in %s", dir)
		return nil
	}
	e, err := enginetest.OpenPrivate(dir)
	if err != nil {
		return err
	}
	running, err := e.Shutdown(ctx, enginetest.StopGrace)
	if err != nil {
		return fmt.Errorf("stop engine in %s: %w", dir, err)
	}
	if running {
		log.Printf("stopped the engine in %s", e.Dir)
	} else {
		log.Printf("no engine running in %s", e.Dir)
	}
	return nil
}
