#!/bin/sh
# Installs what building and testing tsrun need on a fresh Debian machine:
# a C compiler, busybox (static) for test rootfs, and the npm dependencies.
# Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

need=""
command -v cc >/dev/null 2>&1 || need="$need gcc libc6-dev"
[ -x /bin/busybox ] || need="$need busybox-static"
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: please install:$need" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
