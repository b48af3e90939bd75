//go:build !windows

package server

// platformOrigins: Wails serves the page as wails://wails on Linux and macOS.
var platformOrigins = []string{"wails://wails"}
