#!/bin/sh
# From a fresh machine to a running container: install what is needed, build
# tsrun, make the busybox bundle's rootfs from the host's busybox, and run it.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
node scripts/build.mjs
[ -x bundles/busybox/rootfs/bin/busybox ] || sh scripts/make-rootfs.sh bundles/busybox/rootfs
echo "+ tsrun run --bundle bundles/busybox demo" >&2
exec ./dist/tsrun.js run --bundle bundles/busybox "demo-$$"
