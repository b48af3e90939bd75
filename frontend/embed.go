// Package frontend holds the built UI (frontend/dist, from `npm run build`)
// for the binaries that serve it: the desktop app's webview and the serve
// command's browser page.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// UI is the built UI, index.html at its root.
func UI() (fs.FS, error) { return fs.Sub(dist, "dist") }
