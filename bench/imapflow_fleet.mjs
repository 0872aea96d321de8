// imapflow_fleet.mjs: the fleet benchmark's Node client: imapflow_check.mjs's sequence for every
// account of a list (one user per line), CONCURRENCY at once in one process (a pool of async
// workers), the CA file read once. Password from $BENCH_PASSWORD. Prints one JSON line per
// account (user, ok, what it saw or the error), in list order.
// Usage: BENCH_PASSWORD=... node imapflow_fleet.mjs HOST PORT USERS_FILE CAFILE [CONCURRENCY]

import { readFileSync } from 'node:fs';
import { check } from './imapflow_check.mjs';

const [host, port, usersFile, cafile, concurrency = '16'] = process.argv.slice(2);
if (!cafile) {
    console.error('usage: BENCH_PASSWORD=... node imapflow_fleet.mjs HOST PORT USERS_FILE CAFILE [CONCURRENCY]');
    process.exit(2);
}
const users = readFileSync(usersFile, 'utf8').split('\n').map((x) => x.trim()).filter(Boolean);
const ca = readFileSync(cafile);
const pass = process.env.BENCH_PASSWORD;
const results = new Array(users.length);
let next = 0;

async function worker() {
    while (next < users.length) {
        const i = next++;
        try {
            results[i] = { ...(await check({ host, port, user: users[i], pass, ca })), user: users[i], ok: true };
        } catch (e) {
            results[i] = { tool: 'imapflow', user: users[i], ok: false, error: String(e && e.message ? e.message : e) };
        }
    }
}

await Promise.all(Array.from({ length: Math.min(Number(concurrency), users.length) }, worker));
for (const r of results) console.log(JSON.stringify(r));
