//go:build windows

package server

// platformOrigins: WebView2 on Windows serves the page as http://wails.localhost.
var platformOrigins = []string{"http://wails.localhost"}
