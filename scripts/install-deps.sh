#!/bin/sh
# Installs the Debian packages Dockpulse needs to build and test, when they
# are missing: Docker Engine and busybox for the private test engine,
# OpenSSH's server and Podman for the ssh:// and Podman engine tests, GTK and
# WebKitGTK 4.1 headers for the desktop build, Xvfb, openbox, xdotool, xclip and
# ImageMagick to run, minimise, read and photograph the desktop window in tests,
# a D-Bus session bus for its single-instance lock and notifications in
# tests, Chromium for the browser tests, zip for the Windows build.
set -eu

# On macOS the build needs Xcode's command line tools (the webview and the
# compiler), Go and Node.js, none of them from here.
[ "$(uname -s)" = Linux ] || exit 0

packages="docker.io busybox-static openssh-server podman libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config xvfb openbox xdotool xclip imagemagick dbus-daemon dbus-session-bus-common chromium zip"
[ "$#" -gt 0 ] && packages="$packages $*"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing packages:$missing (no apt-get here: install them with your package manager)" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install:$missing" >&2; exit 1; }
	sudo="sudo"
fi
echo "install-deps: installing$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
