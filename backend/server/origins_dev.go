//go:build dev

package server

// devOrigins are accepted only in `wails dev` builds (Wails builds them with
// the dev tag): the dev webview on Linux and macOS (wails://wails.localhost
// with the dev server's port) and on Windows (http://wails.localhost with
// it), a browser opened on the dev server, and the production origins of the
// other platforms, so a dev build behaves the same everywhere.
var devOrigins = []string{
	"wails://wails",
	"http://wails.localhost",
	"wails://wails.localhost:34115",
	"http://wails.localhost:34115",
	"http://localhost:34115",
}
