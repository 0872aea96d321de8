#!/usr/bin/env bash
# Packaging test: cpack builds the .deb from the build tree; it must declare its runtime
# dependencies, ship the binary, man page and completion, and the unpacked binary must run.
# Usage: deb_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" >/dev/null)
deb=$(ls "$work"/imapcheck_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl4 libssl3 libc6; do
	case "$depends" in *"$lib"*) ;; *) echo "FAIL: Depends lacks $lib: $depends"; exit 1 ;; esac
done
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/imapcheck ./usr/share/man/man1/imapcheck.1 ./usr/share/bash-completion/completions/imapcheck; do
	grep -q " $path\$" <<<"$contents" || { echo "FAIL: $path not in the package"; exit 1; }
done
dpkg-deb -x "$deb" "$work/root"
version=$("$work/root/usr/bin/imapcheck" --version)
case "$version" in "imapcheck "*) echo "ok: $version; Depends: $depends" ;; *) echo "FAIL: $version"; exit 1 ;; esac
