#!/usr/bin/python3
# run_fleet.py: the driver behind scripts/bench --fleet. Checks N sandbox accounts with four
# clients, interleaved round by round: imapcheck --config (one process, a thread pool),
# imapcheck once per account under xargs -P, Python imaplib on a thread pool in one process
# and Node imapflow with as many at once in one process. Measures each run as a whole (wall
# clock; user+sys CPU and peak RSS from wait4() rusage, which covers xargs' children), the
# server's CPU (Dovecot's processes, from /proc) around it, counts the accounts each client
# got right, and prints a Markdown report (table, ratios to imaplib, targets, RSS line).
"""Usage: run_fleet.py --env SANDBOX/env --imapcheck BIN [--rounds N] [--concurrency N]"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

from run_bench import loadavg, machine_facts, read_env, run_measured

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = ("config", "xargs", "imaplib", "imapflow")
LABELS = {"config": "imapcheck --config", "xargs": "imapcheck × N, xargs -P",
          "imaplib": "Python imaplib, thread pool", "imapflow": "Node imapflow, async pool"}
RUN_TIMEOUT = 600  # seconds for one client's run over all accounts; over it is killed, failed
SETTLE_S = 0.5  # after a run, time for Dovecot to reap its imap processes before /proc is read
TICK = os.sysconf("SC_CLK_TCK")


def dovecot_cpu_s(master):
    """utime+stime of every process in the Dovecot master's session (the daemonized master
    and all it starts), plus cutime+cstime: the imap processes that have already exited were
    reaped by the master, which then holds their time."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(rest[3]) == master:  # field 6, session id
            total += sum(int(x) for x in rest[11:15])  # fields 14-17
    return total / TICK


def master_pid(sb):
    with open(os.path.join(sb["SANDBOX_DIR"], "run", "master.pid")) as f:
        return int(f.read().strip())


class Fleet:
    """The accounts, their files, and how each client checks them all."""

    def __init__(self, sb, imapcheck, tmp, concurrency):
        self.sb, self.imapcheck, self.tmp, self.c = sb, imapcheck, tmp, concurrency
        with open(sb["FLEET_PASSWORD_FILE"]) as f:
            self.password = f.read().rstrip("\n")
        self.files = {}

    def users_file(self, n):
        """-> (users file, config file) for the first n fleet accounts."""
        if n not in self.files:
            users = ["fleet%04d" % i for i in range(1, n + 1)]
            uf = os.path.join(self.tmp, "users-%d.txt" % n)
            with open(uf, "w") as f:
                f.write("".join(u + "\n" for u in users))
            cf = os.path.join(self.tmp, "fleet-%d.yml" % n)
            with open(cf, "w") as f:
                f.write("# scripts/bench --fleet: %d sandbox accounts, STARTTLS, the sandbox CA\n"
                        "defaults:\n  host: 127.0.0.1\n  port: %s\n  tls: starttls\n"
                        "  cacert: %s\n  password-file: %s\ntargets:\n" % (
                            n, self.sb["IMAP_PORT"], self.sb["CA_FILE"],
                            self.sb["FLEET_PASSWORD_FILE"]))
                f.write("".join("  - user: %s\n" % u for u in users))
            self.files[n] = (uf, cf, users)
        return self.files[n]

    def argv(self, tool, n, c, outdir):
        uf, cf, _ = self.users_file(n)
        host, port, ca = "127.0.0.1", self.sb["IMAP_PORT"], self.sb["CA_FILE"]
        if tool == "config":
            # --per-host c: every account is on the one server, so the default (4) would
            # hold imapcheck below c connections at once
            return [self.imapcheck, "--config", cf, "--concurrency", str(c), "--per-host", str(c),
                    "--format", "json", "--no-color", "-o", os.path.join(outdir, "fleet.json")]
        if tool == "xargs":
            return ["xargs", "-a", uf, "-P", str(c), "-I", "{}", self.imapcheck, "-H", host,
                    "-p", port, "--tls", "starttls", "--cacert", ca, "-u", "{}",
                    "--password-file", self.sb["FLEET_PASSWORD_FILE"], "--format", "json",
                    "--no-color", "-o", os.path.join(outdir, "{}.json")]
        if tool == "imaplib":
            return ["/usr/bin/python3", os.path.join(HERE, "imaplib_fleet.py"), host, port, uf, ca,
                    "--threads", str(c)]
        if tool == "imapflow":
            return ["node", os.path.join(HERE, "imapflow_fleet.mjs"), host, port, uf, ca, str(c)]
        raise ValueError(tool)

    def env(self):
        env = dict(os.environ)
        env["BENCH_PASSWORD"] = self.password  # the pools read it from the environment
        env["NO_COLOR"] = "1"
        for k in list(env):
            if k.startswith("IMAPCHECK_"):
                del env[k]
        return env

    def correct(self, tool, n, outdir, stdout):
        """-> (accounts whose run succeeded, first few errors)."""
        users = self.users_file(n)[2]
        errors = []
        ok = 0
        if tool == "config":
            try:
                with open(os.path.join(outdir, "fleet.json")) as f:
                    rep = json.load(f)
                reports = {t["target"]["user"]: t for t in rep["targets"]}
            except (OSError, ValueError, KeyError) as e:
                return 0, ["report unreadable: %s" % e]
        elif tool == "xargs":
            reports = {}
            for u in users:
                try:
                    with open(os.path.join(outdir, u + ".json")) as f:
                        reports[u] = json.load(f)
                except (OSError, ValueError) as e:
                    errors.append("%s: %s" % (u, e))
        else:
            reports = {}
            for line in stdout.decode(errors="replace").splitlines():
                if line.startswith("{"):
                    r = json.loads(line)
                    reports[r["user"]] = r
        for u in users:
            r = reports.get(u)
            if r is None:
                errors.append("%s: no result" % u)
                continue
            if tool in ("config", "xargs"):
                checks = {c["id"]: c for c in r.get("checks", [])}
                hits = checks.get("search", {}).get("details", {}).get("count")
                good = r.get("status") == "OK" and hits == 0
                why = "status %s, search hits %s" % (r.get("status"), hits)
            else:
                good = r.get("ok") is True and r.get("search_hits") == 0
                why = r.get("error") or "search hits %s" % r.get("search_hits")
            ok += good
            if not good:
                errors.append("%s: %s" % (u, why))
        return ok, errors[:3]

    def run(self, tool, n, c, tag):
        outdir = os.path.join(self.tmp, tag)
        os.makedirs(outdir, exist_ok=True)
        master = master_pid(self.sb)
        s0 = dovecot_cpu_s(master)
        m = run_measured(self.argv(tool, n, c, outdir), self.env(), os.path.join(outdir, "stdout"),
                         os.path.join(outdir, "stderr"), timeout=RUN_TIMEOUT)
        time.sleep(SETTLE_S)
        m["server_cpu_s"] = dovecot_cpu_s(master) - s0
        with open(os.path.join(outdir, "stdout"), "rb") as f:
            out = f.read()
        m["correct"], m["errors"] = self.correct(tool, n, outdir, out)
        if m["correct"] != n or m["timed_out"]:
            with open(os.path.join(outdir, "stderr"), "rb") as f:
                err = f.read().decode(errors="replace").strip().splitlines()[-2:]
            m["errors"] += err
        m.update(tool=tool, accounts=n, concurrency=c, tag=tag)
        shutil.rmtree(outdir, ignore_errors=True)
        return m


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--env", required=True, help="the sandbox's DIR/env")
    ap.add_argument("--imapcheck", required=True)
    ap.add_argument("--accounts", type=int, help="default: the sandbox's FLEET_ACCOUNTS")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--rss-line", default="4:all,16:all,64:all,16:50",
                    help="imapcheck --config points CONCURRENCY:ACCOUNTS ('all' = --accounts)")
    ap.add_argument("--rss-runs", type=int, default=3, help="runs per RSS-line point")
    ap.add_argument("--raw-json", help="also write every run's figures to this file")
    ap.add_argument("--command", default="", help="the command line, for the report")
    a = ap.parse_args()
    sb = read_env(a.env)
    n = a.accounts or int(sb.get("FLEET_ACCOUNTS") or 0)
    if not 1 <= n <= int(sb.get("FLEET_ACCOUNTS") or 0):
        sys.exit("run_fleet: --accounts must be 1..FLEET_ACCOUNTS (%s)" % sb.get("FLEET_ACCOUNTS"))
    if not 1 <= a.rounds <= 50 or not 1 <= a.concurrency <= 64:
        sys.exit("run_fleet: --rounds must be 1..50, --concurrency 1..64")
    tools = a.tools.split(",")
    points = []
    for p in a.rss_line.split(","):
        pc, pn = p.split(":")
        pn = n if pn == "all" else min(int(pn), n)
        if (int(pc), pn) not in points:
            points.append((int(pc), pn))
    tmp = tempfile.mkdtemp(prefix="icfleet-runs.")
    fleet = Fleet(sb, a.imapcheck, tmp, a.concurrency)
    log = lambda *x: print(*x, file=sys.stderr, flush=True)  # noqa: E731
    started = datetime.datetime.now(datetime.timezone.utc)

    def show(m):
        log("  %-9s %3d/%d correct  wall %.2f s  CPU %.2f s  RSS %.1f MiB  server %.2f s%s" % (
            m["tool"], m["correct"], m["accounts"], m["wall_s"], m["cpu_s"], m["rss_kib"] / 1024,
            m["server_cpu_s"], ("  " + " | ".join(m["errors"])) if m["errors"] else ""))

    # warm-up: each client once (Dovecot creates each account's INBOX at its first login)
    log("warm-up (not timed): %d accounts, concurrency %d ..." % (n, a.concurrency))
    for tool in tools:
        show(fleet.run(tool, n, a.concurrency, "warm-" + tool))

    runs, loads = [], [loadavg()]
    for rnd in range(1, a.rounds + 1):
        order = tools[rnd % len(tools):] + tools[:rnd % len(tools)]  # rotate the order
        for tool in order:
            m = fleet.run(tool, n, a.concurrency, "r%d-%s" % (rnd, tool))
            m["round"] = rnd
            runs.append(m)
            show(m)
        loads.append(loadavg())
        log("round %d/%d done (load %.2f)" % (rnd, a.rounds, loads[-1]))

    line = []
    if "config" in tools:
        log("RSS line: imapcheck --config at %s, %d runs each" % (
            ", ".join("concurrency %d / %d accounts" % p for p in points), a.rss_runs))
        for rep in range(a.rss_runs):
            for pc, pn in points:
                m = fleet.run("config", pn, pc, "rss-%d-%d-%d" % (pc, pn, rep))
                line.append(m)
                show(m)
        loads.append(loadavg())

    if a.raw_json:
        with open(a.raw_json, "w") as f:
            json.dump({"runs": runs, "rss_line": line, "load": loads}, f, indent=1)
    report(a, n, tools, runs, line, points, loads, started)
    shutil.rmtree(tmp, ignore_errors=True)


def report(a, n, tools, runs, line, points, loads, started):
    P = print
    med = lambda xs: statistics.median(xs) if xs else float("nan")  # noqa: E731
    P("### Machine\n")
    P("| | |\n|---|---|")
    for k, v in machine_facts(a.imapcheck):
        if k != "curl":
            P("| %s | %s |" % (k, v))
    P("| date (UTC) | %s |" % started.strftime("%Y-%m-%d %H:%M"))
    P("| load (1 min) during the runs | %.2f – %.2f |" % (min(loads), max(loads)))
    if a.command:
        P("| command | `%s` |" % a.command)
    P()
    P("### Results (%d accounts, concurrency %d, %d rounds, interleaved; median, min–max in "
      "brackets)\n" % (n, a.concurrency, a.rounds))
    P("| client | wall s | client CPU s | CPU / account ms | peak RSS MiB | server CPU / session "
      "ms | correct accounts | wall × | CPU × | RSS × |")
    P("|---|---|---|---|---|---|---|---|---|---|")
    stats = {}
    for t in tools:
        rs = [r for r in runs if r["tool"] == t]
        w, c, m = [r["wall_s"] for r in rs], [r["cpu_s"] for r in rs], [r["rss_kib"] / 1024 for r in rs]
        s = [r["server_cpu_s"] * 1000 / n for r in rs]
        stats[t] = dict(w=w, c=c, m=m, s=s, mw=med(w), mc=med(c), mm=med(m), ms=med(s),
                        ok=[r["correct"] for r in rs])
    base = stats.get("imaplib")
    ratio = lambda x, y: "%.2f" % (x / y) if base and y else "–"  # noqa: E731
    for t in tools:
        st = stats[t]
        P("| %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.1f | %.1f (%.1f–%.1f) | %.1f | %s | %s | "
          "%s | %s |" % (
              LABELS[t].replace("× N", "× %d" % n), st["mw"], min(st["w"]), max(st["w"]), st["mc"],
              min(st["c"]), max(st["c"]), st["mc"] * 1000 / n, st["mm"], min(st["m"]), max(st["m"]),
              st["ms"], " ".join("%d" % x for x in st["ok"]) + " of %d" % n,
              ratio(st["mw"], base and base["mw"]), ratio(st["mc"], base and base["mc"]),
              ratio(st["mm"], base and base["mm"])))
    P("\n× = the client's median divided by Python imaplib's. Client CPU = user+sys of the whole "
      "client (for xargs: xargs and every imapcheck it started), from wait4(). Peak RSS: of the "
      "one process; for xargs the largest of xargs and its imapcheck processes (wait4's "
      "ru_maxrss covers the waited-for children), i.e. one imapcheck process, not their sum. "
      "Server CPU = utime+stime of all Dovecot processes of the sandbox (master's session, "
      "the exited imap processes through the master's cutime/cstime) over the run, divided by "
      "the %d sessions: the floor no client can go below. Correct accounts: one figure per "
      "round.\n" % n)
    errs = [r for r in runs if r["errors"]]
    if errs:
        P("Failures seen: " + "; ".join("round %d %s: %s" % (r["round"], r["tool"],
                                                            " | ".join(r["errors"])) for r in errs) + "\n")

    if line:
        P("### imapcheck --config: peak RSS against concurrency and accounts (%d runs per point; "
          "median, max)\n" % a.rss_runs)
        P("| concurrency | accounts | peak RSS MiB | max MiB | wall s | CPU / account ms | correct |")
        P("|---|---|---|---|---|---|---|")
        pt = {}
        for pc, pn in points:
            rs = [r for r in line if r["concurrency"] == pc and r["accounts"] == pn]
            pt[(pc, pn)] = med([r["rss_kib"] / 1024 for r in rs])
            P("| %d | %d | %.1f | %.1f | %.2f | %.1f | %s |" % (
                pc, pn, pt[(pc, pn)], max(r["rss_kib"] / 1024 for r in rs),
                med([r["wall_s"] for r in rs]), med([r["cpu_s"] for r in rs]) * 1000 / pn,
                " ".join(str(r["correct"]) for r in rs) + " of %d" % pn))
        P()

    if "config" in stats:
        ic = stats["config"]
        yes = lambda b: "**yes**" if b else "**no**"  # noqa: E731
        P("### Targets (medians)\n")
        P("| target | figures | met? |\n|---|---|---|")
        if base:
            P("| client CPU per account ≤ 0.35 × imaplib's | %.1f ms vs %.1f ms: %.2f× | %s |" % (
                ic["mc"] * 1000 / n, base["mc"] * 1000 / n, ic["mc"] / base["mc"],
                yes(ic["mc"] <= 0.35 * base["mc"])))
            P("| wall ≤ 0.9 × imaplib's | %.2f s vs %.2f s: %.2f× | %s |" % (
                ic["mw"], base["mw"], ic["mw"] / base["mw"], yes(ic["mw"] <= 0.9 * base["mw"])))
        P("| peak RSS ≤ 48 MiB at concurrency %d for %d accounts | median %.1f MiB, max %.1f MiB "
          "| %s |" % (a.concurrency, n, ic["mm"], max(ic["m"]), yes(max(ic["m"]) <= 48)))
        cs = sorted({pc for pc, pn in points if pn == n})
        ns = sorted({pn for pc, pn in points if pc == a.concurrency})
        if line and len(cs) > 1 and len(ns) > 1:
            by_c = pt[(cs[-1], n)] - pt[(cs[0], n)]
            by_n = pt[(a.concurrency, ns[-1])] - pt[(a.concurrency, ns[0])]
            # "not with accounts": within the noise of one run (about 1 MiB over the range)
            P("| RSS grows with concurrency, not with accounts | concurrency %d → %d at %d "
              "accounts: %+.1f MiB (%.0f KiB per connection); %d → %d accounts at concurrency %d: "
              "%+.1f MiB (%.0f KiB per account) | %s |" % (
                  cs[0], cs[-1], n, by_c, by_c * 1024 / (cs[-1] - cs[0]), ns[0], ns[-1],
                  a.concurrency, by_n, by_n * 1024 / (ns[-1] - ns[0]),
                  "**yes**" if by_c > 0 and abs(by_n) <= 1 else
                  "**no**: it grows with both" if by_c > 0 else "**no**"))
        P()


if __name__ == "__main__":
    main()
