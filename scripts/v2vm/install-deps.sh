#!/bin/bash
# Run by the scripts that boot the cgroup-v2 guest: installs what it needs
# (qemu, Debian's kernel, a static busybox, the initramfs tools) when missing.
set -euo pipefail
need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
ls /boot/vmlinuz-* >/dev/null 2>&1 || need="$need linux-image-amd64"
{ [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; } || need="$need busybox-static"
command -v cpio >/dev/null 2>&1 || need="$need cpio"
command -v xz >/dev/null 2>&1 || need="$need xz-utils"
command -v readelf >/dev/null 2>&1 || need="$need binutils"
command -v file >/dev/null 2>&1 || need="$need file"
sh "$(dirname "$0")/../apt-install-missing.sh" "cgroup-v2 guest" $need

