#!/usr/bin/python3
# imaplib_check.py: the imapcheck sequence with Python's standard imaplib, for the benchmark:
# STARTTLS (verified against --cacert), CAPABILITY, LOGIN, LIST, STATUS, EXAMINE, SEARCH UNSEEN,
# FETCH of the newest hit (header + first 4096 bytes of text), GETQUOTAROOT, LOGOUT.
# Password from $BENCH_PASSWORD. Prints one JSON line: what it saw (hit count, fetched UID).
"""Usage: BENCH_PASSWORD=... imaplib_check.py HOST PORT USER CAFILE [MAILBOX]"""

import imaplib
import json
import os
import re
import ssl
import sys


def ok(typ, data, what):
    if typ != "OK":
        raise SystemExit("imaplib_check: %s failed: %s %r" % (what, typ, data))
    return data


def check(host, port, user, password, ctx, mailbox="INBOX"):
    """The whole sequence for one account; -> what it saw (dict). Raises on any failure.
    ctx: an ssl.SSLContext (one per process is enough; bench/imaplib_fleet.py shares it)."""
    imap = imaplib.IMAP4(host, port, timeout=60)
    ok(*imap.starttls(ssl_context=ctx), "STARTTLS")
    ok(*imap.capability(), "CAPABILITY")
    ok(*imap.login(user, password), "LOGIN")
    folders = ok(*imap.list('""', '"*"'), "LIST")
    status = ok(*imap.status(mailbox, "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)"), "STATUS")
    ok(*imap.select(mailbox, readonly=True), "EXAMINE")
    hits = ok(*imap.search(None, "UNSEEN"), "SEARCH")[0].split()
    fetched = []  # no hit (e.g. the fleet's empty accounts), no FETCH, as imapcheck does
    if hits:
        fetched = ok(*imap.fetch(hits[-1].decode(),
                                 "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.4096>)"),
                     "FETCH")
    quota = ok(*imap.getquotaroot(mailbox), "GETQUOTAROOT")
    imap.logout()

    uid = None
    for item in fetched:
        meta = item[0] if isinstance(item, tuple) else item
        m = re.search(rb"UID (\d+)", meta or b"")
        if m:
            uid = int(m.group(1))
            break
    return {"tool": "imaplib", "folders": len(folders), "status": status[0].decode(),
            "search_hits": len(hits), "fetched_uid": uid, "quota": quota is not None}


def main():
    if len(sys.argv) not in (5, 6):
        raise SystemExit(__doc__)
    host, port, user, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    mailbox = sys.argv[5] if len(sys.argv) == 6 else "INBOX"
    ctx = ssl.create_default_context(cafile=cafile)
    print(json.dumps(check(host, port, user, os.environ["BENCH_PASSWORD"], ctx, mailbox)))


if __name__ == "__main__":
    main()
