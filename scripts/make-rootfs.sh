#!/bin/sh
# Makes a small rootfs from the host's own binaries:
#   scripts/make-rootfs.sh DIR
# With busybox (static, from busybox-static) it is busybox and its applet
# links. Without it, it is sh and a few tools copied with the shared
# libraries they load, the way one builds a chroot by hand.
set -eu
dir=${1:?usage: make-rootfs.sh DIR}
mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin etc proc sys dev tmp root usr/bin usr/sbin var/tmp
chmod 1777 tmp var/tmp

busybox=$(command -v busybox || true)
if [ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1; then
  cp "$busybox" bin/busybox
  for applet in $(bin/busybox --list); do
    [ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
  done
else
  for tool in sh ls cat echo id hostname sleep true false env mkdir rm grep readlink stat touch ps; do
    src=$(command -v "$tool" || true)
    [ -n "$src" ] || continue
    cp -L "$src" "bin/$tool"
    for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*'); do
      mkdir -p ".$(dirname "$lib")"
      [ -e ".$lib" ] || cp -L "$lib" ".$lib"
    done
  done
fi

echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> etc/passwd
echo 'root:x:0:' > etc/group
echo 'nogroup:x:65534:' >> etc/group
: > etc/hostname
