#!/bin/sh
# Installs the engines that npm run test:engines drives tsrun with, from
# Debian: docker.io (dockerd, the docker CLI, containerd and ctr, iptables)
# and podman (with conmon). Safe to run again: it installs only what is
# missing. The tests start their own daemons; they never use the system's.
set -eu

need=""
for tool in dockerd docker iptables; do command -v $tool >/dev/null 2>&1 || need="$need docker.io"; done
for tool in containerd ctr; do command -v $tool >/dev/null 2>&1 || need="$need containerd"; done
for tool in podman conmon; do command -v $tool >/dev/null 2>&1 || need="$need podman"; done
need=$(echo $need | tr ' ' '\n' | sort -u | tr '\n' ' ')
sh "$(dirname "$0")/apt-install-missing.sh" setup-engines $need
