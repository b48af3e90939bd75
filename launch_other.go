//go:build !windows

package main

// launchArgs is the command line's arguments as the flag parser should see
// them: as they are (only Windows' COM adds one of its own, see
// launch_windows.go).
func launchArgs(args []string) []string {
	return args
}
