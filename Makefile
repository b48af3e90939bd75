# Dockpulse. `make run` builds and starts the desktop app; `make test` runs
# every test against a private Docker engine it starts and stops itself.

SHELL       := /bin/bash
# Read once: a recursive ?= would run git again at each use, so a commit made
# during a long make test would give the test another version than the build.
ifeq ($(origin VERSION),undefined)
VERSION     := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
endif
UNAME       := $(shell uname -s)
# WebKitGTK 4.1 on Linux (4.0 is gone from newer distributions).
ifeq ($(UNAME),Linux)
TAGS        := -tags webkit2_41
WEBKIT_TAG  := ,webkit2_41
endif
WAILS       := go tool wails
BIN         := build/bin/dockpulse
LDFLAGS     := -X main.version=$(VERSION)

.PHONY: all deps frontend build windows run serve dev test fuzz soak bench bench-smoke bench-ui bench-ui-logs bench-desktop package package-deb package-server image sums clean

all: build

## deps: Debian packages, Go modules and npm packages.
deps:
	./scripts/install-deps.sh
	go mod download
	cd frontend && npm ci --no-audit --no-fund

## frontend: the UI bundle that the Go binary embeds.
frontend: deps
	cd frontend && npm run build

## build: the desktop binary, build/bin/dockpulse (the frontend is built
## first, so wails build skips its own frontend step).
build: frontend
	$(WAILS) build $(TAGS) -ldflags "$(LDFLAGS)" -s

## windows: the desktop app for Windows, cross-compiled without cgo, as
## build/dist/dockpulse_VERSION_windows_amd64.zip holding dockpulse.exe (the
## WebView2 runtime it needs ships with Windows 10 and 11). The page calls
## the bound methods through window.go, so no bindings are generated.
WINDOWS_ZIP := build/dist/dockpulse_$(VERSION)_windows_amd64.zip
windows: frontend
	$(WAILS) build -platform windows/amd64 -ldflags "$(LDFLAGS)" -s -skipbindings -o dockpulse.exe
	mkdir -p build/dist
	rm -f $(WINDOWS_ZIP)
	zip -j -q $(WINDOWS_ZIP) build/bin/dockpulse.exe

## run: build and start the desktop app.
run: build
	./$(BIN)

## serve: build and run headless; open the printed URL in a browser.
serve: build
	./$(BIN) serve

## dev: live-reloading development (Vite + Go).
dev: deps
	$(WAILS) dev $(TAGS)

## package: the release into build/dist/, with SHA256SUMS: the desktop
## app's .deb and dockpulse-server, static, for each of SERVER_PLATFORMS.
DIST             := build/dist
SERVER_PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
# More release files: each a target that writes its own files into $(DIST)
# before SHA256SUMS is made (the Windows desktop zip goes here).
PACKAGE_TARGETS  := package-deb package-server windows
# dpkg wants a version that starts with a digit and grows: v1.2.0 is 1.2.0,
# and a bare commit (no tag yet) is 0~gitN.COMMIT, N the number of commits,
# so a later commit sorts after an earlier one (a bare hash that happened to
# start with a digit would not).
DEB_VERSION      := $(shell v='$(VERSION)'; if echo "$$v" | grep -Eq '^v?[0-9]+\.[0-9]'; then echo "$${v#v}"; else echo "0~git$$(git rev-list --count HEAD 2>/dev/null || echo 0).$$v"; fi)
DEB_ARCH         := $(shell go env GOARCH)
SERVER_LDFLAGS   := -s -w -X main.version=$(VERSION)

package: $(PACKAGE_TARGETS)
	$(MAKE) --no-print-directory sums

## package-deb: build/dist/dockpulse_VERSION_ARCH.deb (nfpm, build/linux/nfpm.yaml).
package-deb: build
	rm -rf build/package && mkdir -p build/package $(DIST)
	rm -f $(DIST)/dockpulse_*.deb
	cp $(BIN) build/package/dockpulse
	go run ./scripts/appicons build/appicon.png build/package/icons
	DEB_VERSION='$(DEB_VERSION)' DEB_ARCH='$(DEB_ARCH)' go tool nfpm package --config build/linux/nfpm.yaml --packager deb --target $(DIST)/dockpulse_$(DEB_VERSION)_$(DEB_ARCH).deb

## package-server: build/dist/dockpulse-server-OS-ARCH[.exe], CGO_ENABLED=0.
package-server: frontend
	mkdir -p $(DIST)
	rm -f $(DIST)/dockpulse-server-*
	@set -e; for p in $(SERVER_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		echo "dockpulse-server $$os/$$arch"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags "$(SERVER_LDFLAGS)" -o $(DIST)/dockpulse-server-$$os-$$arch$$ext ./cmd/dockpulse-server; \
	done

## image: the dockpulse-server container image (build/docker/Dockerfile,
## FROM scratch) in the engine at DOCKER_HOST, tagged dockpulse-server:VERSION
## and dockpulse-server:latest, and its tarball in build/dist/.
IMAGE_ARCH ?= amd64
image: package-server
	rm -rf build/image && mkdir -p build/image
	cp $(DIST)/dockpulse-server-linux-$(IMAGE_ARCH) build/image/dockpulse-server
	docker build -f build/docker/Dockerfile -t dockpulse-server:$(VERSION) -t dockpulse-server:latest build/image
	docker save -o $(DIST)/dockpulse-server-image-$(VERSION)-$(IMAGE_ARCH).tar dockpulse-server:$(VERSION)
	$(MAKE) --no-print-directory sums

## sums: build/dist/SHA256SUMS of every file there.
sums:
	cd $(DIST) && rm -f SHA256SUMS && sha256sum -- * > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS

## test: vet (also for Windows and macOS, which cannot be built here: every
## package must compile for them without cgo) and the Windows build, the frontend's linter (ESLint), Go tests (unit, real-engine
## integration and attack suites, with -race), the desktop build in a virtual display, the dashboard end to
## end in headless Chromium, every fuzz target for FUZZTIME, and the
## frontend unit tests, and a smoke run of the benchmark. It builds make
## package and tests the release: it installs the .deb (apt-get, as root)
## and starts it from its menu entry, runs the end-to-end suite against
## dockpulse-server, and builds the image into the test engine and opens
## it in Chromium. Every package without cgo must build for macOS.
# The integration tests and the browser end-to-end suite kill and restart
# the shared engine, so they run after the other packages, never beside them.
test: package
	@set -euo pipefail; \
	export DOCKPULSE_DESKTOP_BIN="$(CURDIR)/$(BIN)" DOCKPULSE_DESKTOP_VERSION="$(VERSION)" DOCKPULSE_WINDOWS_ZIP="$(CURDIR)/$(WINDOWS_ZIP)" DOCKPULSE_SCREENSHOT="$(CURDIR)/build/desktop-test.png" DOCKPULSE_LOGS_SCREENSHOT="$(CURDIR)/build/desktop-logs-test.png" DOCKPULSE_NOTIFY_SCREENSHOT="$(CURDIR)/build/desktop-notification-logs-test.png"; \
	sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	$$sudo apt-get install -y --allow-downgrades "./$(DIST)/dockpulse_$(DEB_VERSION)_$(DEB_ARCH).deb"; \
	export DOCKPULSE_DESKTOP_ENTRY=/usr/share/applications/dockpulse.desktop; \
	dir=$$(mktemp -d /tmp/dpe.XXXXXX); \
	trap 'cd "$(CURDIR)" && go run ./backend/enginetest/testengine stop "'"$$dir"'" && rm -rf "'"$$dir"'"' EXIT; \
	if go run ./backend/enginetest/testengine start "$$dir"; then \
		export DOCKPULSE_TEST_ENGINE_DIR="$$dir" DOCKER_HOST="unix://$$dir/docker.sock"; \
	elif [ -n "$${CI:-}" ]; then \
		echo "make test: the private Docker engine did not start" >&2; exit 1; \
	else \
		echo "make test: no private Docker engine; engine tests use DOCKPULSE_TEST_DOCKER_HOST if set, else skip" >&2; \
	fi; \
	if [ -n "$${DOCKPULSE_TEST_ENGINE_DIR:-}" ]; then \
		$(MAKE) --no-print-directory -o package-server image VERSION="$(VERSION)"; \
		export DOCKPULSE_IMAGE="dockpulse-server:$(VERSION)"; \
	fi; \
	go vet $(TAGS) ./...; \
	GOOS=windows GOARCH=amd64 go vet ./...; \
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 go vet ./...; \
	(cd frontend && npm run lint); \
	go test $(TAGS) -race -count=1 $$(go list ./... | grep -v /backend/integration); \
	go test $(TAGS) -race -count=1 ./backend/integration/; \
	go build -o "$$dir/dockpulse" .; \
	(cd frontend && DOCKPULSE_BIN="$(CURDIR)/$(DIST)/dockpulse-server-linux-$(DEB_ARCH)" npm run e2e); \
	go run ./cmd/dockpulse-bench -bin "$$dir/dockpulse" -server-bin "$(CURDIR)/$(DIST)/dockpulse-server-linux-$(DEB_ARCH)" -smoke; \
	scripts/fuzz.sh $(FUZZTIME); \
	(cd frontend && npm test)

## fuzz: every Go fuzz target for FUZZTIME each.
FUZZTIME ?= 10s
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

## soak: about SOAK (10 min) of container churn with stats streaming and
## clients coming and going, against a private engine; prints RSS, heap and
## goroutines over time and fails if they grow without bound. Then every
## fuzz target for SOAK_FUZZTIME.
SOAK ?= 10m
SOAK_FUZZTIME ?= 1m
soak: frontend
	@set -euo pipefail; \
	dir=$$(mktemp -d /tmp/dpe.XXXXXX); \
	trap 'cd "$(CURDIR)" && go run ./backend/enginetest/testengine stop "'"$$dir"'" && rm -rf "'"$$dir"'"' EXIT; \
	go run ./backend/enginetest/testengine start "$$dir" >/dev/null; \
	export DOCKPULSE_TEST_ENGINE_DIR="$$dir" DOCKER_HOST="unix://$$dir/docker.sock" DOCKPULSE_SOAK="$(SOAK)" CI=1; \
	go test $(TAGS) -run '^TestSoak$$' -count=1 -v -timeout 40m ./backend/integration/; \
	scripts/fuzz.sh $(SOAK_FUZZTIME)

## bench: proof of speed (docs/performance.md) against a private engine it
## starts and stops (or BENCH_DOCKER_HOST); about 10 minutes.
bench: build
	go build -o build/bench/dockpulse .
	CGO_ENABLED=0 go build -o build/bench/dockpulse-server ./cmd/dockpulse-server
	go run ./cmd/dockpulse-bench -bin build/bench/dockpulse -server-bin build/bench/dockpulse-server -desktop-bin $(BIN) -out build/bench/report.md -log build/bench/backend.log $(if $(BENCH_DOCKER_HOST),-docker-host $(BENCH_DOCKER_HOST))

## bench-smoke: the same with tiny sizes (~30 s); fails on lost, misordered
## or gapped events and on leftover containers. make test runs it.
bench-smoke: frontend
	go build -o build/bench/dockpulse .
	CGO_ENABLED=0 go build -o build/bench/dockpulse-server ./cmd/dockpulse-server
	go run ./cmd/dockpulse-bench -bin build/bench/dockpulse -server-bin build/bench/dockpulse-server -smoke

## bench-ui: the dashboard in headless Chromium with 1000 containers (200
## running) for 30 s of live updates, at full speed and with the CPU
## throttled 4x; prints long tasks, the page's busy and CPU time, frame
## figures and the load average (frontend/e2e/bench.e2e.ts lists its knobs).
bench-ui: frontend
	@set -euo pipefail; \
	dir=$$(mktemp -d /tmp/dpe.XXXXXX); \
	trap 'cd "$(CURDIR)" && go run ./backend/enginetest/testengine stop "'"$$dir"'" && rm -rf "'"$$dir"'"' EXIT; \
	go run ./backend/enginetest/testengine start "$$dir" >/dev/null; \
	export DOCKPULSE_TEST_ENGINE_DIR="$$dir" DOCKER_HOST="unix://$$dir/docker.sock"; \
	go build -o "$$dir/dockpulse" .; \
	(cd frontend && DOCKPULSE_BIN="$$dir/dockpulse" npm run e2e:bench)

## bench-ui-logs: the dashboard while its full logs view follows a container
## writing 50,000 lines a second (frontend/e2e/logsbench.e2e.ts lists its
## knobs): long tasks, busy and CPU time with the logs closed, following and
## paused, at full speed and throttled 4x; and, on a container writing 10
## lines a second, each line's time to the frame that shows it against
## docker logs -f on the same container.
bench-ui-logs: frontend
	@set -euo pipefail; \
	dir=$$(mktemp -d /tmp/dpe.XXXXXX); \
	trap 'cd "$(CURDIR)" && go run ./backend/enginetest/testengine stop "'"$$dir"'" && rm -rf "'"$$dir"'"' EXIT; \
	go run ./backend/enginetest/testengine start "$$dir" >/dev/null; \
	export DOCKPULSE_TEST_ENGINE_DIR="$$dir" DOCKER_HOST="unix://$$dir/docker.sock"; \
	go build -o "$$dir/dockpulse" .; \
	(cd frontend && DOCKPULSE_BIN="$$dir/dockpulse" npm run e2e:bench-logs)

## bench-desktop: the same dashboard in the desktop webview (WebKitGTK under
## Xvfb), 1000 containers (200 running), --stats all, 30 s of live updates
## with xdotool scrolling and re-sorting; prints frame gaps from the frame
## probe, the WebKit processes' CPU time and the load average. It builds the
## app with the probe (UI from vite build --mode frameprobe into
## frontend/dist-frameprobe, Go tag frameprobe) into build/bench; the shipped
## UI and binary have none of it. Knobs: BENCH_DESKTOP_FLAGS, e.g.
## "-desktop-containers 100 -desktop-window 5s -desktop-stats visible".
bench-desktop: deps
	cd frontend && npx tsc -b && npx vite build --mode frameprobe
	mkdir -p build/bench
	go build -tags desktop,production,frameprobe$(WEBKIT_TAG) -ldflags "$(LDFLAGS)" -o build/bench/dockpulse-frameprobe .
	go run ./cmd/dockpulse-bench -only desktop -bin build/bench/dockpulse-frameprobe -frameprobe-bin build/bench/dockpulse-frameprobe -log build/bench/desktop.log $(BENCH_DESKTOP_FLAGS)

clean:
	rm -rf build/bin build/dist build/package build/image frontend/dist frontend/dist-frameprobe
