package main

import "strings"

// withoutCOMEmbedding returns args without the "-Embedding" that COM adds
// when it starts the app as the activator of a clicked toast
// (backend/notify registers the program as the activator's LocalServer32),
// nor the "/Embedding" of COM's older documentation, in any case: the flag
// parser would reject the one and stop at the other. The other arguments
// keep their order.
func withoutCOMEmbedding(args []string) []string {
	kept := make([]string, 0, len(args))
	for _, a := range args {
		if strings.EqualFold(a, "-Embedding") || strings.EqualFold(a, "/Embedding") {
			continue
		}
		kept = append(kept, a)
	}
	return kept
}
