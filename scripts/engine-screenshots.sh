#!/usr/bin/env bash
# Takes the README's screenshots of several engines: docs/screenshots/engines-*.png,
# at 1280x800 and 800x600, light and dark.
#
#   scripts/engine-screenshots.sh
#
# It builds the UI and the dockpulse binary, then runs the end-to-end test
# frontend/e2e/engineshots.e2e.ts, which starts `dockpulse serve` against
# three contexts of a temporary DOCKER_CONFIG: two real private engines (the
# one DOCKER_HOST names, or one the test harness starts, and a second one it
# starts) and one pointing at a socket that is not there (down). The test
# checks the layout before each picture. Private engines need root and
# dockerd (see the README's Tests section); Chromium is Debian's.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(pwd)/docs/screenshots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd frontend && npm run build)
go build -o "$work/dockpulse" .
mkdir -p "$out"
(cd frontend && DOCKPULSE_BIN="$work/dockpulse" DOCKPULSE_E2E_SHOTS="$out" \
	npx vitest run --config e2e/vitest.config.ts engineshots.e2e.ts)
ls "$out"/engines-*.png
