#!/usr/bin/env python3
"""Validates one imapcheck report with the parsers the consuming tools use.

    validate.py FORMAT FILE|DIR ... [--exit N] [--failed CHECK ...] [--at-least N]
    validate.py FORMAT --fleet FILE [--exit N] [--targets NAME ...] [--failed-target NAME ...]

json        jsonschema (draft 2020-12) against schema/imapcheck.report-1.schema.json (a
            saved baseline, schema imapcheck.baseline/1, against its own schema)
junit       xml.etree.ElementTree, then the structure GitLab and Jenkins rely on
nagios      a strict grammar of Monitoring Plugins output, perfdata included
prometheus  prometheus_client's parser, a strict line grammar, and `promtool check
            metrics` (promtool must be installed: without it the check fails)

--fleet: the report of `imapcheck --config` (schema imapcheck.fleet/1; one JUnit testsuite,
one Nagios long-output line per failing target, a target label on every Prometheus sample);
--targets gives the target names in the order the report must have them, --failed-target a
target that must be CRITICAL.

--exit N says which exit code the run had (the format must say the same state);
--failed CHECK says that check failed (the format must show it). A DIR stands for every
*.json in it (the reports the test suite kept); --at-least N fails when fewer than N files
were checked, so an empty collection cannot pass. Exit 0 when every file is valid, 1 with
the reasons on stderr when one is not.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

CHECK_IDS = ["connect", "tls", "capability", "login", "list", "status", "select", "search",
             "fetch", "quota", "logout", "baseline"]
STATES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"]
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schema")
SCHEMA = os.path.join(SCHEMA_DIR, "imapcheck.report-1.schema.json")
FLEET_SCHEMA = os.path.join(SCHEMA_DIR, "imapcheck.fleet-1.schema.json")
BASELINE_SCHEMA = os.path.join(SCHEMA_DIR, "imapcheck.baseline-1.schema.json")


class Invalid(Exception):
    pass


def require(condition, message):
    if not condition:
        raise Invalid(message)


def schema_errors(document, path, prefix=""):
    import jsonschema
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    if path == FLEET_SCHEMA:
        # The fleet schema refers to the report schema by its $id (a urn), which Debian's
        # jsonschema 4.10 cannot resolve "#/$defs/..." inside: each target is checked
        # against the report schema here instead, and the reference must be the report's.
        items = schema["properties"]["targets"]["items"]["allOf"]
        require(items[0] == {"$ref": "urn:imapcheck:schema:report:1"}, "fleet schema's $ref changed")
        items[0] = True
        for i, target in enumerate(document.get("targets", [])):
            errors = schema_errors(target, SCHEMA, f"targets/{i}/")
            if errors:
                return errors
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return "; ".join(prefix + "/".join(str(p) for p in e.absolute_path) + ": " + e.message
                     for e in errors)


def expect_targets(names, states, args):
    """The fleet's target names in order (--targets) and those that must be CRITICAL."""
    if args.targets:
        require(names == args.targets, f"targets {names}, expected {args.targets}")
    for name in args.failed_target:
        require(states.get(name) == "CRITICAL", f"target {name} is {states.get(name)}, not CRITICAL")


def validate_fleet_json(text, args):
    fleet = json.loads(text)
    errors = schema_errors(fleet, FLEET_SCHEMA)
    require(not errors, errors)
    targets = fleet["targets"]
    counted = {state.lower(): sum(1 for t in targets if t["status"] == state) for state in STATES}
    counted["targets"] = len(targets)
    require(fleet["summary"] == counted, f"summary {fleet['summary']} but the targets say {counted}")
    worst = max((t["exit_code"] for t in targets), default=0)
    require(fleet["exit_code"] == worst, f"exit_code {fleet['exit_code']}, worst target {worst}")
    require(fleet["status"] == STATES[worst], "status is not the worst target's")
    names = [t["name"] for t in targets]
    require(len(set(names)) == len(names), f"target names repeat: {names}")
    if args.exit is not None:
        require(fleet["exit_code"] == args.exit, f"exit_code {fleet['exit_code']}, the run exited {args.exit}")
    expect_targets(names, {t["name"]: t["status"] for t in targets}, args)
    return f"{len(targets)} targets, status {fleet['status']}"


def validate_json(text, args):
    if args.fleet:
        return validate_fleet_json(text, args)
    report = json.loads(text)
    if report.get("schema") == "imapcheck.baseline/1":
        # A baseline the suite saved (--save-baseline), kept beside the reports.
        errors = schema_errors(report, BASELINE_SCHEMA)
        require(not errors, errors)
        return f"baseline of {len(report['fields'])} fields"
    errors = schema_errors(report, SCHEMA)
    require(not errors, errors)
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    if args.exit is not None:
        require(report["exit_code"] == args.exit,
                f"exit_code {report['exit_code']}, the run exited {args.exit}")
    for check in args.failed:
        require(statuses.get(check) == "fail", f"check {check} is {statuses.get(check)}, not fail")
    return f"{len(report['checks'])} checks, status {report['status']}"


def validate_fleet_junit(text, args):
    root = ET.fromstring(text.encode("utf-8"))
    require(root.tag == "testsuites", f"root element is <{root.tag}>, not <testsuites>")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    names, states = [], {}
    for suite in root.findall("testsuite"):
        counted = validate_suite(suite, args, fleet=True)
        for key in totals:
            totals[key] += counted[key]
        properties = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        names.append(suite.get("name"))
        states[suite.get("name")] = properties.get("status")
        require(properties.get("status") in STATES, f"{suite.get('name')}: no status property")
    require(len(set(names)) == len(names), f"testsuite names repeat: {names}")
    for key, value in totals.items():
        require(root.get(key) == str(value), f"<testsuites> {key}=\"{root.get(key)}\" but the suites say {value}")
    if args.exit is not None:
        worst = max((STATES.index(s) for s in states.values()), default=0)
        require(worst == args.exit, f"worst target state {STATES[worst]}, the run exited {args.exit}")
    expect_targets(names, states, args)
    return f"{len(names)} test suites, {totals['tests']} test cases, {totals['failures']} failures"


def validate_junit(text, args):
    if args.fleet:
        return validate_fleet_junit(text, args)
    root = ET.fromstring(text.encode("utf-8"))
    require(root.tag == "testsuites", f"root element is <{root.tag}>, not <testsuites>")
    suites = root.findall("testsuite")
    require(len(suites) == 1, f"{len(suites)} <testsuite> elements, expected 1")
    suite = suites[0]
    require(suite.get("name") == "imapcheck", "testsuite name is not imapcheck")
    counted = validate_suite(suite, args, fleet=False)
    require(all(root.get(key) == str(value) for key, value in counted.items()),
            "<testsuites> counts differ from the test cases'")
    return f"{counted['tests']} test cases, {counted['failures']} failures, {counted['skipped']} skipped"


def validate_suite(suite, args, fleet):
    """One <testsuite>: counts that match its test cases, and the cases' structure."""
    cases = suite.findall("testcase")
    counted = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    for element in (suite,):
        for key, value in counted.items():
            require(element.get(key) == str(value),
                    f"<{element.tag}> {key}=\"{element.get(key)}\" but the test cases say {value}")
        require(float(element.get("time")) >= 0, f"<{element.tag}> time is negative")
    names = [c.get("name") for c in cases]
    require(len(set(names)) == len(names), f"test case names repeat: {names}")
    for case in cases:
        name = case.get("name")
        require(name in CHECK_IDS + ["duration"], f"unexpected test case {name}")
        require(re.fullmatch(r"[^@\s]+@[^\s]+:[0-9]+", case.get("classname") or ""),
                f"{name}: classname {case.get('classname')!r} is not user@host:port")
        require(float(case.get("time")) >= 0, f"{name}: negative time")
        outcomes = [e.tag for e in case if e.tag in ("failure", "error", "skipped")]
        require(len(outcomes) <= 1, f"{name}: more than one outcome {outcomes}")
        for element in case.findall("failure") + case.findall("skipped"):
            require(element.get("message"), f"{name}: <{element.tag}> without a message")
        for out in case.findall("system-out"):
            require(re.match(r"(PASS|WARN): ", out.text or ""), f"{name}: system-out {out.text!r}")
    properties = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    for case in cases:
        out = case.find("system-out")
        if out is not None and (out.text or "").startswith("WARN: "):
            # The summary is the first line; the diagnosis may follow it.
            require(properties.get("warn." + case.get("name")) == out.text[6:].split("\n")[0],
                    f"{case.get('name')}: warning without its warn.{case.get('name')} property")
    status = properties.get("status")
    require((counted["failures"] > 0) == (status == "CRITICAL"),
            f"{counted['failures']} failures in a suite whose status is {status}")
    require(properties.get("exit_code") == str(STATES.index(status)) if status in STATES else False,
            f"status property {status} and exit_code property {properties.get('exit_code')} disagree")
    if args.exit is not None and not fleet:
        require(properties.get("exit_code") == str(args.exit),
                f"exit_code property {properties.get('exit_code')}, the run exited {args.exit}")
        require(status == STATES[args.exit], "status property does not match")
    for check in args.failed:
        case = next((c for c in cases if c.get("name") == check), None)
        require(case is not None and case.find("failure") is not None,
                f"test case {check} has no <failure>")
    return counted


# Monitoring Plugins guidelines, "Performance data": 'label'=value[UOM];[warn];[crit];[min];[max]
NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
RANGE = rf"@?(?:(?:~|{NUMBER})?:)?(?:{NUMBER})?"
LABEL = r"(?:'(?:[^'=]|'')+'|[^'=\s]+)"
PERF_ITEM = re.compile(
    rf"(?P<label>{LABEL})=(?P<value>{NUMBER})(?P<uom>s|ms|us|%|B|KB|MB|GB|TB|c)?"
    rf"(?:;(?P<warn>{RANGE})(?:;(?P<crit>{RANGE})(?:;(?P<min>{NUMBER})?(?:;(?P<max>{NUMBER})?)?)?)?)?")
FIRST_LINE = re.compile(r"IMAP (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+?)(?: \| (.+))?")
CHECK_LINE = re.compile(r"\[(OK|WARNING|CRITICAL|SKIPPED)\] ([a-z]+) [0-9]+\.[0-9] ms: ([^|]*)")
CHECK_STATE = {"pass": "OK", "warn": "WARNING", "fail": "CRITICAL", "skip": "SKIPPED"}


FLEET_PERF = re.compile(r"ok=([0-9]+) warning=([0-9]+) critical=([0-9]+) unknown=([0-9]+) "
                        rf"time=({NUMBER})s")
FLEET_LINE = re.compile(r"\[(WARNING|CRITICAL|UNKNOWN)\] (\S+) [0-9]+\.[0-9] ms: ([^|]*)")


def validate_fleet_nagios(text, args):
    require(text.endswith("\n"), "output does not end with a line break")
    lines = text[:-1].split("\n")
    first = FIRST_LINE.fullmatch(lines[0])
    require(first, f"first line is not 'IMAP STATE - summary | perfdata': {lines[0]!r}")
    state, _, perfdata = first.groups()
    perf = FLEET_PERF.fullmatch(perfdata or "")
    require(perf, f"perfdata {perfdata!r} is not ok=N warning=N critical=N unknown=N time=Ns")
    for item in perfdata.split(" "):
        require(PERF_ITEM.fullmatch(item), f"perfdata item {item!r} does not follow the guidelines")
    ok, warning, critical, unknown = (int(perf[i]) for i in range(1, 5))
    states = {}
    for line in lines[1:]:
        m = FLEET_LINE.fullmatch(line)
        require(m, f"long output line {line!r} is not '[STATE] target N.N ms: problem'")
        require(m[2] not in states, f"target {m[2]} twice")
        states[m[2]] = m[1]
    for name, count in (("WARNING", warning), ("CRITICAL", critical), ("UNKNOWN", unknown)):
        listed = sum(1 for s in states.values() if s == name)
        require(listed == count, f"{name.lower()}={count} but {listed} long-output lines say {name}")
    worst = "UNKNOWN" if unknown else "CRITICAL" if critical else "WARNING" if warning else "OK"
    require(state == worst, f"state {state}, but the counts make it {worst}")
    if args.exit is not None:
        require(state == STATES[args.exit], f"state {state}, the run exited {args.exit}")
    for name in args.failed_target:
        require(states.get(name) == "CRITICAL", f"target {name} is {states.get(name)}, not CRITICAL")
    return f"{state}, {ok + warning + critical + unknown} targets, {len(states)} not OK"


def validate_nagios(text, args):
    if args.fleet:
        return validate_fleet_nagios(text, args)
    require(text.endswith("\n"), "output does not end with a line break")
    lines = text[:-1].split("\n")
    first = FIRST_LINE.fullmatch(lines[0])
    require(first, f"first line is not 'IMAP STATE - summary | perfdata': {lines[0]!r}")
    state, _, perfdata = first.groups()
    require(perfdata, "no performance data")
    labels = {}
    for item in perfdata.split(" "):
        m = PERF_ITEM.fullmatch(item)
        require(m, f"perfdata item {item!r} does not follow the guidelines' syntax")
        label = m["label"][1:-1].replace("''", "'") if m["label"][0] == "'" else m["label"]
        require(label not in labels, f"perfdata label {label} repeats")
        labels[label] = m
    states = {}
    last_state = None
    for line in lines[1:]:
        if line.startswith("ALERT from the server: "):
            require("|" not in line, f"'|' in long output: {line!r}")
            continue
        if line.startswith("    "):
            # A warning's or failure's diagnosis: its class and cause, what to try, what was seen.
            require(last_state in ("WARNING", "CRITICAL"), f"diagnosis line under a {last_state} check: {line!r}")
            require(DIAGNOSIS_LINE.fullmatch(line), f"diagnosis line {line!r} is not 'class: cause', 'try: ...' or 'seen: ...'")
            require("|" not in line, f"'|' in long output: {line!r}")
            continue
        m = CHECK_LINE.fullmatch(line)
        require(m, f"long output line {line!r} is not '[STATE] check N.N ms: summary'")
        require(m[2] in CHECK_IDS, f"unknown check {m[2]}")
        states[m[2]] = m[1]
        last_state = m[1]
    require("time" in labels and labels["time"]["uom"] == "s", "no total 'time' in seconds")
    for check, check_state in states.items():
        if check_state != "SKIPPED":
            require(check + "_time" in labels, f"no {check}_time perfdata")
    for name in ("messages", "unseen"):
        if states.get("status") == "OK":
            require(name in labels, f"status passed but there is no {name} perfdata")
    if args.exit is not None:
        require(state == STATES[args.exit], f"state {state}, the run exited {args.exit}")
    for check in args.failed:
        require(states.get(check) == "CRITICAL", f"check {check} is {states.get(check)}, not CRITICAL")
    return f"{state}, {len(labels)} perfdata items, {len(states)} checks"


DIAGNOSIS_LINE = re.compile(r"    (?:[a-z_]+\.[a-z_]+: \S.*|try: \S.*|seen: \S.*)")


SAMPLE_LINE = re.compile(
    r'([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\} (\S+)')


def validate_prometheus(text, args):
    from prometheus_client.parser import text_string_to_metric_families
    require(text.endswith("\n"), "output does not end with a line break")
    # The exposition format line by line: HELP and TYPE once, before the family's samples.
    seen_help, seen_type, series = set(), set(), set()
    for line in text[:-1].split("\n"):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name = line.split(" ")[1:3]
            seen = seen_help if kind == "HELP" else seen_type
            require(name not in seen, f"{kind} for {name} twice")
            seen.add(name)
            if kind == "TYPE":
                require(line == f"# TYPE {name} gauge", f"{name} is not a gauge: {line!r}")
            continue
        m = SAMPLE_LINE.fullmatch(line)
        require(m, f"not a sample line: {line!r}")
        require(m[1] in seen_help and m[1] in seen_type, f"{m[1]} has a sample before HELP and TYPE")
        require(not math.isnan(float(m[3])), f"{m[1]} is NaN")
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in ("imapcheck_up", "imapcheck_exit_code", "imapcheck_duration_seconds",
                 "imapcheck_check_status", "imapcheck_check_duration_seconds"):
        require(name in families, f"{name} missing")
    for family in families.values():
        require(family.documentation, f"{family.name} has no HELP")
        require(family.type == "gauge", f"{family.name} is a {family.type}")
        for s in family.samples:
            require(s.labels.get("host") and "user" in s.labels, f"{s.name} without host and user")
            if args.fleet:
                require(s.labels.get("target"), f"{s.name} without a target label")
            key = (s.name, tuple(sorted(s.labels.items())))
            require(key not in series, f"series {key} repeats")
            series.add(key)
    # One run per target ("" for a single run): its exit code, up and check statuses.
    exits = {s.labels.get("target", ""): s.value for s in families["imapcheck_exit_code"].samples}
    ups = {s.labels.get("target", ""): s.value for s in families["imapcheck_up"].samples}
    require(set(exits) == set(ups), "imapcheck_up and imapcheck_exit_code name different targets")
    for target, exit_code in exits.items():
        require(ups[target] == (1 if exit_code <= 1 else 0),
                f"imapcheck_up {ups[target]} for exit code {exit_code} ({target or 'the run'})")
    status = {(s.labels.get("target", ""), s.labels["check"]): s.value
              for s in families["imapcheck_check_status"].samples}
    require(all(v in (0, 1, 2, 3) for v in status.values()), f"check status out of range: {status}")
    if args.exit is not None:
        worst = max(exits.values(), default=0)
        require(worst == args.exit, f"imapcheck_exit_code {worst}, the run exited {args.exit}")
    for check in args.failed:
        require(status.get(("", check)) == 2, f"imapcheck_check_status for {check} is {status.get(('', check))}")
    if args.fleet:
        order = list(exits)
        require(not args.targets or order == args.targets, f"targets {order}, expected {args.targets}")
        for name in args.failed_target:
            require(exits.get(name) == 2, f"target {name} has exit code {exits.get(name)}, not 2")
    promtool = shutil.which("promtool")
    require(promtool, "promtool is not installed (Debian: apt-get install prometheus)")
    r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    require(r.returncode == 0, f"promtool check metrics: {r.stdout}{r.stderr}")
    return f"{len(families)} metric families, {len(series)} series, promtool ok"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("format", choices=["json", "junit", "nagios", "prometheus"])
    parser.add_argument("files", nargs="+", metavar="FILE|DIR")
    parser.add_argument("--exit", type=int, choices=range(4))
    parser.add_argument("--failed", action="append", default=[], choices=CHECK_IDS)
    parser.add_argument("--at-least", type=int, default=1)
    parser.add_argument("--fleet", action="store_true")
    parser.add_argument("--remove-after", action="store_true",
                        help="delete the files once checked (the suite's collected reports)")
    parser.add_argument("--targets", nargs="+", default=[])
    parser.add_argument("--failed-target", action="append", default=[])
    args = parser.parse_args()
    files = []
    for path in args.files:
        if os.path.isdir(path):
            files += sorted(os.path.join(path, n) for n in os.listdir(path) if n.endswith(".json"))
        else:
            files.append(path)
    if len(files) < args.at_least:
        print(f"only {len(files)} files to validate, expected at least {args.at_least}",
              file=sys.stderr)
        return 1
    validate = globals()["validate_" + args.format]
    bad = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:  # not valid UTF-8 fails here
                summary = validate(f.read(), args)
        except (Invalid, ValueError, ET.ParseError) as e:
            print(f"invalid {args.format} ({path}): {e}", file=sys.stderr)
            bad += 1
            continue
        if len(files) == 1:
            print(f"ok: {args.format}: {summary}")
    if len(files) > 1:
        print(f"{len(files) - bad} of {len(files)} {args.format} files valid")
    if args.remove_after:
        for path in files:
            os.remove(path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
