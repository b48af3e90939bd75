#!/usr/bin/env bash
# Runs every fuzz target in the Go backend for a bounded time each.
#
#   scripts/fuzz.sh [FUZZTIME]     default 10s per target (CI); make soak uses more
#
# Targets are found with `go test -list`, so a new Fuzz function is picked up
# without editing this file. New crashers land in the package's
# testdata/fuzz/FuzzX/ directory: commit them, and they run in every plain
# `go test` from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-10s}"
status=0
for pkg in $(go list ./backend/...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"; then
			status=1
		fi
	done
done
exit $status
