// imapflow_check.mjs: the imapcheck sequence with Node's imapflow (bench/node_modules), for the
// benchmark: STARTTLS (verified against CAFILE), login, LIST, STATUS, EXAMINE (readOnly open),
// SEARCH UNSEEN, FETCH of the newest hit (header + first 4096 bytes of text), GETQUOTAROOT,
// LOGOUT. imapflow adds its own ID/NAMESPACE/ENABLE commands. Prints one JSON line.
// Usage: BENCH_PASSWORD=... node imapflow_check.mjs HOST PORT USER CAFILE [MAILBOX]

import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';

const [host, port, user, cafile, mailbox = 'INBOX'] = process.argv.slice(2);
if (!cafile) {
    console.error('usage: BENCH_PASSWORD=... node imapflow_check.mjs HOST PORT USER CAFILE [MAILBOX]');
    process.exit(2);
}

const client = new ImapFlow({
    host,
    port: Number(port),
    secure: false, // plain connect, then STARTTLS
    doSTARTTLS: true, // STARTTLS required
    tls: { ca: readFileSync(cafile), rejectUnauthorized: true },
    auth: { user, pass: process.env.BENCH_PASSWORD },
    logger: false,
    connectionTimeout: 60000,
    greetingTimeout: 30000,
    socketTimeout: 60000
});

await client.connect();
const folders = await client.list();
const status = await client.status(mailbox, { messages: true, unseen: true, uidNext: true, uidValidity: true });
await client.mailboxOpen(mailbox, { readOnly: true });
const hits = (await client.search({ seen: false })) || [];
const newest = hits.length ? hits[hits.length - 1] : '*';
const msg = await client.fetchOne(String(newest), {
    uid: true,
    flags: true,
    size: true,
    headers: true,
    bodyParts: [{ key: 'TEXT', start: 0, maxLength: 4096 }]
});
const quota = await client.getQuota(mailbox);
await client.logout();

console.log(
    JSON.stringify({
        tool: 'imapflow',
        folders: folders.length,
        status: { messages: status.messages, unseen: status.unseen, uidNext: status.uidNext },
        search_hits: hits.length,
        fetched_uid: msg ? msg.uid : null,
        quota: Boolean(quota)
    })
);
