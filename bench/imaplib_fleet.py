#!/usr/bin/python3
# imaplib_fleet.py: the fleet benchmark's Python client: the imaplib_check.py sequence for
# every account of a list (one user per line), on a pool of --threads threads in one process,
# one TLS context (verified against CAFILE) for all. Password from $BENCH_PASSWORD. Prints
# one JSON line per account (user, ok, what it saw or the error), in list order.
"""Usage: BENCH_PASSWORD=... imaplib_fleet.py HOST PORT USERS_FILE CAFILE [--threads N]"""

import argparse
import concurrent.futures
import json
import os
import ssl

from imaplib_check import check


def one(host, port, user, password, ctx):
    try:
        return dict(check(host, port, user, password, ctx), user=user, ok=True)
    except (Exception, SystemExit) as e:  # imaplib_check's ok() raises SystemExit
        return {"tool": "imaplib", "user": user, "ok": False, "error": str(e)}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("users_file")
    ap.add_argument("cafile")
    ap.add_argument("--threads", type=int, default=16)
    a = ap.parse_args()
    with open(a.users_file) as f:
        users = [x.strip() for x in f if x.strip()]
    password = os.environ["BENCH_PASSWORD"]
    ctx = ssl.create_default_context(cafile=a.cafile)
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.threads) as pool:
        for res in pool.map(lambda u: one(a.host, a.port, u, password, ctx), users):
            print(json.dumps(res))


if __name__ == "__main__":
    main()
