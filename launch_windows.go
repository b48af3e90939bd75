package main

// launchArgs is the command line's arguments as the flag parser should see
// them. On Windows a click on a Dockpulse toast while the app is not
// running starts it with -Embedding, which is dropped: that launch opens
// the app as any other does (not the clicked container's logs: the page
// opens those only for a notification it sent).
func launchArgs(args []string) []string {
	return withoutCOMEmbedding(args)
}
