#!/bin/bash
# npm run test:cgroup-v2 [-- TEST_FILE...]: the cgroup integration tests on a
# real cgroup-v2 kernel. These machines are hybrid (v1 controllers), so the
# tests boot a qemu guest with Debian's kernel, cgroup v1 off and every
# cgroup2 controller enabled (scripts/v2vm/, from the project's shared
# tools). The guest sees the host's files read-only with a throw-away
# overlay, so it runs what is built here and writes nothing back.
#
# Inside the guest fork+exec is about 40 times slower, and tap's runner with
# its TypeScript loader alone takes minutes there; so the test files are
# bundled to plain JavaScript here (esbuild, tap left external) and run with
# node directly, all in one boot. Installs what the guest needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

bash scripts/v2vm/install-deps.sh
node scripts/build.mjs
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/integration/cgroup-*.test.ts)
# Two levels below the top, as test/integration is: the tests find dist/ from there.
out=build/v2tests
rm -rf "$out"
node -e '
  require("esbuild").buildSync({ entryPoints: process.argv.slice(1), bundle: true, platform: "node", target: "node20",
    format: "cjs", external: ["tap"], outdir: "build/v2tests", logLevel: "warning" });
' "${files[@]}"

# In the guest: every file at once (each runs its containers one by one),
# their TAP output in turn, then one line "N passed, N failed, N skipped".
guest=$(cat <<'GUEST'
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || { echo "not a cgroup2 guest" >&2; exit 125; }
# The host's /tmp is shared (read-only, writes stay in the guest) so that a
# checkout under /tmp is seen too; the tests' own temp files go to a tmpfs.
mkdir -p /mnt/v2tmp && mount -t tmpfs v2tmp /mnt/v2tmp
export TMPDIR=/mnt/v2tmp
mkdir -p /mnt/v2tmp/v2logs
for f in build/v2tests/*.js; do
  # tap's own timeout (30 s a file when run without the tap runner) is far too short here.
  (TAP_TIMEOUT=900 node "$f" > "/mnt/v2tmp/v2logs/$(basename "$f").tap" 2>&1; echo $? > "/mnt/v2tmp/v2logs/$(basename "$f").rc") &
done
wait
rc=0 pass=0 fail=0 skip=0
for f in build/v2tests/*.js; do
  log=/mnt/v2tmp/v2logs/$(basename "$f").tap
  echo "# $f"
  cat "$log"
  [ "$(cat "/mnt/v2tmp/v2logs/$(basename "$f").rc")" = 0 ] || rc=1
  sum=$(grep '^# { total' "$log" | tail -n 1)
  n() { echo "$sum" | grep -o "$1: [0-9]*" | grep -o '[0-9]*' || echo 0; }
  pass=$((pass + $(n pass))) fail=$((fail + $(n fail))) skip=$((skip + $(n skip)))
  [ -n "$sum" ] || { fail=$((fail + 1)); rc=1; }
done
echo
echo "cgroup v2 guest ($(uname -r)): $pass passed, $fail failed, $skip skipped"
exit $rc
GUEST
)
V2VM_HOST_TMP=1 V2VM_TIMEOUT="${V2VM_TIMEOUT:-1200}" exec scripts/v2vm/run-in-vm.sh "cd $(printf %q "$top") || { echo 'the guest cannot see the checkout' >&2; exit 125; }
$guest"
