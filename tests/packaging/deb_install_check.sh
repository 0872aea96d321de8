#!/usr/bin/env bash
# Installs the .deb on a clean Debian 12 (a debootstrap minbase chroot) with apt-get, which
# must pull in its runtime dependencies, then runs `imapcheck --version` and a run against
# a closed port (exit 2) from it. Needs root and Debian's mirror; takes about five minutes,
# so it is run by hand, not by CTest. Usage: deb_install_check.sh BUILD_DIR [WORK_DIR]
set -euo pipefail
build=$(cd "$1" && pwd)
work=${2:-$(mktemp -d /tmp/imapcheck-deb-install.XXXXXX)}
mkdir -p "$work"
root=$work/root
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" >/dev/null)
deb=$(ls "$work"/imapcheck_*.deb)
[ -x "$root/bin/sh" ] || debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq /tmp/$(basename "$deb") >/dev/null"
chroot "$root" imapcheck --version
status=0
chroot "$root" /bin/sh -c 'IMAPCHECK_PASSWORD=x imapcheck -H 127.0.0.1 -p 1 -u probe --format nagios' >/dev/null || status=$?
[ "$status" = 2 ] || { echo "FAIL: a run against a closed port exited $status, not 2"; exit 1; }
echo "ok: installed on a clean Debian 12 with $(chroot "$root" dpkg -s imapcheck | grep '^Depends')"
