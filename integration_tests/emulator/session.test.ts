import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { Emulator } from './index.js';
import { call, mintToken, rawGet, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

const SMALL = { Account: 30, Contact: 30, Lead: 10, Opportunity: 10, Case: 10, User: 3 };
const SESSION_EXPIRED = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

describe('sessions, permissions and transport', () => {
  let emu: Emulator;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({ counts: SMALL });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('serves the version list without auth or metering', async () => {
    const before = emu.apiCalls;
    const reply = await call(emu, '/services/data/', null);
    expect(reply.status).toBe(200);
    const versions = reply.body as { version: string; url: string; label: string }[];
    expect(versions[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
    expect(versions.at(-1)?.version).toBe('66.0');
    expect(versions.find((v) => v.version === '62.0')?.label).toBe("Winter '25");
    expect(reply.headers.get('sforce-limit-info')).toBeNull();
    expect(emu.apiCalls).toBe(before);
  });

  it('answers 410 for retired versions', async () => {
    expect((await call(emu, '/services/data/v30.0/sobjects', token)).status).toBe(410);
  });

  it('requires a bearer token', async () => {
    for (const auth of [null, 'garbage']) {
      const reply = await call(emu, `${V}/sobjects`, auth);
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(SESSION_EXPIRED);
    }
  });

  it('meters calls in Sforce-Limit-Info and counts them in apiCalls', async () => {
    const a = await call(emu, `${V}/sobjects`, token);
    const b = await call(emu, `${V}/limits`, token);
    const n = Number(/api-usage=(\d+)\/15000/.exec(a.headers.get('sforce-limit-info') ?? '')?.[1]);
    expect(b.headers.get('sforce-limit-info')).toBe(`api-usage=${n + 1}/15000`);
    expect(emu.apiCalls).toBe(n + 1);
    expect((b.body as { DailyApiRequests: { Max: number; Remaining: number } }).DailyApiRequests).toEqual({ Max: 15000, Remaining: 15000 - n - 1 });
  });

  it('logs every request with its decoded SOQL and status', async () => {
    await call(emu, soqlPath('SELECT Id FROM Account LIMIT 1'), token);
    const last = emu.requests.at(-1);
    expect(last).toEqual({ method: 'GET', path: `${V}/query`, query: 'SELECT Id FROM Account LIMIT 1', status: 200 });
  });

  it('expires every token on expireTokens()', async () => {
    const t = await mintToken(emu);
    expect((await call(emu, `${V}/sobjects`, t)).status).toBe(200);
    emu.expireTokens();
    const reply = await call(emu, `${V}/sobjects`, t);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(SESSION_EXPIRED);
    token = await mintToken(emu);
  });

  it('returns 403 API_CURRENTLY_DISABLED while the API is disabled', async () => {
    emu.setApiDisabled(true);
    try {
      const reply = await call(emu, `${V}/sobjects`, token);
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual([{ errorCode: 'API_CURRENTLY_DISABLED', message: 'API is disabled for this User' }]);
    } finally {
      emu.setApiDisabled(false);
    }
    expect((await call(emu, `${V}/sobjects`, token)).status).toBe(200);
  });

  it('answers INVALID_TYPE for a revoked object', async () => {
    emu.revokeObject('Case');
    try {
      const reply = await call(emu, soqlPath('SELECT Id FROM Case'), token);
      expect(reply.status).toBe(400);
      expect((reply.body as { errorCode: string }[])[0].errorCode).toBe('INVALID_TYPE');
    } finally {
      emu.grantObject('Case');
    }
  });

  it('answers 404 NOT_FOUND for unknown routes', async () => {
    const reply = await call(emu, '/nowhere', null);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    expect((await call(emu, `${V}/nowhere`, token)).status).toBe(404);
  });

  it('gzips JSON when asked', async () => {
    const res = await rawGet(emu.url + soqlPath('SELECT Id, Name FROM Account'), { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(res.body).toString('utf8')) as { totalSize: number };
    expect(body.totalSize).toBe(emu.records('Account').length);
    const plain = await rawGet(emu.url + soqlPath('SELECT Id FROM Account'), { Authorization: `Bearer ${token}` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString('utf8'))).toHaveProperty('records');
  });
});

describe('token lifetimes', () => {
  it('stops a token after tokenTtlRequests uses', async () => {
    const emu = await startEmulator({ counts: SMALL, tokenTtlRequests: 2 });
    try {
      const t = await mintToken(emu);
      expect((await call(emu, `${V}/sobjects`, t)).status).toBe(200);
      expect((await call(emu, `${V}/sobjects`, t)).status).toBe(200);
      expect((await call(emu, `${V}/sobjects`, t)).status).toBe(401);
      expect((await call(emu, `${V}/sobjects`, await mintToken(emu))).status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it('stops a token after tokenTtlMs', async () => {
    // A lifetime long enough for the first call to land inside it on a loaded machine (a call takes
    // milliseconds), and short enough that the test does not sit idle for long.
    const emu = await startEmulator({ counts: SMALL, tokenTtlMs: 400 });
    try {
      const t = await mintToken(emu);
      expect((await call(emu, `${V}/sobjects`, t)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 450));
      expect((await call(emu, `${V}/sobjects`, t)).status).toBe(401);
    } finally {
      await emu.close();
    }
  });
});

describe('https', () => {
  it('serves TLS on localhost with a certificate trusted through caFile', async () => {
    const emu = await startEmulator({ https: true, counts: SMALL });
    try {
      expect(emu.url).toBe(`https://localhost:${emu.port}`);
      expect(emu.hostname).toBe(`localhost:${emu.port}`);
      const ca = readFileSync(emu.caFile!, 'utf8');
      expect(ca).toContain('BEGIN CERTIFICATE');
      const res = await rawGet(`${emu.url}/services/data/`, {}, ca);
      expect(res.status).toBe(200);
      const via127 = await rawGet(`https://127.0.0.1:${emu.port}/services/data/`, {}, ca);
      expect(via127.status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});
