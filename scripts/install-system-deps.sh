#!/usr/bin/env bash
# System packages StreamSpace needs on Debian/Ubuntu: the local runtime (TigerVNC and the session
# apps), Chromium for the end-to-end tests, the Secret Service keychain, PostgreSQL for server mode,
# websockify for the streaming benchmark, and rsvg-convert to check the icons against their SVGs.
# xclip, setxkbmap and xdotool set a session's clipboard, keyboard layout and Caps Lock in the
# viewer's e2e tests.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  tigervnc-standalone-server tigervnc-tools \
  xterm x11-apps x11-xserver-utils firefox-esr chromium fonts-dejavu-core \
  matchbox-window-manager x11-utils \
  gnome-keyring dbus dbus-x11 libsecret-1-0 \
  postgresql websockify \
  procps psmisc xauth ca-certificates \
  librsvg2-bin \
  xclip x11-xkb-utils xdotool
