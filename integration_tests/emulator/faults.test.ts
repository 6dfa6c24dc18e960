import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));
const { FaultInjector } = nativeImport<typeof import('./faults.js')>(new URL('./faults.js', import.meta.url));

type ErrorBody = { errorCode: string; message: string }[];

describe('failure injection', () => {
  let emu: Emulator;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({ counts: { Account: 50, Contact: 700, Lead: 5, Opportunity: 5, Case: 5, User: 3 }, dailyApiLimit: 40 });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('invalidates open locators on expireQueryLocators()', async () => {
    const first = await call(emu, soqlPath('SELECT Id FROM Contact'), token, { 'Sforce-Query-Options': 'batchSize=200' });
    emu.expireQueryLocators();
    const next = await call(emu, (first.body as { nextRecordsUrl: string }).nextRecordsUrl, token);
    expect(next.status).toBe(400);
    expect((next.body as ErrorBody)[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('times out queries with more rows than queryTimeoutRows', async () => {
    emu.setQueryTimeoutRows(100);
    try {
      const big = await call(emu, soqlPath('SELECT Id FROM Contact'), token);
      expect(big.status).toBe(400);
      expect(big.body).toEqual([{ message: 'Your query request was running for too long.', errorCode: 'QUERY_TIMEOUT' }]);
      expect((await call(emu, soqlPath('SELECT Id FROM Contact LIMIT 100'), token)).status).toBe(200);
      expect((await call(emu, soqlPath('SELECT COUNT() FROM Contact'), token)).status).toBe(200);
    } finally {
      emu.setQueryTimeoutRows(null);
    }
  });

  it('fails the next requests with transient errors', async () => {
    emu.failNextRequests(2);
    const a = await call(emu, `${V}/sobjects`, token);
    expect(a.status).toBe(503);
    expect(a.body).toEqual([{ message: 'Server Unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    emu.failNextRequests(1, 429);
    expect((await call(emu, `${V}/sobjects`, token)).status).toBe(503);
    expect((await call(emu, `${V}/sobjects`, token)).status).toBe(429);
    expect((await call(emu, `${V}/sobjects`, token)).status).toBe(200);
  });

  it('enforces the daily API allocation', async () => {
    const limits = await call(emu, `${V}/limits`, token);
    expect(limits.headers.get('sforce-limit-info')).toMatch(/\/40$/);
    while (emu.apiCalls < 40) await call(emu, `${V}/sobjects`, token);
    const over = await call(emu, `${V}/sobjects`, token);
    expect(over.status).toBe(403);
    expect((over.body as ErrorBody)[0].errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
  });
});

describe('fault draws', () => {
  it('take the kinds in turn when asked, and restart the turn with each configuration', () => {
    const faults = new FaultInjector({ errorRate: 1, kinds: ['reset', 'truncated', 'server_unavailable'], kindsInTurn: true });
    expect([1, 2, 3, 4].map(() => faults.draw())).toEqual(['reset', 'truncated', 'server_unavailable', 'reset']);
    faults.configure({ errorRate: 1, kinds: ['truncated', 'reset'], kindsInTurn: true });
    expect([1, 2, 3].map(() => faults.draw())).toEqual(['truncated', 'reset', 'truncated']);
  });

  it('answer a request after maxFaultsInARow faults in a row, counting each request on its own', () => {
    const faults = new FaultInjector({ errorRate: 1, kinds: ['reset'], maxFaultsInARow: 2 });
    const a = () => faults.draw('GET /a');
    expect([a(), a(), faults.draw('GET /b'), a(), a()]).toEqual(['reset', 'reset', 'reset', null, 'reset']);
  });

  it('leave the same requests unfaulted for a seed whether or not the kinds go in turn', () => {
    const faulted = (kindsInTurn: boolean) => {
      const faults = new FaultInjector({ errorRate: 0.3, seed: 7, kindsInTurn });
      return Array.from({ length: 50 }, () => faults.draw() !== null);
    };
    expect(faulted(true)).toEqual(faulted(false));
    expect(faulted(true).filter(Boolean).length).toBeGreaterThan(5);
  });
});
