import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { Emulator } from './index.js';
import { mintToken, raw, soqlPath, V, type Exchange, type RawOptions } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

// The counts of fault-injection.test.ts: a worker that runs both generates the org once.
const SMALL = { Account: 40, Contact: 700, Lead: 5, Opportunity: 5, Case: 5, User: 3 };
const CONTACTS = 'SELECT Id, Name, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id';

type Page = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: { Id: string; SystemModstamp?: unknown }[] };
const page = (x: Exchange) => JSON.parse(x.body.toString('utf8')) as Page;

describe('misbehave', () => {
  let emu: Emulator;
  let token: string;
  const auth = (extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, 'Sforce-Query-Options': 'batchSize=200', ...extra });
  const get = (path: string, extra: Record<string, string> = {}, opts: RawOptions = {}) => raw(emu.url + path, { headers: auth(extra), ...opts });
  const firstPage = async () => page(await get(soqlPath(CONTACTS)));

  beforeAll(async () => {
    emu = await startEmulator({ counts: SMALL });
    token = await mintToken(emu);
  });
  afterEach(() => emu.clearMisbehaviours());
  afterAll(() => emu.close());

  describe('queue', () => {
    it('applies per target in order, then falls back to any, and counts what was applied', async () => {
      const before = emu.misbehaviourCount();
      emu.misbehave('describe', { kind: 'redirect', status: 302, location: '/one' });
      emu.misbehave('describe', { kind: 'redirect', status: 307, location: '/two' }, 2);
      emu.misbehave('any', { kind: 'redirect', status: 308, location: '/any' });
      const seen = [];
      for (let i = 0; i < 5; i++) {
        const x = await get(`${V}/sobjects/Account/describe`);
        seen.push(`${x.status} ${x.headers.location ?? ''}`);
      }
      expect(seen).toEqual(['302 /one', '307 /two', '307 /two', '308 /any', '200 ']);
      expect(emu.misbehaviourCount('redirect')).toBeGreaterThanOrEqual(4);
      expect(emu.misbehaviourCount() - before).toBe(4);
    });

    it('leaves other targets alone, and keeps an alteration queued until a page is served', async () => {
      emu.misbehave('queryMore', { kind: 'totalSize', value: 7 });
      expect((await get(`${V}/sobjects/Account/describe`)).status).toBe(200);
      expect((await firstPage()).totalSize).toBe(emu.records('Contact').length);
      expect((await get(`${V}/query/01g000000000000AAA-200`)).status).toBe(400);
      const first = await firstPage();
      expect(page(await get(first.nextRecordsUrl!)).totalSize).toBe(7);
    });

    it('refuses behaviours a target cannot have, and bad parameters', () => {
      expect(() => emu.misbehave('describe', { kind: 'nextUrl', url: '/x' })).toThrow(/does not apply to 'describe'/);
      expect(() => emu.misbehave('any', { kind: 'repeatLocator' })).toThrow(/does not apply/);
      expect(() => emu.misbehave('query', { kind: 'backwardsPage' })).toThrow(/does not apply/);
      expect(() => emu.misbehave('query', { kind: 'cutBody', gzip: false, fraction: 1 })).toThrow(/fraction/);
      expect(() => emu.misbehave('token', { kind: 'hugeBody', bytes: 10 })).toThrow(/bytes/);
      expect(() => emu.misbehave('token', { kind: 'redirect', status: 307, location: 'a\r\nb' })).toThrow(/location/);
      expect(() => emu.misbehave('query', { kind: 'stall' }, 0)).toThrow(/times/);
      expect(() => emu.misbehave('token', { kind: 'concurrencyLimit' })).toThrow(/does not apply to 'token'/);
      expect(() => emu.misbehave('query', { kind: 'rateLimited', retryAfterSeconds: -1 })).toThrow(/retryAfterSeconds/);
    });
  });

  describe('transport', () => {
    it('cutBody: the full Content-Length, half the JSON, then the connection closes; not metered', async () => {
      const calls = emu.apiCalls;
      emu.misbehave('query', { kind: 'cutBody', gzip: false });
      const x = await get(soqlPath(CONTACTS));
      expect(x.status).toBe(200);
      expect(x.headers['content-type']).toBe('application/json;charset=UTF-8');
      const length = Number(x.headers['content-length']);
      expect(x.body.length).toBe(Math.floor(length / 2));
      expect(x.error?.message).toBe('aborted');
      expect(emu.apiCalls).toBe(calls);
      expect((await firstPage()).records).toHaveLength(200);
    });

    it('cutBody with gzip: gunzip and a piped gunzip both fail on the truncated stream', async () => {
      emu.misbehave('query', { kind: 'cutBody', gzip: true, fraction: 0.3 });
      const x = await get(soqlPath(CONTACTS));
      expect(x.headers['content-encoding']).toBe('gzip');
      expect(x.body.length).toBe(Math.floor(Number(x.headers['content-length']) * 0.3));
      expect(x.error).not.toBeNull();
      expect(() => gunzipSync(x.body)).toThrow(/unexpected end of file/);

      emu.misbehave('query', { kind: 'cutBody', gzip: true });
      const piped = new Promise<void>((resolve, reject) => {
        httpRequest(emu.url + soqlPath(CONTACTS), { headers: auth(), agent: false }, (res) => {
          pipeline(res, createGunzip(), new PassThrough().resume()).then(resolve, reject);
        })
          .on('error', reject)
          .end();
      });
      await expect(piped).rejects.toThrow();
    });

    it('cutBody on a Bulk CSV page: announced length, or chunked when gzipped', async () => {
      const job = await createJob('SELECT Id, Name FROM Account');
      emu.misbehave('bulkResults', { kind: 'cutBody', gzip: false });
      const plain = await get(`${V}/jobs/query/${job}/results`);
      expect(plain.headers['content-type']).toMatch(/^text\/csv/);
      expect(plain.body.length).toBe(Math.floor(Number(plain.headers['content-length']) / 2));
      expect(plain.error).not.toBeNull();
      emu.misbehave('bulkResults', { kind: 'cutBody', gzip: true });
      const zipped = await get(`${V}/jobs/query/${job}/results`);
      expect(zipped.headers['transfer-encoding']).toBe('chunked');
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.error).not.toBeNull();
      expect(() => gunzipSync(zipped.body)).toThrow(/unexpected end of file/);
    });

    it('cutBody on the token endpoint mints no usable token', async () => {
      const issued = emu.tokensIssued;
      emu.misbehave('token', { kind: 'cutBody', gzip: false });
      const x = await raw(`${emu.url}/services/oauth2/token`, {
        method: 'POST',
        body: 'grant_type=client_credentials&client_id=demo-client-id&client_secret=demo-client-secret',
      });
      expect(x.status).toBe(200);
      expect(x.body.toString()).toMatch(/^\{"access_token":/);
      expect(x.error).not.toBeNull();
      expect(emu.tokensIssued).toBe(issued);
    });

    it('resetAfterPartial: headers and part of the body, then ECONNRESET', async () => {
      emu.misbehave('describe', { kind: 'resetAfterPartial' });
      const x = await get(`${V}/sobjects/Contact/describe`);
      expect(x.status).toBe(200);
      expect(x.body.length).toBeGreaterThan(0);
      expect(x.body.length).toBeLessThan(Number(x.headers['content-length']));
      expect(x.error?.code).toBe('ECONNRESET');
    });

    it('redirect: the status and Location, on the token endpoint too', async () => {
      emu.misbehave('token', { kind: 'redirect', status: 307, location: 'https://127.0.0.1:9/services/oauth2/token' });
      const t = await raw(`${emu.url}/services/oauth2/token`, { method: 'POST', body: 'grant_type=client_credentials' });
      expect(t.status).toBe(307);
      expect(t.headers.location).toBe('https://127.0.0.1:9/services/oauth2/token');
      emu.misbehave('query', { kind: 'redirect', status: 301, location: '../query?q=x' });
      const q = await get(soqlPath(CONTACTS));
      expect([q.status, q.headers.location, q.body.length]).toEqual([301, '../query?q=x', 0]);
    });

    it('drip: one byte per interval, and the answer never completes', async () => {
      emu.misbehave('describe', { kind: 'drip', intervalMs: 10 });
      // Five bytes, however late a loaded machine's timers make them; the safety net is far off.
      const x = await get(`${V}/sobjects/Account/describe`, {}, { abortAfterChunks: 5, abortAfterMs: 10_000 });
      expect(x.status).toBe(200);
      expect(Number(x.headers['content-length'])).toBeGreaterThan(1000);
      expect(x.body.toString()).toBe('{"actionOverrides":[],"activateable":false'.slice(0, x.body.length));
      // One byte per chunk, spaced by the interval at least on average (a late timer tick shortens the next gap).
      expect([x.arrivals.length, x.body.length]).toEqual([5, 5]);
      expect((x.arrivals[4] - x.arrivals[0]) / 4).toBeGreaterThanOrEqual(7.5);
    });

    it('slowLink: the whole real answer, a few bytes per interval', async () => {
      const real = await get(`${V}/sobjects/Account/describe`);
      emu.misbehave('describe', { kind: 'slowLink', bytesPerTick: 4096, intervalMs: 5 });
      const x = await get(`${V}/sobjects/Account/describe`);
      expect(x.error).toBeNull();
      expect(x.headers['content-length']).toBe(String(real.body.length));
      expect(x.body.equals(real.body)).toBe(true);
      // Sent in pieces no larger than a tick's worth (the client may see two ticks as one chunk).
      expect(x.arrivals.length).toBeGreaterThan(1);
      expect(x.arrivals.length).toBeLessThanOrEqual(Math.ceil(real.body.length / 4096));
    });

    it('drip with totalMs: the server hangs up after that time', async () => {
      emu.misbehave('query', { kind: 'drip', intervalMs: 10, totalMs: 100 });
      const start = Date.now();
      const x = await get(soqlPath(CONTACTS));
      expect(Date.now() - start).toBeGreaterThanOrEqual(95);
      expect(x.error?.message).toBe('aborted');
      // Some bytes dripped before the hang-up (how many depends on how punctual the timers were).
      expect(x.body.length).toBeGreaterThan(0);
      expect(x.body.length).toBeLessThan(Number(x.headers['content-length']));
    });

    it('stall: headers, then nothing at all', async () => {
      const job = await createJob('SELECT Id FROM Account');
      emu.misbehave('bulkPoll', { kind: 'stall' });
      const x = await get(`${V}/jobs/query/${job}`, {}, { abortAfterMs: 100 });
      expect(x.status).toBe(200);
      expect(Number(x.headers['content-length'])).toBeGreaterThan(0);
      expect(x.body.length).toBe(0);
    });

    it('hugeBody: a valid query page of exactly the stated size, announced or chunked', async () => {
      emu.misbehave('query', { kind: 'hugeBody', bytes: 200_000 });
      emu.misbehave('query', { kind: 'hugeBody', bytes: 256, chunked: true });
      const big = await get(soqlPath(CONTACTS));
      expect(big.headers['content-length']).toBe('200000');
      expect(big.body.length).toBe(200_000);
      const parsed = page(big) as Page & { records: { Name: string }[] };
      expect(parsed).toMatchObject({ totalSize: 1, done: true });
      expect(parsed.records[0].Name.length).toBeGreaterThan(199_000);
      const small = await get(soqlPath(CONTACTS));
      expect(small.headers['content-length']).toBeUndefined();
      expect(small.body.length).toBe(256);
      expect(page(small).records).toHaveLength(1);
    });

    it('gzipBomb: a small gzip body that inflates to the stated size of plausible JSON', async () => {
      emu.misbehave('any', { kind: 'gzipBomb', bytes: 1024 * 1024 });
      const x = await get(`${V}/limits`);
      expect(x.headers['content-encoding']).toBe('gzip');
      expect(x.body.length).toBeLessThan(20_000);
      const inflated = gunzipSync(x.body);
      expect(inflated.length).toBe(1024 * 1024);
      expect(inflated.subarray(0, 60).toString()).toBe(`{"totalSize":1,"done":true,"records":[{"Name":"${'a'.repeat(13)}`);
    });
  });

  describe('limits', () => {
    it("rateLimited: Salesforce's edge 429 with no body, Retry-After only when asked for; not metered", async () => {
      const calls = emu.apiCalls;
      emu.misbehave('query', { kind: 'rateLimited', retryAfterSeconds: 7 });
      emu.misbehave('query', { kind: 'rateLimited' });
      const first = await get(soqlPath(CONTACTS));
      expect([first.status, first.headers['retry-after'], first.body.length]).toEqual([429, '7', 0]);
      const second = await get(soqlPath(CONTACTS));
      expect([second.status, second.headers['retry-after'], second.body.length]).toEqual([429, undefined, 0]);
      expect(emu.apiCalls).toBe(calls);
      expect((await firstPage()).records.length).toBeGreaterThan(0);
    });

    it("concurrencyLimit: 403 REQUEST_LIMIT_EXCEEDED, the org's limit on long-running requests at once", async () => {
      emu.misbehave('describe', { kind: 'concurrencyLimit' });
      const x = await get(`${V}/sobjects/Account/describe`);
      expect(x.status).toBe(403);
      expect(JSON.parse(x.body.toString('utf8'))).toEqual([{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    });
  });

  describe('query page alterations', () => {
    it('nextUrl: the page carries exactly the given string and is not done', async () => {
      const calls = emu.apiCalls;
      for (const url of ['0/services/data/v62.0/query/x', '@127.0.0.1:1/services/data', '/services/data/v62.0/../../x']) {
        emu.misbehave('query', { kind: 'nextUrl', url });
        const p = page(await get(soqlPath('SELECT Id FROM Account')));
        expect([p.done, p.nextRecordsUrl, p.records.length]).toEqual([false, url, emu.records('Account').length]);
      }
      // An alteration rides on a real answer: it is metered.
      expect(emu.apiCalls).toBe(calls + 3);
    });

    it('repeatNextUrl: the next page points at itself, for as long as it is queued', async () => {
      const first = await firstPage();
      emu.misbehave('queryMore', { kind: 'repeatNextUrl' }, Infinity);
      for (let i = 0; i < 3; i++) {
        const p = page(await get(first.nextRecordsUrl!));
        expect(p.nextRecordsUrl).toBe(first.nextRecordsUrl);
        expect(p.done).toBe(false);
      }
      emu.clearMisbehaviours();
      expect(page(await get(first.nextRecordsUrl!)).nextRecordsUrl).not.toBe(first.nextRecordsUrl);
    });

    it('doneWithoutNext: done false and no nextRecordsUrl', async () => {
      emu.misbehave('query', { kind: 'doneWithoutNext' });
      const x = await get(soqlPath(CONTACTS));
      const p = page(x);
      expect(p.done).toBe(false);
      expect(x.body.toString()).not.toContain('nextRecordsUrl');
    });

    it("stamp: sets, nulls or removes one record's SystemModstamp", async () => {
      const cases: [unknown, number | undefined][] = [
        [null, undefined],
        ['null', 3],
        ['garbage', 199],
        [undefined, 1],
      ];
      for (const [value, index] of cases) {
        emu.misbehave('query', { kind: 'stamp', value, index });
        const p = await firstPage();
        const record = p.records[index ?? 0];
        if (value === undefined) expect('SystemModstamp' in record).toBe(false);
        else expect(record.SystemModstamp).toBe(value);
        expect(p.records[(index ?? 0) + 1 === 200 ? 0 : (index ?? 0) + 1].SystemModstamp).toMatch(/^20\d\d-/);
      }
    });

    it('outOfOrder and backwardsPage: records going back in (SystemModstamp, Id)', async () => {
      const normal = await firstPage();
      emu.misbehave('query', { kind: 'outOfOrder' });
      expect((await firstPage()).records.map((r) => r.Id)).toEqual(normal.records.map((r) => r.Id).reverse());

      const second = page(await get(normal.nextRecordsUrl!));
      emu.misbehave('queryMore', { kind: 'backwardsPage' });
      const third = page(await get(second.nextRecordsUrl!));
      expect(third.records.map((r) => r.Id)).toEqual(normal.records.map((r) => r.Id));
      const fourth = page(await get(third.nextRecordsUrl!));
      expect(fourth.records[0].Id).toBe(emu.records('Contact').map((r) => r.Id)[600]);
    });

    it('emptyNotDone: empty pages with fresh valid locators that make no progress', async () => {
      const first = await firstPage();
      emu.misbehave('queryMore', { kind: 'emptyNotDone' }, 2);
      const a = page(await get(first.nextRecordsUrl!));
      const b = page(await get(a.nextRecordsUrl!));
      for (const p of [a, b]) expect([p.done, p.records.length]).toEqual([false, 0]);
      expect(new Set([first.nextRecordsUrl, a.nextRecordsUrl, b.nextRecordsUrl]).size).toBe(3);
      expect(a.nextRecordsUrl).toMatch(/-200$/);
      const c = page(await get(b.nextRecordsUrl!));
      expect(c.records.map((r) => r.Id)).toEqual(page(await get(first.nextRecordsUrl!)).records.map((r) => r.Id));
    });

    it('totalSize: replaced on the page, COUNT() included', async () => {
      emu.misbehave('query', { kind: 'totalSize', value: -1 }, 2);
      expect((await firstPage()).totalSize).toBe(-1);
      expect(page(await get(soqlPath('SELECT COUNT() FROM Account'))).totalSize).toBe(-1);
    });
  });

  describe('Bulk alterations', () => {
    it('repeatLocator: Sforce-Locator is the locator that was asked for', async () => {
      const job = await createJob('SELECT Id FROM Contact');
      const first = await get(`${V}/jobs/query/${job}/results?maxRecords=100`);
      const locator = String(first.headers['sforce-locator']);
      emu.misbehave('bulkResults', { kind: 'repeatLocator' }, 2);
      expect((await get(`${V}/jobs/query/${job}/results?maxRecords=100&locator=${locator}`)).headers['sforce-locator']).toBe(locator);
      // With no locator asked for, the first page's own.
      const again = await get(`${V}/jobs/query/${job}/results?maxRecords=100`);
      expect(again.body.toString()).toBe(first.body.toString());
      const looped = await get(`${V}/jobs/query/${job}/results?maxRecords=100&locator=${String(again.headers['sforce-locator'])}`);
      expect(looped.body.toString()).toBe(first.body.toString());
    });

    it('hugeCsvCell: the first data row holds one cell of the stated size, the rest of the page intact', async () => {
      const job = await createJob('SELECT Id, Name FROM Account');
      emu.misbehave('bulkResults', { kind: 'hugeCsvCell', bytes: 100_000 });
      const x = await get(`${V}/jobs/query/${job}/results`);
      const lines = x.body.toString().trimEnd().split('\n');
      expect(lines[0]).toBe('"Id","Name"');
      expect(lines).toHaveLength(1 + emu.records('Account').length);
      const cell = /^"(a*)",("[^"]*")$/.exec(lines[1]);
      expect(cell?.[1].length).toBe(100_000);
      expect(lines[2]).toMatch(/^"001/);
    });

    it('dropCsvRow: the middle data row is left out of the body, and Sforce-NumberOfRecords still counts it', async () => {
      const job = await createJob('SELECT Id FROM Account');
      const lines = async () => (await get(`${V}/jobs/query/${job}/results`)).body.toString().trimEnd().split('\n');
      const [header, ...rows] = await lines();
      expect(rows).toHaveLength(emu.records('Account').length);
      emu.misbehave('bulkResults', { kind: 'dropCsvRow' });
      const dropped = await get(`${V}/jobs/query/${job}/results`);
      expect(dropped.headers['sforce-numberofrecords']).toBe(String(rows.length));
      const middle = Math.floor(rows.length / 2);
      expect(dropped.body.toString().trimEnd().split('\n')).toEqual([header, ...rows.slice(0, middle), ...rows.slice(middle + 1)]);
      // Queued once: the next download is whole.
      expect(await lines()).toEqual([header, ...rows]);
    });

    it('jobId: the created job is real, its id in the answer is replaced', async () => {
      const created = emu.bulkJobsCreated;
      emu.misbehave('bulkCreate', { kind: 'jobId', id: '../../sobjects/Account' });
      const x = await get(
        `${V}/jobs/query`,
        { 'Content-Type': 'application/json' },
        { method: 'POST', body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }) },
      );
      expect((JSON.parse(x.body.toString()) as { id: string }).id).toBe('../../sobjects/Account');
      expect(emu.bulkJobsCreated).toBe(created + 1);
    });
  });

  async function createJob(query: string): Promise<string> {
    const x = await get(`${V}/jobs/query`, { 'Content-Type': 'application/json' }, { method: 'POST', body: JSON.stringify({ operation: 'query', query }) });
    const id = (JSON.parse(x.body.toString()) as { id: string }).id;
    await get(`${V}/jobs/query/${id}`);
    return id;
  }
});
