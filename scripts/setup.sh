#!/bin/sh
# Installs what building and testing tsrun need on a fresh Debian machine:
# a C compiler and Node's C headers, busybox (static) for test rootfs, libseccomp-dev (the
# seccomp tests compare tsrun's filters with libseccomp's), Docker's default
# seccomp profile, and the npm dependencies.
# Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

need=""
command -v cc >/dev/null 2>&1 || need="$need gcc libc6-dev"
[ -x /bin/busybox ] || need="$need busybox-static"
[ -f /usr/include/seccomp.h ] || need="$need libseccomp-dev"
# Node's C headers, for dist/tsrun-spawn.node (scripts/build.mjs looks in the same places).
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
[ -f "$node_prefix/include/node/node_api.h" ] || [ -f /usr/include/node/node_api.h ] || need="$need libnode-dev"
sh scripts/apt-install-missing.sh setup $need

# Docker's default seccomp profile, as Debian's containers-common ships it
# (golang-github-containers-common on bookworm). Only its seccomp.json is
# unpacked, into build/test/: installing the package would pull in a
# container network stack. Tests skip, saying why, if it cannot be had.
profile=build/test/containers-seccomp.json
if [ ! -f /usr/share/containers/seccomp.json ] && [ ! -s "$profile" ] && [ "$(id -u)" = 0 ]; then
  mkdir -p build/test
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  fetch() {
    (cd "$tmp" && { apt-get download -qq containers-common || apt-get download -qq golang-github-containers-common; }) >/dev/null 2>&1
  }
  fetch || { apt-get update -qq && fetch; } || true
  for deb in "$tmp"/*.deb; do
    [ -f "$deb" ] && dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/containers/seccomp.json >"$profile.tmp" 2>/dev/null &&
      [ -s "$profile.tmp" ] && mv "$profile.tmp" "$profile"
  done
  rm -rf "$tmp" "$profile.tmp"
  [ -s "$profile" ] || echo "setup: could not get Docker's default seccomp profile from containers-common; its tests will be skipped" >&2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
