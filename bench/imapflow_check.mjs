// imapflow_check.mjs: the imapcheck sequence with Node's imapflow (bench/node_modules), for the
// benchmark: STARTTLS (verified against CAFILE), login, LIST, STATUS, EXAMINE (readOnly open),
// SEARCH UNSEEN, FETCH of the newest hit if any (header + first 4096 bytes of text),
// GETQUOTAROOT, LOGOUT. imapflow adds its own ID/NAMESPACE/ENABLE commands. Prints one JSON
// line. check() is the sequence for one account, also used by imapflow_fleet.mjs.
// Usage: BENCH_PASSWORD=... node imapflow_check.mjs HOST PORT USER CAFILE [MAILBOX]

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ImapFlow } from 'imapflow';

export async function check({ host, port, user, pass, ca, mailbox = 'INBOX' }) {
    const client = new ImapFlow({
        host,
        port: Number(port),
        secure: false, // plain connect, then STARTTLS
        doSTARTTLS: true, // STARTTLS required
        tls: { ca, rejectUnauthorized: true },
        auth: { user, pass },
        logger: false,
        connectionTimeout: 60000,
        greetingTimeout: 30000,
        socketTimeout: 60000
    });
    try {
        await client.connect();
        const folders = await client.list();
        const status = await client.status(mailbox, { messages: true, unseen: true, uidNext: true, uidValidity: true });
        await client.mailboxOpen(mailbox, { readOnly: true });
        const hits = (await client.search({ seen: false })) || [];
        // no hit (e.g. the fleet's empty accounts), no FETCH, as imapcheck does
        const msg = hits.length
            ? await client.fetchOne(String(hits[hits.length - 1]), {
                  uid: true,
                  flags: true,
                  size: true,
                  headers: true,
                  bodyParts: [{ key: 'TEXT', start: 0, maxLength: 4096 }]
              })
            : null;
        const quota = await client.getQuota(mailbox);
        await client.logout();
        return {
            tool: 'imapflow',
            folders: folders.length,
            status: { messages: status.messages, unseen: status.unseen, uidNext: status.uidNext },
            search_hits: hits.length,
            fetched_uid: msg ? msg.uid : null,
            quota: Boolean(quota)
        };
    } catch (e) {
        client.close();
        throw e;
    }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
    const [host, port, user, cafile, mailbox = 'INBOX'] = process.argv.slice(2);
    if (!cafile) {
        console.error('usage: BENCH_PASSWORD=... node imapflow_check.mjs HOST PORT USER CAFILE [MAILBOX]');
        process.exit(2);
    }
    const res = await check({ host, port, user, pass: process.env.BENCH_PASSWORD, ca: readFileSync(cafile), mailbox });
    console.log(JSON.stringify(res));
}
