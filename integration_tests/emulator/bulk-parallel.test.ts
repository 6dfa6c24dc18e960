import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import type { Emulator } from './index.js';
import { mintToken, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

/** Creates a Bulk query job for `query` and returns its id. */
async function createJob(emu: Emulator, token: string, query = 'SELECT Id FROM Account'): Promise<string> {
  const res = await fetch(`${emu.url}${V}/jobs/query`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ operation: 'query', query }),
  });
  return ((await res.json()) as { id: string }).id;
}

/** A job the emulator has completed: its status asked once. */
async function completedJob(emu: Emulator, token: string, query?: string): Promise<string> {
  const id = await createJob(emu, token, query);
  await fetch(`${emu.url}${V}/jobs/query/${id}`, { headers: { Authorization: `Bearer ${token}` } });
  return id;
}

/**
 * Counts for every object, so that no test's org generates the default numbers of the objects it
 * never reads; the orgs of one count share their generated records.
 */
const FEW = { Contact: 5, Lead: 5, Opportunity: 5, Case: 5, User: 3 };

type Pages = { resultPages: Array<{ resultUrl: string }>; nextRecordsUrl: string | null; done: boolean };

describe('Get Parallel Results (resultPages) and a link in front of the org', () => {
  let emu: Emulator;
  let token: string;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(emu.url + path, { headers: { Authorization: `Bearer ${token}`, ...headers } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  beforeAll(async () => {
    // 1 MB/s per connection and 40 ms round trips, with pages of 100 rows: some 600 live Accounts make
    // seven pages (the last partly full), listed five at a time in two answers.
    emu = await startEmulator({ https: false, counts: { ...FEW, Account: 634 }, bulkResultPageRows: 100, link: { bytesPerSecond: 1_000_000, rttMs: 40 } });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('lists five result URLs at a time, each a page of its own; together they are every row once', async () => {
    const id = await completedJob(emu, token, 'SELECT Id, Name FROM Account');
    const urls: string[] = [];
    let next: string | null = `${V}/jobs/query/${id}/resultPages`;
    let answers = 0;
    while (next) {
      const reply = await get(next);
      expect(reply.status).toBe(200);
      const pages = JSON.parse(reply.text) as Pages;
      answers++;
      expect(pages.resultPages.length).toBeLessThanOrEqual(5);
      expect(pages.done).toBe(pages.nextRecordsUrl === null);
      urls.push(...pages.resultPages.map((p) => p.resultUrl));
      next = pages.nextRecordsUrl;
    }
    const live = emu.records('Account').length;
    expect([answers, urls.length]).toEqual([Math.ceil(live / 500), Math.ceil(live / 100)]);
    const bodies = await Promise.all(urls.map((url) => get(url)));
    const ids: string[] = [];
    for (const body of bodies) {
      expect(body.status).toBe(200);
      const rows = body.text.trim().split('\n').slice(1);
      expect(Number(body.headers.get('sforce-numberofrecords'))).toBe(rows.length);
      ids.push(...rows.map((row) => row.split(',')[0].replace(/"/g, '')));
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      emu
        .records('Account')
        .map((r) => String(r.Id))
        .sort(),
    );
    expect(emu.bulkDownloadsPeak).toBeGreaterThan(1);
  });

  it('refuses another API version (409), an unfinished job (412), and a locator it never gave', async () => {
    const id = await completedJob(emu, token, 'SELECT Id FROM Account');
    expect((await get(`/services/data/v61.0/jobs/query/${id}/resultPages`)).status).toBe(409);
    expect((await get(`${V}/jobs/query/${id}/resultPages?locator=MTA`)).text).toContain('INVALID_QUERY_LOCATOR');
    const fresh = await createJob(emu, token);
    const early = await get(`${V}/jobs/query/${fresh}/resultPages`);
    expect(early.status).toBe(412);
    expect(early.text).toContain('JOB_NOT_COMPLETE');
  });

  it('carries bytes through unchanged, compressed or not', async () => {
    const id = await completedJob(emu, token, 'SELECT Id, Name, Description FROM Account');
    const plain = await get(`${V}/jobs/query/${id}/results`);
    const zipped = await fetch(`${emu.url}${V}/jobs/query/${id}/results`, { headers: { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(await zipped.text()).toBe(plain.text);
    expect(gzipSync(plain.text).length).toBeLessThan(plain.text.length);
  });
});

describe('an org whose answers are never compressed', () => {
  it('answers identity-encoded although the client accepts gzip', async () => {
    const emu = await startEmulator({ https: false, counts: { ...FEW, Account: 30 }, gzip: false });
    try {
      const token = await mintToken(emu);
      const res = await fetch(`${emu.url}${V}/query?q=${encodeURIComponent('SELECT Id FROM Account')}`, {
        headers: { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(((await res.json()) as { totalSize: number }).totalSize).toBe(emu.records('Account').length);
    } finally {
      await emu.close();
    }
  });
});

describe('an org without Get Parallel Results', () => {
  it('answers resultPages 404 NOT_FOUND, as before API 58.0, while the Sforce-Locator chain still serves the results', async () => {
    const emu = await startEmulator({ https: false, counts: { ...FEW, Account: 30 }, bulkResultPages: false });
    try {
      const token = await mintToken(emu);
      const auth = { Authorization: `Bearer ${token}` };
      const id = await completedJob(emu, token);
      const refused = await fetch(`${emu.url}${V}/jobs/query/${id}/resultPages`, { headers: auth });
      expect(refused.status).toBe(404);
      expect(await refused.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      const results = await fetch(`${emu.url}${V}/jobs/query/${id}/results`, { headers: auth });
      expect(results.status).toBe(200);
      expect(results.headers.get('sforce-numberofrecords')).toBe(String(emu.records('Account').length));
    } finally {
      await emu.close();
    }
  });

  it('has no resultPages before API 58.0 on any org: 404 where another version of an existing job gets 409', async () => {
    const emu = await startEmulator({ https: false, counts: { ...FEW, Account: 30 } });
    try {
      const token = await mintToken(emu);
      const auth = { Authorization: `Bearer ${token}` };
      const id = await completedJob(emu, token);
      const old = await fetch(`${emu.url}/services/data/v57.0/jobs/query/${id}/resultPages`, { headers: auth });
      expect(old.status).toBe(404);
      expect(await old.text()).toContain('NOT_FOUND');
      expect((await fetch(`${emu.url}/services/data/v58.0/jobs/query/${id}/resultPages`, { headers: auth })).status).toBe(409);
    } finally {
      await emu.close();
    }
  });
});
