#!/usr/bin/python3
# run_bench.py: the benchmark driver behind scripts/bench. Runs imapcheck, the curl CLI, Python
# imaplib and Node imapflow interleaved against seeded sandbox accounts, measures each whole
# process (wall clock; user+sys CPU and peak RSS from wait4() rusage), checks what each tool saw
# against the seeded truth, and prints a Markdown report (tables, raw figures, per-step split).
"""Usage: run_bench.py --env SANDBOX/env --accounts accounts.json --imapcheck BIN [--runs N]"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = ("imapcheck", "curl", "imaplib", "imapflow")
TOOL_TIMEOUT = 120  # seconds for one run of one tool; a run over it is killed and counted failed
FETCH_ITEMS = "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.4096>)"
STEP_COMMANDS = {  # imapcheck check id -> IMAP command whose tagged reply carries Dovecot's timing
    "login": "AUTHENTICATE", "list": "LIST", "status": "STATUS", "select": "EXAMINE",
    "search": "SEARCH", "fetch": "FETCH", "quota": "GETQUOTAROOT", "logout": "LOGOUT",
}


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            if k:
                env[k] = shlex.split(v)[0] if v else ""
    return env


class Tool:
    """How to run one client against one account, and how to read what it saw."""

    def __init__(self, name, sandbox, imapcheck):
        self.name, self.sb, self.imapcheck = name, sandbox, imapcheck

    def argv(self, acct, trace=None):
        host, port, ca = "127.0.0.1", self.sb["IMAP_PORT"], self.sb["CA_FILE"]
        if self.name == "imapcheck":
            argv = [self.imapcheck, "-H", host, "-p", port, "--tls", "starttls", "--cacert", ca,
                    "-u", acct["user"], "--format", "json", "--no-color"]
            return argv + (["--trace", trace] if trace else [])
        if self.name == "curl":
            # One process, one connection reused across --next; curl does CAPABILITY, STARTTLS
            # and AUTHENTICATE itself. It cannot feed SEARCH's answer into FETCH, so it fetches
            # "*": the seeded newest message is unseen, so it is also the newest hit.
            url = "imap://%s:%s/" % (host, port)
            common = ["--ssl-reqd", "--cacert", ca, "-u", "%s:%s" % (acct["user"], acct["password"]),
                      "-sS", "--max-time", str(TOOL_TIMEOUT)]
            requests = ['LIST "" "*"', "STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)",
                        "EXAMINE INBOX", "SEARCH UNSEEN", "FETCH * " + FETCH_ITEMS, "GETQUOTAROOT INBOX"]
            argv = ["curl"]
            for i, req in enumerate(requests):
                argv += (["--next"] if i else []) + common + [url, "-X", req]
            return argv
        if self.name == "imaplib":
            return ["/usr/bin/python3", os.path.join(HERE, "imaplib_check.py"), host, port,
                    acct["user"], ca]
        if self.name == "imapflow":
            return ["node", os.path.join(HERE, "imapflow_check.mjs"), host, port, acct["user"], ca]
        raise ValueError(self.name)

    def env(self, acct):
        env = dict(os.environ)
        env["IMAPCHECK_PASSWORD"] = acct["password"]
        env["BENCH_PASSWORD"] = acct["password"]
        env["NO_COLOR"] = "1"
        return env

    def parse(self, out):
        """-> (search hits, fetched uid, per-step ms or None) from the tool's stdout."""
        if self.name == "imapcheck":
            rep = json.loads(out)
            checks = {c["id"]: c for c in rep["checks"]}
            hits = checks.get("search", {}).get("details", {}).get("count")
            uid = checks.get("fetch", {}).get("details", {}).get("uid")
            steps = {c["id"]: c["duration_ms"] for c in rep["checks"]}
            return hits, uid, steps, rep["status"]
        if self.name == "curl":
            text = out.decode("latin-1") if isinstance(out, bytes) else out
            hits = None
            for line in text.splitlines():
                if line.startswith("* SEARCH"):
                    hits = (hits or 0) + len(re.findall(r"\d+", line[len("* SEARCH"):]))
            m = re.search(r"\* \d+ FETCH \(.*?UID (\d+)", text)
            return hits, int(m.group(1)) if m else None, None, "-"
        lines = [x for x in out.decode().splitlines() if x.startswith("{")]
        res = json.loads(lines[-1])
        return res.get("search_hits"), res.get("fetched_uid"), None, "-"


def run_measured(argv, env, outpath, errpath, timeout=TOOL_TIMEOUT):
    """Runs argv once; -> dict(wall_s, cpu_s, user_s, sys_s, rss_kib, exit, timed_out).

    Wall time is taken around fork+exec+wait; CPU time and peak RSS come from the wait4()
    rusage of the process (what GNU time prints as %U %S %M, at microsecond resolution)."""
    with open(outpath, "wb") as out, open(errpath, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                             start_new_session=True)
        timed_out = []

        def kill():
            timed_out.append(True)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": t1 - t0, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
            "cpu_s": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss,
            "exit": p.returncode, "timed_out": bool(timed_out)}


def gnu_time_rss(argv, env, tmp):
    """Cross-check: peak RSS of one run as GNU time reports it (%M, KiB)."""
    tf = os.path.join(tmp, "gnutime.txt")
    subprocess.run(["timeout", "-k", "5", str(TOOL_TIMEOUT), "/usr/bin/time", "-o", tf, "-f",
                    "%e %U %S %M"] + argv, env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(tf) as f:
        last = f.read().split("\n")
    fields = [x for x in last if re.match(r"^[\d.]+ [\d.]+ [\d.]+ \d+$", x)]
    return int(fields[-1].split()[3]) if fields else None


def dovecot_times(trace_text):
    """-> {IMAP command: Dovecot's own running time in ms} from an imapcheck --trace file."""
    sent, res = {}, {}
    for line in trace_text.splitlines():
        m = re.match(r"\s*[\d.]+ C: (\S+) (\S+)", line)
        if m:
            sent[m.group(1)] = m.group(2).upper()
            continue
        m = re.match(r"\s*[\d.]+ S: (\S+) OK .*\((\d+\.\d+) \+ (\d+\.\d+)(?: \+ (\d+\.\d+))? secs\)",
                     line)
        if m and m.group(1) in sent:
            res[sent[m.group(1)]] = float(m.group(2)) * 1000.0
    return res


def q(values, p):
    """p-quantile (0..1) with linear interpolation."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def cmd_version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "n/a"


def machine_facts(imapcheck):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    except OSError:
        debian = "n/a"
    try:
        with open(os.path.join(HERE, "node_modules", "imapflow", "package.json")) as f:
            imapflow = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        imapflow = "n/a"
    return [
        ("nproc", str(os.cpu_count())),
        ("CPU", cpu),
        ("kernel", platform.release()),
        ("Debian", debian),
        ("memory", "%.1f GiB" % (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)),
        ("imapcheck", cmd_version([imapcheck, "--version"])),
        ("curl", cmd_version(["curl", "--version"])),
        ("Python", cmd_version(["/usr/bin/python3", "--version"]) + " (imaplib)"),
        ("Node", cmd_version(["node", "--version"]) + ", imapflow " + imapflow),
        ("Dovecot", cmd_version(["dovecot", "--version"])),
    ]


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--env", required=True, help="the sandbox's DIR/env")
    ap.add_argument("--accounts", required=True, help="JSON list: name, user, password, truth")
    ap.add_argument("--imapcheck", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--traces", type=int, default=3, help="extra imapcheck --trace runs per account")
    ap.add_argument("--raw-json", help="also write every run's figures to this file")
    ap.add_argument("--tools", default=",".join(TOOLS))
    a = ap.parse_args()
    if not 1 <= a.runs <= 1000:
        sys.exit("run_bench: --runs must be 1..1000")

    sb = read_env(a.env)
    with open(a.accounts) as f:
        accounts = json.load(f)
    tools = [Tool(n, sb, a.imapcheck) for n in a.tools.split(",")]
    tmp = tempfile.mkdtemp(prefix="icbench-runs.")
    runs = []  # one dict per measured run
    log = lambda *x: print(*x, file=sys.stderr, flush=True)  # noqa: E731

    def one(tool, acct, rnd, measured=True):
        base = os.path.join(tmp, "%s-%s-%d" % (tool.name, acct["name"], rnd))
        m = run_measured(tool.argv(acct), tool.env(acct), base + ".out", base + ".err")
        with open(base + ".out", "rb") as f:
            out = f.read()
        try:
            hits, uid, steps, status = tool.parse(out)
        except (ValueError, KeyError, IndexError):
            hits, uid, steps, status = None, None, None, "unparsable"
        ok = (m["exit"] == 0 and not m["timed_out"] and hits == acct["unseen"]
              and uid == acct["newest_uid"])
        if not ok and measured:
            with open(base + ".err", "rb") as f:
                err = f.read().decode(errors="replace").strip().splitlines()[-3:]
            log("  %s/%s run %d: exit %s, hits %s (true %s), fetched uid %s (true %s) %s" % (
                tool.name, acct["name"], rnd, m["exit"], hits, acct["unseen"], uid,
                acct["newest_uid"], " | ".join(err)))
        m.update(tool=tool.name, account=acct["name"], round=rnd, hits=hits, uid=uid,
                 steps=steps, status=status, correct=ok)
        return m

    # warm-up: each tool once per account (page cache, Dovecot caches), plus a GNU time cross-check
    log("warm-up (not timed) ...")
    gnu = {}
    for acct in accounts:
        for tool in tools:
            one(tool, acct, 0, measured=False)
            gnu[(tool.name, acct["name"])] = gnu_time_rss(tool.argv(acct), tool.env(acct), tmp)

    loads = []
    for rnd in range(1, a.runs + 1):
        loads.append(loadavg())
        for acct in accounts:
            order = tools[rnd % len(tools):] + tools[:rnd % len(tools)]  # rotate the order
            for tool in order:
                runs.append(one(tool, acct, rnd))
        log("round %d/%d done (load %.2f)" % (rnd, a.runs, loadavg()))
    loads.append(loadavg())

    # Dovecot's own time per command, from a few extra traced imapcheck runs (not in the table)
    server = {}
    ic = next((t for t in tools if t.name == "imapcheck"), None)
    for acct in accounts if ic else ():
        per_cmd = {}
        for i in range(a.traces):
            tr = os.path.join(tmp, "trace-%s-%d.txt" % (acct["name"], i))
            run_measured(ic.argv(acct, trace=tr), ic.env(acct), os.devnull, os.devnull)
            with open(tr, errors="replace") as f:
                for k, v in dovecot_times(f.read()).items():
                    per_cmd.setdefault(k, []).append(v)
        server[acct["name"]] = {k: statistics.median(v) for k, v in per_cmd.items()}

    if a.raw_json:
        with open(a.raw_json, "w") as f:
            json.dump({"runs": runs, "gnu_time_rss_kib": {"%s/%s" % k: v for k, v in gnu.items()},
                       "server_ms": server, "load": loads}, f, indent=1)

    report(accounts, tools, runs, gnu, server, loads, a)
    shutil.rmtree(tmp, ignore_errors=True)


def fmt_s(v):
    return "%.3f" % v


def report(accounts, tools, runs, gnu, server, loads, a):
    P = print
    sel = lambda t, acc: [r for r in runs if r["tool"] == t and r["account"] == acc]  # noqa: E731
    P("## Machine\n")
    P("| | |\n|---|---|")
    for k, v in machine_facts(a.imapcheck):
        P("| %s | %s |" % (k, v))
    P("| load (1 min) during the runs | %.2f – %.2f |" % (min(loads), max(loads)))
    P()
    P("## Results (%d runs per tool and account, interleaved; median, min–max in brackets)\n" % a.runs)
    P("| account | tool | wall s | CPU (user+sys) s | peak RSS MiB | wall × | CPU × | RSS × | "
      "SEARCH hits seen / true | newest hit fetched | correct runs |")
    P("|---|---|---|---|---|---|---|---|---|---|---|")
    med = {}
    for acct in accounts:
        for tool in tools:
            rs = sel(tool.name, acct["name"])
            w = [r["wall_s"] for r in rs]
            c = [r["cpu_s"] for r in rs]
            m = [r["rss_kib"] / 1024 for r in rs]
            med[(tool.name, acct["name"])] = (statistics.median(w), statistics.median(c),
                                              statistics.median(m), max(m))
        base = med.get(("imapcheck", acct["name"]))
        for tool in tools:
            rs = sel(tool.name, acct["name"])
            w = [r["wall_s"] for r in rs]
            c = [r["cpu_s"] for r in rs]
            m = [r["rss_kib"] / 1024 for r in rs]
            mw, mc, mm, _ = med[(tool.name, acct["name"])]
            hits = sorted({str(r["hits"]) for r in rs})
            uids = sorted({str(r["uid"]) for r in rs})
            ratio = lambda x, y: "%.2f" % (x / y) if y else "–"  # noqa: E731
            P("| %s (%d msgs) | %s | %s (%s–%s) | %s (%s–%s) | %.1f (%.1f–%.1f) | %s | %s | %s | "
              "%s / %d | %s | %d/%d |" % (
                  acct["name"], acct["messages"], tool.name, fmt_s(mw), fmt_s(min(w)), fmt_s(max(w)),
                  fmt_s(mc), fmt_s(min(c)), fmt_s(max(c)), mm, min(m), max(m),
                  ratio(mw, base[0]) if base else "–", ratio(mc, base[1]) if base else "–",
                  ratio(mm, base[2]) if base else "–", ",".join(hits), acct["unseen"],
                  "UID " + ",".join(uids) + (" ✓" if uids == [str(acct["newest_uid"])] else " ✗"),
                  sum(r["correct"] for r in rs), len(rs)))
    P("\n× = the tool's median divided by imapcheck's median on the same account.")
    P("Peak RSS cross-check with GNU time (`%M`, one warm-up run): " + ", ".join(
        "%s %.1f" % (k[0] + "/" + k[1], v / 1024) for k, v in gnu.items() if v) + " MiB.\n")

    wrong = [(t.name, acc["name"]) for acc in accounts for t in tools
             if any(not r["correct"] for r in sel(t.name, acc["name"]))]
    P("### Correctness\n")
    if not wrong:
        P("Every tool saw the true unseen count and fetched the newest hit on every run.\n")
    for t, acc in wrong:
        rs = sel(t, acc)
        truth = next(x for x in accounts if x["name"] == acc)
        P("- **%s on %s**: %d of %d runs wrong — SEARCH hits seen %s (true %d), fetched UID %s "
          "(true %d), exit codes %s." % (
              t, acc, sum(not r["correct"] for r in rs), len(rs),
              sorted({r["hits"] for r in rs}, key=str), truth["unseen"],
              sorted({r["uid"] for r in rs}, key=str), truth["newest_uid"],
              sorted({r["exit"] for r in rs})))
    P()

    if ("imapcheck", accounts[0]["name"]) in med:
        small, large = accounts[0]["name"], accounts[-1]["name"]
        ic_s, ic_l = med[("imapcheck", small)], med.get(("imapcheck", large))
        cu, py = med.get(("curl", small)), med.get(("imaplib", small))
        P("### Targets (medians)\n")
        P("| target | figures | met? |\n|---|---|---|")
        yes = lambda b: "**yes**" if b else "**no**"  # noqa: E731
        if cu:
            P("| %s: imapcheck wall ≤ curl wall | %.3f s vs %.3f s | %s |" % (
                small, ic_s[0], cu[0], yes(ic_s[0] <= cu[0])))
        if py:
            P("| %s: imapcheck wall ≤ ¼ imaplib wall | %.3f s vs %.3f s (¼ = %.3f s) | %s |" % (
                small, ic_s[0], py[0], py[0] / 4, yes(ic_s[0] <= py[0] / 4)))
        if cu:
            P("| %s: imapcheck CPU ≤ curl CPU | %.3f s vs %.3f s | %s |" % (
                small, ic_s[1], cu[1], yes(ic_s[1] <= cu[1])))
        P("| %s: imapcheck peak RSS ≤ 16 MiB | median %.1f MiB, max %.1f MiB | %s |" % (
            small, ic_s[2], ic_s[3], yes(ic_s[3] <= 16)))
        if ic_l and large != small:
            P("| %s: imapcheck peak RSS ≤ 1.1 × %s's | median %.1f MiB vs %.1f MiB (%.2f×), max %.1f MiB | %s |" % (
                large, small, ic_l[2], ic_s[2], ic_l[2] / ic_s[2], ic_l[3],
                yes(ic_l[2] <= 1.1 * ic_s[2])))
        P()

    P("## Where imapcheck's time goes, per step (median of the timed runs' JSON `duration_ms`)\n")
    P("Dovecot = the server's own time for the command, the first number of its tagged reply "
      "`(running + waiting [+ since last run] secs)`, median of %d traced runs (ms resolution, "
      "rounded up). The rest is the client, the kernel and the loopback wire.\n" % a.traces)
    P("| step | " + " | ".join("%s: imapcheck ms | %s: Dovecot ms | %s: rest ms" % ((x["name"],) * 3)
                              for x in accounts) + " |")
    P("|---|" + "---|---|---|" * len(accounts))
    ids = []
    for r in runs:
        for k in r["steps"] or {}:
            if k not in ids:
                ids.append(k)
    for step in ids:
        cells = []
        for acct in accounts:
            vals = [r["steps"][step] for r in sel("imapcheck", acct["name"])
                    if r["steps"] and step in r["steps"]]
            d = statistics.median(vals) if vals else float("nan")
            sv = server.get(acct["name"], {}).get(STEP_COMMANDS.get(step, "-"))
            cells += ["%.1f" % d, "%.0f" % sv if sv is not None else "–",
                      "%.1f" % max(d - sv, 0.0) if sv is not None else "%.1f" % d]
        P("| %s | %s |" % (step, " | ".join(cells)))
    P()

    P("## Raw figures (wall s / CPU s / peak RSS MiB per run, in run order)\n")
    P("| account | tool | runs |\n|---|---|---|")
    for acct in accounts:
        for tool in tools:
            P("| %s | %s | %s |" % (acct["name"], tool.name, " · ".join(
                "%.3f/%.3f/%.1f" % (r["wall_s"], r["cpu_s"], r["rss_kib"] / 1024)
                for r in sel(tool.name, acct["name"]))))


if __name__ == "__main__":
    main()
