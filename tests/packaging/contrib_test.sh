#!/usr/bin/env bash
# Syntax checks for contrib/ where a checker exists: bash completion (bash -n and a real
# completion), CI YAML (a YAML parser), systemd units (systemd-analyze verify, with
# ExecStart pointed at the built binary), the Nagios objects (nagios4 -v) and the Icinga 2
# CheckCommand (icinga2 daemon -C), each with the least configuration around it that the
# checker needs (fixtures/). Usage: contrib_test.sh SOURCE_DIR BINARY [PART]
# PART: syntax (completion, options, YAML, the fleet example; the default), systemd, nagios,
# icinga2 or prometheus (promtool on the rules and the scrape config, the dashboard's queries). A part whose checker is not installed exits 77, which CTest reports as skipped
# by the part's name (SKIP_RETURN_CODE), never as a pass.
set -euo pipefail
src=$1 binary=$2 part=${3:-syntax}
skip() {
	echo "SKIP: $1 is not installed, so contrib/ is not checked with it"
	exit 77
}
case $part in
syntax) ;;
systemd) command -v systemd-analyze >/dev/null || skip systemd-analyze ;;
nagios) command -v nagios4 >/dev/null || skip nagios4 ;;
icinga2) command -v icinga2 >/dev/null || skip icinga2 ;;
prometheus) command -v promtool >/dev/null || skip promtool ;;
*) echo "contrib_test.sh: unknown part '$part'" >&2; exit 2 ;;
esac
if [ "$part" = syntax ]; then
bash -n "$src/contrib/bash-completion/imapcheck"
# shellcheck disable=SC1091
source "$src/contrib/bash-completion/imapcheck"
COMP_WORDS=(imapcheck --tls st)
COMP_CWORD=2
_imapcheck
[ "${COMPREPLY[*]}" = "starttls" ] || { echo "FAIL: completion of --tls st gave '${COMPREPLY[*]}'"; exit 1; }
# Every option --help names is completed and documented in the man page.
COMP_WORDS=(imapcheck --)
COMP_CWORD=1
_imapcheck
completions=" ${COMPREPLY[*]} "
man_page=$(sed 's/\\-/-/g' "$src/man/imapcheck.1")
for option in $("$binary" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	[[ $completions == *" $option "* ]] || { echo "FAIL: bash completion lacks $option"; exit 1; }
	grep -q -- "$option" <<<"$man_page" || { echo "FAIL: man page lacks $option"; exit 1; }
done
# The options and IMAPCHECK_<OPTION> variables the examples use are ones imapcheck has.
help_options=$({ "$binary" --help; "$binary" serve --help; } | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
for file in "$src"/contrib/nagios/* "$src"/contrib/icinga2/* "$src"/contrib/systemd/* \
	"$src"/contrib/cron/* "$src"/contrib/ci/* "$src"/contrib/fleet/* "$src"/contrib/prometheus/*; do
	for option in $(grep -v '^ *[#/]' "$file" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -qx -- "$option" <<<"$help_options" || { echo "FAIL: $file uses unknown option $option"; exit 1; }
	done
	for variable in $(grep -o 'IMAPCHECK_[A-Z0-9_]*' "$file" | sort -u); do
		[ "$variable" = IMAPCHECK_PASSWORD ] && continue
		option=--$(tr 'A-Z_' 'a-z-' <<<"${variable#IMAPCHECK_}")
		grep -qx -- "$option" <<<"$help_options" || { echo "FAIL: $file sets $variable, but there is no $option"; exit 1; }
	done
done
COMP_WORDS=(imapcheck --format p)
COMP_CWORD=2
_imapcheck
[ "${COMPREPLY[*]}" = "prometheus" ] || { echo "FAIL: completion of --format p gave '${COMPREPLY[*]}'"; exit 1; }
# The example fleet config is one imapcheck accepts: the only complaint may be that the
# password files systemd would provide are not here.
fleet_out=$("$binary" --config "$src/contrib/fleet/imapcheck.yml" 2>&1 >/dev/null) && { echo "FAIL: the fleet example ran"; exit 1; }
grep -q "cannot read password file '/run/credentials/imapcheck-fleet.service/" <<<"$fleet_out" ||
	{ echo "FAIL: contrib/fleet/imapcheck.yml: $fleet_out"; exit 1; }
/usr/bin/python3 - "$src"/contrib/ci/*.yml <<'PY'
import sys, yaml
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    assert isinstance(doc, dict) and doc, path
PY
echo "ok: contrib/ syntax"
fi
if [ "$part" = systemd ]; then
	units=$(mktemp -d)
	trap 'rm -rf "$units"' EXIT
	sed "s|/usr/bin/imapcheck|$binary|" "$src/contrib/systemd/imapcheck@.service" >"$units/imapcheck@probe.service"
	cp "$src/contrib/systemd/imapcheck@.timer" "$units/imapcheck@probe.timer"
	sed "s|/usr/bin/imapcheck|$binary|" "$src/contrib/systemd/imapcheck-fleet.service" >"$units/imapcheck-fleet.service"
	cp "$src/contrib/systemd/imapcheck-fleet.timer" "$units/imapcheck-fleet.timer"
	sed "s|/usr/bin/imapcheck|$binary|" "$src/contrib/systemd/imapcheck-serve.service" >"$units/imapcheck-serve.service"
	out=$(cd "$units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./imapcheck@probe.service ./imapcheck@probe.timer \
		./imapcheck-fleet.service ./imapcheck-fleet.timer ./imapcheck-serve.service 2>&1 || true)
	# Only problems with our own units count (the host's other units are not ours to judge).
	if grep -i "imapcheck[@-]" <<<"$out" | grep -v "Failed to open /etc/imapcheck" ; then exit 1; fi
	echo "ok: contrib/systemd passes systemd-analyze verify"
	exit 0
fi
if [ "$part" = prometheus ]; then
	promtool check rules "$src/contrib/prometheus/imapcheck-alerts.yml"
	# The scrape config as a whole Prometheus config (its rule file beside it).
	(cd "$src/contrib/prometheus" && promtool check config --syntax-only prometheus.yml)
	# Every series the alerts and the dashboard query is one imapcheck writes.
	/usr/bin/python3 - "$src" <<'PY'
import json, re, sys, yaml, pathlib
src = pathlib.Path(sys.argv[1])
code = "".join(p.read_text() for p in list((src / "src").rglob("*.cpp")))
exprs = [r["expr"] for g in yaml.safe_load(open(src / "contrib/prometheus/imapcheck-alerts.yml"))["groups"]
         for r in g["rules"]]
exprs += [t["expr"] for p in json.load(open(src / "contrib/grafana/imapcheck-dashboard.json"))["panels"]
          for t in p["targets"]]
for expr in exprs:
    for name in re.findall(r"\b((?:imapcheck|probe)_[a-z_]+)", expr):
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert f'"{name}' in code or f'"{base}' in code or f"{name} " in code, f"no series {name} ({expr})"
print(f"ok: {len(exprs)} queries name series imapcheck writes")
PY
	echo "ok: contrib/prometheus passes promtool"
	exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# nagios4 -v and icinga2 daemon -C run as their own users: they must be able to read the
# files (copied here, as a checkout may sit in a private directory) and write a spool.
chmod 1777 "$scratch"
if [ "$part" = nagios ]; then
	cp "$src/tests/packaging/fixtures/nagios-objects.cfg" "$src/contrib/nagios/imapcheck.cfg" "$scratch/"
	chmod 0644 "$scratch"/*.cfg
	cat >"$scratch/nagios.cfg" <<CFG
cfg_file=$scratch/nagios-objects.cfg
cfg_file=$scratch/imapcheck.cfg
check_result_path=$scratch
lock_file=$scratch/nagios.lock
temp_file=$scratch/nagios.tmp
status_file=$scratch/status.dat
log_file=$scratch/nagios.log
CFG
	nagios4 -v "$scratch/nagios.cfg" >"$scratch/nagios.out" 2>&1 ||
		{ grep -iE "error|warning" "$scratch/nagios.out"; echo "FAIL: nagios4 -v"; exit 1; }
	echo "ok: contrib/nagios passes nagios4 -v"
fi
if [ "$part" = icinga2 ]; then
	cp "$src/contrib/icinga2/imapcheck.conf" "$src/tests/packaging/fixtures/icinga2-host.conf" "$scratch/"
	chmod 0644 "$scratch"/*.conf
	printf 'include "%s"\ninclude "%s"\n' "$scratch/imapcheck.conf" "$scratch/icinga2-host.conf" \
		>"$scratch/icinga2.conf"
	icinga2 daemon -C -c "$scratch/icinga2.conf" >"$scratch/icinga2.out" 2>&1 ||
		{ grep -iE "critical|error" "$scratch/icinga2.out"; echo "FAIL: icinga2 daemon -C"; exit 1; }
	echo "ok: contrib/icinga2 passes icinga2 daemon -C"
fi
