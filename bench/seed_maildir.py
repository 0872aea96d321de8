#!/usr/bin/python3
# seed_maildir.py: writes a benchmark Maildir++ account directly (no IMAP APPEND): N messages
# in INBOX/cur with pinned UIDs (dovecot-uidlist), every third message unseen, S=/W= sizes in
# the file names so Dovecot never has to read a file to learn its size, a newest (unseen)
# message of a chosen size, and empty folders. Prints a JSON manifest with the true counts.
"""Usage: seed_maildir.py MAILDIR --messages N --newest-bytes B [--uid U --gid G]"""

import argparse
import json
import os
import sys

BASE_TIME = 1704067200  # 2024-01-01 00:00:00 UTC; message i is i*60 s later
FOLDERS = ("Archive", "Drafts", "Sent", "Trash")
SENDERS = (
    "Ada Lovelace <ada@example.test>",
    "Grace Hopper <grace@example.test>",
    "Alan Turing <alan@example.test>",
    "Edsger Dijkstra <edsger@example.test>",
    "Barbara Liskov <barbara@example.test>",
)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FILLER = "The quick brown fox jumps over the lazy dog while the mail server indexes.\n"


def rfc2822_date(ts):
    import time

    t = time.gmtime(ts)
    return "%s, %02d %s %04d %02d:%02d:%02d +0000" % (
        DAYS[t.tm_wday], t.tm_mday, MONTHS[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min, t.tm_sec)


def header(i, ts, user):
    return (
        "Date: %s\n"
        "From: %s\n"
        "To: Bench User <%s@example.test>\n"
        "Subject: Benchmark message %d\n"
        "Message-ID: <bench-%d@example.test>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "Content-Transfer-Encoding: 7bit\n"
        "\n" % (rfc2822_date(ts), SENDERS[i % len(SENDERS)], user, i, i)
    ).encode()


def body(i, nbytes):
    """A body of exactly nbytes bytes (LF line ends)."""
    head = ("Hello,\n\nthis is benchmark message %d.\n\n" % i).encode()
    if nbytes <= len(head):
        return head[:nbytes]
    line = FILLER.encode()
    reps = (nbytes - len(head)) // len(line) + 1
    return (head + line * reps)[:nbytes - 1] + b"\n"


def new_maildir(path, folder=False):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    if folder:
        open(os.path.join(path, "maildirfolder"), "wb").close()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("maildir")
    ap.add_argument("--messages", type=int, required=True, help="messages in INBOX, newest included")
    ap.add_argument("--newest-bytes", type=int, default=8192, help="body size of the newest message")
    ap.add_argument("--user", default="bench")
    ap.add_argument("--uidvalidity", type=int, default=1710000000)
    ap.add_argument("--uid", type=int, default=-1, help="chown everything to this uid (as root)")
    ap.add_argument("--gid", type=int, default=-1)
    a = ap.parse_args()
    if a.messages < 1 or a.messages > 1_000_000:
        sys.exit("seed_maildir: --messages must be 1..1000000")

    md = a.maildir
    new_maildir(md)
    cur = os.path.join(md, "cur")
    names = []
    unseen = 0
    total_bytes = 0
    pid = os.getpid()
    for i in range(1, a.messages + 1):
        ts = BASE_TIME + i * 60
        newest = i == a.messages
        # sizes vary between ~0.5 and ~2.5 KiB; the newest one is as large as asked
        nbytes = a.newest_bytes if newest else 200 + (i * 7919) % 2000
        data = header(i, ts, a.user) + body(i, nbytes)
        seen = not newest and i % 3 != 0
        flags = "S" if seen else ""
        if seen and i % 10 == 1:
            flags = "FS"
        if seen and i % 10 == 2:
            flags = "RS"
        unseen += not seen
        # W= is the virtual (CRLF) size: every LF becomes CRLF
        base = "%d.M%dP%d.bench,S=%d,W=%d" % (ts, i, pid, len(data), len(data) + data.count(b"\n"))
        path = os.path.join(cur, base + ":2," + flags)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.utime(path, (ts, ts))  # Maildir INTERNALDATE is the file's mtime
        if a.uid >= 0:
            os.chown(path, a.uid, a.gid)
        names.append(base)
        total_bytes += len(data)

    with open(os.path.join(md, "dovecot-uidlist"), "w") as f:
        f.write("3 V%d N%d\n" % (a.uidvalidity, len(names) + 1))
        for uid, name in enumerate(names, 1):
            f.write("%d :%s\n" % (uid, name))
    for folder in FOLDERS:
        new_maildir(os.path.join(md, "." + folder), folder=True)
    with open(os.path.join(md, "subscriptions"), "w") as f:
        f.write("INBOX\n" + "".join(x + "\n" for x in FOLDERS))

    if a.uid >= 0:
        for root, dirs, files in os.walk(md):
            os.chown(root, a.uid, a.gid)
            for name in files if root != cur else ():
                os.chown(os.path.join(root, name), a.uid, a.gid)

    json.dump({"messages": a.messages, "unseen": unseen, "newest_uid": a.messages,
               "bytes": total_bytes}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
