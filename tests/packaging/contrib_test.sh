#!/usr/bin/env bash
# Syntax checks for contrib/ where a checker exists: bash completion (bash -n and a real
# completion), CI YAML (a YAML parser), systemd units (systemd-analyze verify, with
# ExecStart pointed at the built binary). Usage: contrib_test.sh SOURCE_DIR BINARY
set -euo pipefail
src=$1 binary=$2
bash -n "$src/contrib/bash-completion/imapcheck"
# shellcheck disable=SC1091
source "$src/contrib/bash-completion/imapcheck"
COMP_WORDS=(imapcheck --tls st)
COMP_CWORD=2
_imapcheck
[ "${COMPREPLY[*]}" = "starttls" ] || { echo "FAIL: completion of --tls st gave '${COMPREPLY[*]}'"; exit 1; }
/usr/bin/python3 - "$src"/contrib/ci/*.yml <<'PY'
import sys, yaml
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    assert isinstance(doc, dict) and doc, path
PY
if command -v systemd-analyze >/dev/null; then
	units=$(mktemp -d)
	trap 'rm -rf "$units"' EXIT
	sed "s|/usr/bin/imapcheck|$binary|" "$src/contrib/systemd/imapcheck@.service" >"$units/imapcheck@probe.service"
	cp "$src/contrib/systemd/imapcheck@.timer" "$units/imapcheck@probe.timer"
	out=$(cd "$units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./imapcheck@probe.service ./imapcheck@probe.timer 2>&1 || true)
	# Only problems with our own units count (the host's other units are not ours to judge).
	if grep -i "imapcheck@" <<<"$out" | grep -v "Failed to open /etc/imapcheck" ; then exit 1; fi
fi
echo "ok: contrib/ syntax"
