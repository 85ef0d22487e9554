#!/bin/bash
# npm run conformance:cgroup-v2 -- --suite DIR [runner options]: the
# conformance run (test/conformance/runner.ts) inside the cgroup-v2-only
# qemu guest (scripts/v2vm/), in one boot. The suite must be where the guest
# sees it: under /tmp (shared with the guest) or elsewhere on the host's
# root (read-only there). The bundles go to a tmpfs of the guest's own: on
# the guest's overlay root a program cannot make the device nodes it tests
# with.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/v2vm/install-deps.sh
node scripts/build.mjs
args=$(printf '%q ' "$@")
guest="cd $(printf %q "$PWD") || { echo 'the guest cannot see the checkout' >&2; exit 125; }
mkdir -p /mnt/conformance && mount -t tmpfs conformance /mnt/conformance && TMPDIR=/mnt/conformance node scripts/conformance.mjs $args"
V2VM_HOST_TMP=1 V2VM_TIMEOUT="${V2VM_TIMEOUT:-3600}" exec scripts/v2vm/run-in-vm.sh "$guest"
