#!/bin/sh
# apt-install-missing.sh WHO [PACKAGE...]: installs the Debian packages a
# setup script found missing (none given: nothing to do). WHO names that
# script in the message when it cannot install because it is not root.
set -eu
who=$1
shift
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" != 0 ]; then
  echo "$who: please install: $*" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
