import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

const SMALL = { Account: 300, Contact: 50, Lead: 5, Opportunity: 5, Case: 5, User: 3 };
const TIMEOUT = [{ message: 'Your query request was running for too long.', errorCode: 'QUERY_TIMEOUT' }];
const DAY = 86_400_000;

describe('org-side faults: sessions, query windows, Bulk', () => {
  let emu: Emulator;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({ counts: SMALL, faults: { sessionExpiresEvery: 4 }, bulkPollsBeforeComplete: 1 });
    token = await mintToken(emu);
  });
  afterEach(() => emu.setFaults(undefined));
  afterAll(() => emu.close());

  it('expires every session after sessionExpiresEvery requests; faulted requests do not count', async () => {
    const fresh = await mintToken(emu);
    const before = emu.faultsInjected.session_expired;
    for (let i = 0; i < 4; i++) expect((await call(emu, `${V}/limits`, fresh)).status).toBe(200);
    const dead = await call(emu, `${V}/limits`, fresh);
    expect(dead.status).toBe(401);
    expect(dead.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    expect(emu.faultsInjected.session_expired).toBe(before + 1);

    // Switched at run time; transient faults in between use no session.
    emu.setFaults({ sessionExpiresEvery: 2, errorRate: 1, kinds: ['server_unavailable'] });
    const next = await mintToken(emu);
    for (let i = 0; i < 5; i++) expect((await call(emu, `${V}/limits`, next)).status).toBe(503);
    emu.setFaults({ sessionExpiresEvery: 2 });
    expect((await call(emu, `${V}/limits`, next)).status).toBe(200);
    expect((await call(emu, `${V}/limits`, next)).status).toBe(200);
    expect((await call(emu, `${V}/limits`, next)).status).toBe(401);
    // An expired session stays expired once the fault is off; a new one lives on.
    emu.setFaults(undefined);
    expect((await call(emu, `${V}/limits`, next)).status).toBe(401);
    const lasting = await mintToken(emu);
    for (let i = 0; i < 10; i++) expect((await call(emu, `${V}/limits`, lasting)).status).toBe(200);
    token = lasting;
  });

  it('times out REST queries over a wide SystemModstamp window and lets narrow ones through', async () => {
    emu.setFaults({ queryTimeoutWindowMs: 60 * DAY });
    const stamps = emu.records('Account', { includeDeleted: true }).map((r) => Date.parse(String(r.SystemModstamp).slice(0, 23) + 'Z'));
    const iso = (ms: number) => new Date(ms).toISOString();
    const mid = stamps[Math.floor(stamps.length / 2)];
    const before = emu.faultsInjected.query_timeout;

    const all = await call(emu, soqlPath('SELECT Id FROM Account'), token);
    expect(all.status).toBe(400);
    expect(all.body).toEqual(TIMEOUT);
    expect((await call(emu, soqlPath('SELECT Id FROM Account', true), token)).body).toEqual(TIMEOUT);
    // An open end runs to now (or from the oldest row): still wide.
    expect((await call(emu, soqlPath(`SELECT Id FROM Account WHERE SystemModstamp >= ${iso(mid)}`), token)).status).toBe(400);
    expect((await call(emu, soqlPath(`SELECT Id FROM Account WHERE SystemModstamp < ${iso(mid)}`), token)).status).toBe(400);
    expect(emu.faultsInjected.query_timeout).toBe(before + 4);

    const lo = mid - 30 * DAY;
    const hi = mid + 29 * DAY;
    const narrow = await call(
      emu,
      soqlPath(`SELECT Id FROM Account WHERE SystemModstamp >= ${iso(lo)} AND SystemModstamp < ${iso(hi)} ORDER BY SystemModstamp, Id`),
      token,
    );
    expect(narrow.status).toBe(200);
    const expected = emu
      .records('Account')
      .filter((_, i, rows) => {
        const t = Date.parse(String(rows[i].SystemModstamp).slice(0, 23) + 'Z');
        return t >= lo && t < hi;
      })
      .map((r) => r.Id);
    expect(expected.length).toBeGreaterThan(0);
    expect((narrow.body as { records: { Id: string }[] }).records.map((r) => r.Id)).toEqual(expected);

    // The connector's resume clause bounds the window from below too.
    const resume = `SELECT Id FROM Account WHERE (SystemModstamp > ${iso(lo)} OR (SystemModstamp = ${iso(lo)} AND Id > '001000000000000AAA')) AND SystemModstamp < ${iso(hi)}`;
    expect((await call(emu, soqlPath(resume), token)).status).toBe(200);

    // COUNT() and LIMIT stop early, and Bulk jobs are not REST queries.
    expect((await call(emu, soqlPath('SELECT COUNT() FROM Account'), token)).status).toBe(200);
    expect((await call(emu, soqlPath('SELECT Id FROM Account LIMIT 1'), token)).status).toBe(200);
    const job = await fetch(`${emu.url}${V}/jobs/query`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }),
    });
    expect(job.status).toBe(200);
  });

  it('faults Bulk create, poll and results without creating jobs or advancing them', async () => {
    const send = (method: string, path: string, body?: unknown) =>
      fetch(emu.url + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const create = () => send('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Id, Name FROM Account' });
    const jobs = emu.bulkJobsCreated;
    emu.setFaults({ errorRate: 1, kinds: ['truncated'] });
    const cut = await create();
    expect(cut.status).toBe(200);
    await expect(cut.text().then((t) => JSON.parse(t) as unknown)).rejects.toThrow();
    emu.setFaults({ errorRate: 1, kinds: ['server_unavailable'] });
    expect((await create()).status).toBe(503);
    expect(emu.bulkJobsCreated).toBe(jobs);

    emu.setFaults(undefined);
    const job = (await (await create()).json()) as { id: string };
    expect(emu.bulkJobsCreated).toBe(jobs + 1);
    emu.setFaults({ errorRate: 1, kinds: ['truncated'] });
    expect((await send('GET', `${V}/jobs/query/${job.id}`)).status).toBe(200);
    emu.setFaults(undefined);
    // The lost poll did not count: the first real poll still sees InProgress (bulkPollsBeforeComplete 1).
    const poll = async () => ((await (await send('GET', `${V}/jobs/query/${job.id}`)).json()) as { state: string }).state;
    expect(await poll()).toBe('InProgress');
    expect(await poll()).toBe('JobComplete');

    const resultsPath = `${V}/jobs/query/${job.id}/results?maxRecords=100`;
    const goodReply = await send('GET', resultsPath);
    const good = await goodReply.text();
    emu.setFaults({ errorRate: 1, kinds: ['truncated'] });
    const partial = await send('GET', resultsPath);
    expect(partial.status).toBe(200);
    expect(partial.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(partial.headers.get('sforce-locator')).not.toBeNull();
    // Framed like the good answer: chunked, no Content-Length announced.
    expect(partial.headers.get('content-length')).toBe(goodReply.headers.get('content-length'));
    // Part of the CSV arrives, then the connection drops.
    await expect(partial.text()).rejects.toThrow();
    emu.setFaults(undefined);
    expect(await (await send('GET', resultsPath)).text()).toBe(good);
  });

  it('rejects invalid fault options', () => {
    expect(() => emu.setFaults({ errorRate: 1.5 })).toThrow(/errorRate/);
    expect(() => emu.setFaults({ kinds: [] })).toThrow(/kinds/);
  });
});
