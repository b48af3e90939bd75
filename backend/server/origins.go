package server

// WebviewOrigins are the page origins of the Wails webview this build runs
// in: the platform's production origin (platformOrigins), and in a `wails
// dev` build the dev server's as well (devOrigins). A release build accepts
// no dev origin: anything that binds the dev server's port (or port 80, for
// a *.localhost name) would otherwise serve a page the guard lets in.
var WebviewOrigins = append(append([]string{}, platformOrigins...), devOrigins...)
