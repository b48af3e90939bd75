//go:build !windows

package main

import (
	"slices"
	"testing"
)

// TestLaunchArgsAreAsGiven: only Windows' COM adds an argument of its own;
// elsewhere -Embedding is an unknown flag like any other.
func TestLaunchArgsAreAsGiven(t *testing.T) {
	for _, args := range [][]string{nil, {"--version"}, {"-Embedding"}, {"--context", "two", "/Embedding"}} {
		if got := launchArgs(args); !slices.Equal(got, args) {
			t.Errorf("launchArgs(%q) = %q, want them unchanged", args, got)
		}
	}
}
