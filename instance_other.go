//go:build !linux

package main

// otherInstance is false: on Windows Wails takes its lock before OnStartup
// runs, and on macOS the system keeps one instance of an app bundle.
func otherInstance(string) bool { return false }
