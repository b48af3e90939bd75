package main

import (
	"slices"
	"testing"
)

func TestWithoutCOMEmbedding(t *testing.T) {
	for _, c := range []struct{ args, want []string }{
		{nil, []string{}},
		{[]string{"-Embedding"}, []string{}},
		{[]string{"/Embedding"}, []string{}},
		{[]string{"-embedding"}, []string{}},
		{[]string{"--log-level", "debug", "-Embedding"}, []string{"--log-level", "debug"}},
		{[]string{"-Embedding", "--context", "two"}, []string{"--context", "two"}},
		{[]string{"--context", "Embedding"}, []string{"--context", "Embedding"}},
		{[]string{"--Embedding=1", "-Embeddings"}, []string{"--Embedding=1", "-Embeddings"}},
		{[]string{"--version"}, []string{"--version"}},
	} {
		if got := withoutCOMEmbedding(c.args); !slices.Equal(got, c.want) {
			t.Errorf("withoutCOMEmbedding(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}
