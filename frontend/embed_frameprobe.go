//go:build frameprobe

package frontend

import (
	"embed"
	"io/fs"
)

// The desktop benchmark's UI, with the frame probe compiled in (`npx vite
// build --mode frameprobe`, src/probe). Only a build with the tag frameprobe
// embeds it; every other build embeds dist (embed.go).
//
//go:embed all:dist-frameprobe
var dist embed.FS

// UI is the built UI, index.html at its root.
func UI() (fs.FS, error) { return fs.Sub(dist, "dist-frameprobe") }
