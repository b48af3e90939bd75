//go:build !dev

package server

// devOrigins: none outside `wails dev` builds (see origins_dev.go).
var devOrigins []string
