package main

import (
	"slices"
	"testing"
)

// TestLaunchArgsDropCOMEmbedding: a launch by COM for a clicked toast
// parses as a plain launch.
func TestLaunchArgsDropCOMEmbedding(t *testing.T) {
	for _, c := range []struct{ args, want []string }{
		{[]string{"-Embedding"}, []string{}},
		{[]string{"--stats", "all", "/Embedding"}, []string{"--stats", "all"}},
		{[]string{"--version"}, []string{"--version"}},
	} {
		if got := launchArgs(c.args); !slices.Equal(got, c.want) {
			t.Errorf("launchArgs(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}
