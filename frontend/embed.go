//go:build !frameprobe

// Package frontend holds the built UI (frontend/dist, from `npm run build`)
// for the binaries that serve it: the desktop app's webview and the serve
// command's browser page. A build with the tag frameprobe embeds the
// benchmark's UI instead (embed_frameprobe.go).
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// UI is the built UI, index.html at its root.
func UI() (fs.FS, error) { return fs.Sub(dist, "dist") }
