#!/usr/bin/python3
# run_serve.py: the driver behind scripts/bench --serve. Two exporters, already started by
# scripts/bench against one sandbox Dovecot: imapcheck serve (the full check sequence, login
# included, one config target per fleet account) and Debian's prometheus-blackbox-exporter
# (its shallow tcp imap_starttls module: greeting, STARTTLS, CAPABILITY, no login). A thread
# pool (urllib, N at once) sends each, interleaved round by round, one /probe request per
# account; the exporter process's CPU (utime+stime from /proc/PID/stat) and Dovecot's are
# read around each batch. Then a long run of probes to imapcheck serve alone, with its VmRSS
# and VmHWM read every --rss-every probes. Prints a Markdown report (table, ratio, targets).
"""Usage: run_serve.py --env SANDBOX/env --imapcheck BIN --serve-pid PID --serve-url URL
                    --blackbox-pid PID --blackbox-url URL [--rounds N] [--concurrency N]"""

import argparse
import concurrent.futures
import datetime
import json
import os
import statistics
import sys
import time
import urllib.parse
import urllib.request

from run_bench import loadavg, machine_facts, read_env, cmd_version
from run_fleet import dovecot_cpu_s, master_pid, TICK

REQUEST_TIMEOUT = 30  # seconds for one /probe answer
SETTLE_S = 0.5  # after a batch, time for Dovecot to reap its imap processes before /proc is read
CPU_TARGET = 1.0  # imapcheck serve's CPU per probe ≤ this × blackbox's
RSS_TARGET_MIB = 64


def proc_cpu_s(pid):
    """utime+stime of the whole process (all its threads), seconds."""
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / TICK  # fields 14, 15


def proc_mem_kib(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def probe(url):
    """-> (probe_success value or None, error text or '')."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as r:
            body = r.read().decode(errors="replace")
    except Exception as e:  # noqa: BLE001 -- any failure counts as a failed probe
        return None, "%s: %s" % (url, e)
    for line in body.splitlines():
        if line.startswith("probe_success "):
            v = float(line.split()[1])
            return v, "" if v == 1 else "%s: probe_success %g" % (url, v)
    return None, "%s: no probe_success in the answer" % url


def batch(pool, pid, master, urls):
    """Sends every url, concurrency = the pool's; -> measurements of the batch."""
    c0, s0, t0 = proc_cpu_s(pid), dovecot_cpu_s(master), time.monotonic()
    results = list(pool.map(probe, urls))
    wall = time.monotonic() - t0
    cpu = proc_cpu_s(pid) - c0  # before the settle: the exporter is idle from here
    time.sleep(SETTLE_S)
    server = dovecot_cpu_s(master) - s0
    errors = [e for v, e in results if e]
    return dict(probes=len(urls), wall_s=wall, cpu_s=cpu, server_cpu_s=server,
                success=sum(1 for v, e in results if v == 1), errors=errors[:3],
                mem=proc_mem_kib(pid))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--env", required=True, help="the sandbox's DIR/env")
    ap.add_argument("--imapcheck", required=True, help="for the version in the report")
    ap.add_argument("--serve-pid", type=int, required=True)
    ap.add_argument("--serve-url", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--blackbox-pid", type=int, required=True)
    ap.add_argument("--blackbox-url", required=True)
    ap.add_argument("--blackbox-bin", default="/usr/bin/prometheus-blackbox-exporter")
    ap.add_argument("--accounts", type=int, help="default: the sandbox's FLEET_ACCOUNTS")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rss-probes", type=int, default=10000)
    ap.add_argument("--rss-every", type=int, default=1000)
    ap.add_argument("--raw-json", help="also write every batch's figures to this file")
    ap.add_argument("--command", default="", help="the command line, for the report")
    a = ap.parse_args()
    sb = read_env(a.env)
    n = a.accounts or int(sb.get("FLEET_ACCOUNTS") or 0)
    if not 1 <= n <= int(sb.get("FLEET_ACCOUNTS") or 0):
        sys.exit("run_serve: --accounts must be 1..FLEET_ACCOUNTS (%s)" % sb.get("FLEET_ACCOUNTS"))
    if not 1 <= a.rounds <= 50 or not 1 <= a.concurrency <= 64 or not 0 <= a.rss_probes <= 20000:
        sys.exit("run_serve: --rounds must be 1..50, --concurrency 1..64, --rss-probes 0..20000")
    master = master_pid(sb)
    users = ["fleet%04d" % i for i in range(1, n + 1)]
    ic_urls = ["%s/probe?target=%s" % (a.serve_url, u) for u in users]
    bb_target = urllib.parse.quote("127.0.0.1:%s" % sb["IMAP_PORT"], safe="")
    bb_urls = ["%s/probe?module=imap_starttls&target=%s" % (a.blackbox_url, bb_target)] * n
    tools = {"imapcheck": (a.serve_pid, ic_urls), "blackbox": (a.blackbox_pid, bb_urls)}
    log = lambda *x: print(*x, file=sys.stderr, flush=True)  # noqa: E731
    started = datetime.datetime.now(datetime.timezone.utc)
    t_start = time.monotonic()

    def show(tool, m):
        log("  %-9s %3d/%d probe_success  wall %.2f s  CPU %.3f s (%.2f ms/probe)  server %.2f s"
            "  RSS %.1f MiB%s" % (tool, m["success"], m["probes"], m["wall_s"], m["cpu_s"],
                                  m["cpu_s"] * 1000 / m["probes"], m["server_cpu_s"],
                                  m["mem"]["VmRSS"] / 1024,
                                  ("  " + " | ".join(m["errors"])) if m["errors"] else ""))

    runs, rss, loads = [], [], [loadavg()]
    with concurrent.futures.ThreadPoolExecutor(a.concurrency) as pool:
        log("warm-up (not timed): %d probes each, %d at once ..." % (n, a.concurrency))
        for tool, (pid, urls) in tools.items():
            show(tool, batch(pool, pid, master, urls))
        for rnd in range(1, a.rounds + 1):
            order = list(tools) if rnd % 2 else list(reversed(tools))
            for tool in order:
                pid, urls = tools[tool]
                m = batch(pool, pid, master, urls)
                m.update(tool=tool, round=rnd)
                runs.append(m)
                show(tool, m)
            loads.append(loadavg())
            log("round %d/%d done (load %.2f)" % (rnd, a.rounds, loads[-1]))

        if a.rss_probes:
            log("RSS: %d probes to imapcheck serve, %d at once, cycling over the %d targets, "
                "VmRSS/VmHWM every %d ..." % (a.rss_probes, a.concurrency, n, a.rss_every))
            rss.append(dict(done=0, mem=proc_mem_kib(a.serve_pid)))
            done = 0
            while done < a.rss_probes:
                k = min(a.rss_every, a.rss_probes - done)
                urls = [ic_urls[(done + i) % n] for i in range(k)]
                m = batch(pool, a.serve_pid, master, urls)
                done += k
                m["done"] = done
                rss.append(m)
                log("  %5d probes: VmRSS %.1f MiB  VmHWM %.1f MiB  %d/%d ok  wall %.1f s  "
                    "%.2f ms CPU/probe%s" % (done, m["mem"]["VmRSS"] / 1024,
                                             m["mem"]["VmHWM"] / 1024, m["success"], k,
                                             m["wall_s"], m["cpu_s"] * 1000 / k,
                                             ("  " + " | ".join(m["errors"])) if m["errors"] else ""))
            loads.append(loadavg())
    total_s = time.monotonic() - t_start
    if a.raw_json:
        with open(a.raw_json, "w") as f:
            json.dump({"runs": runs, "rss": rss, "load": loads, "total_s": total_s}, f, indent=1)
    report(a, n, runs, rss, loads, started, total_s)


def report(a, n, runs, rss, loads, started, total_s):
    P = print
    med = lambda xs: statistics.median(xs) if xs else float("nan")  # noqa: E731
    P("### Machine\n")
    P("| | |\n|---|---|")
    for k, v in machine_facts(a.imapcheck):
        if k not in ("curl", "Node"):
            P("| %s | %s |" % (k, v.replace("(imaplib)", "(the load generator: urllib, threads)")))
    P("| blackbox_exporter | %s |" % cmd_version([a.blackbox_bin, "--version"]).split(" (")[0])
    P("| date (UTC) | %s |" % started.strftime("%Y-%m-%d %H:%M"))
    P("| load (1 min) during the runs | %.2f – %.2f |" % (min(loads), max(loads)))
    P("| whole run (after the start-up) | %.0f s |" % total_s)
    if a.command:
        P("| command | `%s` |" % a.command)
    P()
    P("### Results (%d probes per exporter and round, %d at once, %d rounds, interleaved; "
      "median, min–max in brackets)\n" % (n, a.concurrency, a.rounds))
    P("| exporter, probe | wall s | exporter CPU s | CPU / probe ms | server CPU / session ms | "
      "probe_success = 1 | CPU × |")
    P("|---|---|---|---|---|---|---|")
    labels = {"imapcheck": "imapcheck serve, full sequence (login … LOGOUT)",
              "blackbox": "blackbox_exporter, tcp `imap_starttls` (no login)"}
    st = {}
    for t in ("imapcheck", "blackbox"):
        rs = [r for r in runs if r["tool"] == t]
        w, c = [r["wall_s"] for r in rs], [r["cpu_s"] for r in rs]
        p = [r["cpu_s"] * 1000 / r["probes"] for r in rs]
        s = [r["server_cpu_s"] * 1000 / r["probes"] for r in rs]
        st[t] = dict(w=w, c=c, p=p, s=s, mp=med(p), ok=[r["success"] for r in rs])
    for t in ("imapcheck", "blackbox"):
        x = st[t]
        P("| %s | %.2f (%.2f–%.2f) | %.3f (%.3f–%.3f) | %.2f (%.2f–%.2f) | %.1f (%.1f–%.1f) | %s "
          "| %.2f |" % (labels[t], med(x["w"]), min(x["w"]), max(x["w"]), med(x["c"]),
                        min(x["c"]), max(x["c"]), x["mp"], min(x["p"]), max(x["p"]), med(x["s"]),
                        min(x["s"]), max(x["s"]), " ".join(str(o) for o in x["ok"]) + " of %d" % n,
                        x["mp"] / st["blackbox"]["mp"]))
    P("\nExporter CPU = utime+stime of the exporter process (all threads), from /proc/PID/stat "
      "before and after the batch (10 ms ticks); CPU × = its median per probe divided by "
      "blackbox_exporter's. Server CPU = utime+stime of all Dovecot processes of the sandbox "
      "over the batch, divided by its %d sessions. probe_success: one figure per round.\n" % n)
    errs = [r for r in runs if r["errors"]]
    if errs:
        P("Failures seen: " + "; ".join("round %d %s: %s" % (r["round"], r["tool"],
                                                            " | ".join(r["errors"])) for r in errs) + "\n")
    if len(rss) > 1:
        P("### imapcheck serve: memory over %d probes (%d at once, cycling over the %d targets)\n"
          % (rss[-1]["done"], a.concurrency, n))
        P("| probes | VmRSS MiB | VmHWM MiB | probe_success = 1 | wall s | CPU / probe ms |")
        P("|---|---|---|---|---|---|")
        P("| 0 (after the rounds) | %.1f | %.1f | – | – | – |" % (
            rss[0]["mem"]["VmRSS"] / 1024, rss[0]["mem"]["VmHWM"] / 1024))
        for m in rss[1:]:
            P("| %d | %.1f | %.1f | %d of %d | %.1f | %.2f |" % (
                m["done"], m["mem"]["VmRSS"] / 1024, m["mem"]["VmHWM"] / 1024, m["success"],
                m["probes"], m["wall_s"], m["cpu_s"] * 1000 / m["probes"]))
        P()
    ic, bb = st["imapcheck"], st["blackbox"]
    yes = lambda b: "**yes**" if b else "**no**"  # noqa: E731
    P("### Targets (medians)\n")
    P("| target | figures | met? |\n|---|---|---|")
    allok = all(o == n for o in ic["ok"] + bb["ok"])
    P("| every probe succeeds, both exporters | %s | %s |" % (
        "imapcheck %s, blackbox %s of %d per round" % (" ".join(map(str, ic["ok"])),
                                                         " ".join(map(str, bb["ok"])), n),
        yes(allok)))
    P("| imapcheck serve's CPU per full probe ≤ blackbox's per shallow probe | %.2f ms vs %.2f ms: "
      "%.2f× | %s |" % (ic["mp"], bb["mp"], ic["mp"] / bb["mp"], yes(ic["mp"] <= CPU_TARGET * bb["mp"])))
    if len(rss) > 1:
        last = rss[-1]
        hwm = last["mem"]["VmHWM"] / 1024
        P("| exporter RSS < %d MiB after %d probes | VmRSS %.1f MiB, VmHWM %.1f MiB (%+.1f MiB "
          "VmRSS from probe %d to %d) | %s |" % (
              RSS_TARGET_MIB, last["done"], last["mem"]["VmRSS"] / 1024, hwm,
              (last["mem"]["VmRSS"] - rss[1]["mem"]["VmRSS"]) / 1024, rss[1]["done"],
              last["done"], yes(hwm < RSS_TARGET_MIB and last["done"] >= 10000)
              if last["done"] >= 10000 else yes(hwm < RSS_TARGET_MIB) + " (at %d probes, not "
              "10 000)" % last["done"]))
    P()


if __name__ == "__main__":
    main()
