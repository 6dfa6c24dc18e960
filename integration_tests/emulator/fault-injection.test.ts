import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Emulator, FaultKind } from './index.js';
import { mintToken, rawGet, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { FAULT_KINDS, startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

// The counts of misbehave.test.ts: a worker that runs both generates the org once.
const SMALL = { Account: 40, Contact: 700, Lead: 5, Opportunity: 5, Case: 5, User: 3 };

/** What the client saw, classified by the fault kind that would produce it ('ok' for a good answer). */
type Outcome = FaultKind | 'ok';

// Plain node:http with kept-alive connections: the hundreds of requests below cost about a quarter of
// what fetch() costs for each, and a socket cut or reset by a fault is dropped by the agent, not reused.
const agent = new Agent({ keepAlive: true });

/** Sends a GET and classifies what came back, a broken body or connection included. */
function observe(url: string, headers: Record<string, string>): Promise<{ outcome: Outcome; status: number; headers?: IncomingHttpHeaders; text?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      // The headers came, the body broke off.
      res.on('error', () => resolve({ outcome: 'cut_mid_stream', status: res.statusCode ?? 0, headers: res.headers }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ outcome: classify(res.statusCode ?? 0, res.headers, text), status: res.statusCode ?? 0, headers: res.headers, text });
      });
    });
    req.on('error', () => resolve({ outcome: 'reset', status: 0 }));
    req.end();
  });
}

function classify(status: number, headers: IncomingHttpHeaders, text: string): Outcome {
  if (status === 503 && text.includes('SERVER_UNAVAILABLE')) return 'server_unavailable';
  if (status === 500 && text.includes('UNKNOWN_EXCEPTION')) return 'unknown_exception';
  if (status === 502 && /^text\/html/.test(headers['content-type'] ?? '')) return 'bad_gateway';
  if (status === 429 && text === '') return 'rate_limited';
  if (status !== 200) throw new Error(`unexpected ${status}: ${text}`);
  try {
    JSON.parse(text);
    return 'ok';
  } catch {
    return 'truncated';
  }
}

describe('fault injection', () => {
  let emu: Emulator;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    emu = await startEmulator({ counts: SMALL });
    token = await mintToken(emu);
  });
  afterEach(() => emu.setFaults(undefined));
  afterAll(async () => {
    agent.destroy();
    await emu.close();
  });

  const run = async (n: number, path = `${V}/limits`): Promise<Outcome[]> => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < n; i++) outcomes.push((await observe(emu.url + path, auth())).outcome);
    return outcomes;
  };

  it('is off by default: no faults, no latency', async () => {
    expect(await run(20)).toEqual(Array(20).fill('ok'));
    expect(Object.values(emu.faultsInjected).every((n) => n === 0)).toBe(true);
  });

  it('injects every kind at the configured rate, reproducibly from the seed, without metering the faults', async () => {
    const before = { ...emu.faultsInjected };
    const calls = emu.apiCalls;
    emu.setFaults({ errorRate: 0.3, seed: 7 });
    const first = await run(300);
    const tally = (o: Outcome[]) => Object.fromEntries(['ok', ...FAULT_KINDS].map((k) => [k, o.filter((x) => x === k).length]));
    const seen = tally(first);
    // 0.3 spread over seven kinds: about 4.3 % each, 13 of 300 expected; bounds are about three sigma.
    for (const kind of FAULT_KINDS) {
      expect(seen[kind]).toBeGreaterThan(2);
      expect(seen[kind]).toBeLessThan(24);
      expect(emu.faultsInjected[kind] - before[kind]).toBe(seen[kind]);
    }
    expect(seen.ok / 300).toBeGreaterThan(0.62);
    expect(seen.ok / 300).toBeLessThan(0.78);
    expect(emu.apiCalls - calls).toBe(seen.ok);

    // The same seed replays the same draws; another seed does not (fifty requests show both).
    emu.setFaults({ errorRate: 0.3, seed: 7 });
    expect(await run(50)).toEqual(first.slice(0, 50));
    emu.setFaults({ errorRate: 0.3, seed: 8 });
    expect(await run(50)).not.toEqual(first.slice(0, 50));
  });

  it('draws only from the chosen kinds', async () => {
    emu.setFaults({ errorRate: 0.5, kinds: ['rate_limited', 'bad_gateway'] });
    const outcomes = new Set(await run(40));
    expect([...outcomes].sort()).toEqual(['bad_gateway', 'ok', 'rate_limited']);
  });

  it('never faults the token endpoint or the version list, but delays them', async () => {
    // A delay a timer cannot miss, short enough that waiting for it is not the test's cost.
    emu.setFaults({ errorRate: 1, latencyMs: 50 });
    for (let i = 0; i < 2; i++) {
      const start = Date.now();
      await mintToken(emu);
      expect(Date.now() - start).toBeGreaterThanOrEqual(45);
    }
    const start = Date.now();
    const versions = await rawGet(`${emu.url}/services/data/`, {});
    expect(versions.status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(45);
  });

  it('adds latency to every data answer', async () => {
    emu.setFaults({ latencyMs: 70 });
    const start = Date.now();
    expect(await run(3)).toEqual(['ok', 'ok', 'ok']);
    expect(Date.now() - start).toBeGreaterThanOrEqual(3 * 65);
    emu.setFaults(undefined);
    const quick = Date.now();
    await run(3);
    // Without the fault the three answers come sooner than the injected latency alone would allow
    // (a bound relative to it, not to an idle machine's speed).
    expect(Date.now() - quick).toBeLessThan(3 * 65);
  });

  it('sends Retry-After on 503 and 429 only when configured, and the documented bodies', async () => {
    emu.setFaults({ errorRate: 1, kinds: ['server_unavailable'], retryAfterSeconds: 7 });
    const unavailable = await observe(`${emu.url}${V}/sobjects`, auth());
    expect(unavailable.headers?.['retry-after']).toBe('7');
    expect(JSON.parse(unavailable.text!)).toEqual([{ message: 'Server Unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    emu.setFaults({ errorRate: 1, kinds: ['rate_limited'], retryAfterSeconds: 3 });
    const limited = await observe(`${emu.url}${V}/sobjects`, auth());
    expect(limited).toMatchObject({ outcome: 'rate_limited', status: 429, text: '' });
    expect(limited.headers?.['retry-after']).toBe('3');
    emu.setFaults({ errorRate: 1, kinds: ['rate_limited'] });
    expect((await observe(`${emu.url}${V}/sobjects`, auth())).headers?.['retry-after']).toBeUndefined();
    emu.setFaults({ errorRate: 1, kinds: ['unknown_exception'], retryAfterSeconds: 3 });
    const unknown = await observe(`${emu.url}${V}/sobjects`, auth());
    expect(unknown.status).toBe(500);
    expect(unknown.headers?.['retry-after']).toBeUndefined();
    expect(JSON.parse(unknown.text!)).toEqual([
      {
        message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678 (-123)',
        errorCode: 'UNKNOWN_EXCEPTION',
      },
    ]);
    emu.setFaults({ errorRate: 1, kinds: ['bad_gateway'] });
    expect((await observe(`${emu.url}${V}/sobjects`, auth())).text).toMatch(/<h1>502 Bad Gateway<\/h1>/);
  });

  it('truncates JSON bodies mid-document, with the real headers, gzipped or not', async () => {
    emu.setFaults({ errorRate: 1, kinds: ['truncated'] });
    const calls = emu.apiCalls;
    for (const path of [`${V}/sobjects/Account/describe`, soqlPath('SELECT Id, Name FROM Account')]) {
      const plain = await observe(emu.url + path, auth());
      expect(plain).toMatchObject({ outcome: 'truncated', status: 200 });
      expect(plain.headers?.['content-type']).toBe('application/json;charset=UTF-8');
      expect(plain.headers?.['sforce-limit-info']).toMatch(/^api-usage=\d+\/15000$/);
      expect(plain.text!.length).toBeGreaterThan(10);
      const zipped = await rawGet(emu.url + path, { ...auth(), 'Accept-Encoding': 'gzip' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      const text = gunzipSync(zipped.body).toString('utf8');
      expect(text.startsWith(plain.text!.slice(0, 5))).toBe(true);
      expect(() => JSON.parse(text)).toThrow();
    }
    expect(emu.apiCalls).toBe(calls);
  });

  it('resets the connection without answering', async () => {
    emu.setFaults({ errorRate: 1, kinds: ['reset'] });
    await expect(rawGet(`${emu.url}${V}/sobjects`, auth())).rejects.toThrow();
  });

  it('serves the same page again after a faulted request, for every kind', async () => {
    const headers = { ...auth(), 'Sforce-Query-Options': 'batchSize=200' };
    const first = await observe(emu.url + soqlPath('SELECT Id FROM Contact ORDER BY SystemModstamp, Id'), headers);
    const page1 = JSON.parse(first.text!) as { nextRecordsUrl: string; records: { Id: string }[] };
    const expected = emu
      .records('Contact')
      .map((r) => r.Id)
      .slice(200, 400);
    const calls = emu.apiCalls;
    for (const kind of FAULT_KINDS) {
      emu.setFaults({ errorRate: 1, kinds: [kind] });
      expect((await observe(emu.url + page1.nextRecordsUrl, headers)).outcome).toBe(kind);
    }
    emu.setFaults(undefined);
    expect(emu.apiCalls).toBe(calls);
    const page2 = JSON.parse((await observe(emu.url + page1.nextRecordsUrl, headers)).text!) as { records: { Id: string }[] };
    expect(page2.records.map((r) => r.Id)).toEqual(expected);
  });

  it('loses no record when a client retries every fault at a mixed 30 % rate', async () => {
    const reference = emu.records('Contact', { includeDeleted: true }).map((r) => r.Id);
    emu.setFaults({ errorRate: 0.3, seed: 3 });
    const headers = { ...auth(), 'Sforce-Query-Options': 'batchSize=200' };
    const getPage = async (path: string) => {
      for (let attempt = 0; ; attempt++) {
        const seen = await observe(emu.url + path, headers);
        if (seen.outcome === 'ok') return JSON.parse(seen.text!) as { done: boolean; nextRecordsUrl?: string; records: { Id: string }[] };
        if (attempt > 30) throw new Error('too many faults');
      }
    };
    const ids: string[] = [];
    let page = await getPage(soqlPath('SELECT Id FROM Contact ORDER BY SystemModstamp, Id', true));
    ids.push(...page.records.map((r) => r.Id));
    while (!page.done) {
      page = await getPage(page.nextRecordsUrl!);
      ids.push(...page.records.map((r) => r.Id));
    }
    expect(ids).toEqual(reference);
  });
});
