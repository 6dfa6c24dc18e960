import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, queryAllPages, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

type ErrorBody = { errorCode: string; message: string }[];

describe('query paging', () => {
  let emu: Emulator;
  let token: string;

  beforeAll(async () => {
    // Uncompressed answers: gzip is not this suite's subject.
    emu = await startEmulator({ gzip: false });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('has a Contact tie group larger than two 200-row pages', () => {
    const counts = new Map<string, number>();
    for (const r of emu.records('Contact', { includeDeleted: true })) counts.set(String(r.SystemModstamp), (counts.get(String(r.SystemModstamp)) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(450);
    // and smaller ties on every object
    for (const object of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const) {
      const seen = new Map<string, number>();
      for (const r of emu.records(object, { includeDeleted: true })) seen.set(String(r.SystemModstamp), (seen.get(String(r.SystemModstamp)) ?? 0) + 1);
      expect([...seen.values()].filter((n) => n > 1).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('pages 200 at a time through the tie group, every record exactly once', async () => {
    const pages = await queryAllPages(emu, token, 'SELECT Id, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC, Id ASC', { batchSize: 200, all: true });
    const expected = emu.records('Contact', { includeDeleted: true });
    expect(pages.length).toBe(Math.ceil(expected.length / 200));
    for (const page of pages.slice(0, -1)) {
      expect(page.records).toHaveLength(200);
      expect(page.done).toBe(false);
      expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-\d+$/);
      expect(page.totalSize).toBe(expected.length);
    }
    const last = pages[pages.length - 1];
    expect(last.done).toBe(true);
    expect('nextRecordsUrl' in last).toBe(false);
    const ids = pages.flatMap((p) => p.records.map((r) => r.Id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected.map((r) => r.Id));
  });

  it('clamps batchSize into 200..2000', async () => {
    const small = await queryAllPages(emu, token, 'SELECT Id FROM Contact', { batchSize: 10 });
    expect(small[0].records).toHaveLength(200);
    const big = await call(emu, soqlPath('SELECT Id FROM Contact'), token, { 'Sforce-Query-Options': 'batchSize=5000' });
    expect((big.body as { records: unknown[] }).records.length).toBe(Math.min(2000, emu.records('Contact').length));
  });

  it('serves the next page from /queryAll/<locator> too, and rejects unknown locators', async () => {
    const first = await call(emu, soqlPath('SELECT Id FROM Contact', true), token, { 'Sforce-Query-Options': 'batchSize=200' });
    const next = (first.body as { nextRecordsUrl: string }).nextRecordsUrl;
    const viaQueryAll = await call(emu, next.replace('/query/', '/queryAll/'), token, { 'Sforce-Query-Options': 'batchSize=200' });
    expect(viaQueryAll.status).toBe(200);
    const bad = await call(emu, `${V}/query/01gAAAAAAAAAAAAAAA-200`, token);
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody)[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('keeps the first request batchSize when later requests omit the header', async () => {
    const first = await call(emu, soqlPath('SELECT Id FROM Contact', true), token, { 'Sforce-Query-Options': 'batchSize=200' });
    const next = await call(emu, (first.body as { nextRecordsUrl: string }).nextRecordsUrl, token);
    expect((next.body as { records: unknown[] }).records).toHaveLength(200);
  });

  it('keeps a snapshot: mutations after the first page do not shift later pages', async () => {
    const first = await call(emu, soqlPath('SELECT Id, Name FROM Account ORDER BY SystemModstamp, Id'), token, { 'Sforce-Query-Options': 'batchSize=200' });
    const body = first.body as { totalSize: number; records: { Id: string }[]; nextRecordsUrl?: string };
    expect(body.nextRecordsUrl).toBeUndefined(); // Account fits one page: use Contact for the real check
    const c1 = await call(emu, soqlPath('SELECT Id FROM Contact ORDER BY SystemModstamp, Id'), token, { 'Sforce-Query-Options': 'batchSize=200' });
    const p1 = c1.body as { totalSize: number; records: { Id: string }[]; nextRecordsUrl: string };
    const moved = p1.records[0].Id;
    emu.update('Contact', moved, { Title: 'Moved To The End' });
    emu.insert('Contact', { LastName: 'Newcomer' });
    const pages = [p1];
    let next: string | undefined = p1.nextRecordsUrl;
    while (next) {
      const reply = await call(emu, next, token, { 'Sforce-Query-Options': 'batchSize=200' });
      const page = reply.body as typeof p1;
      pages.push(page);
      next = page.nextRecordsUrl;
    }
    const ids = pages.flatMap((p) => p.records.map((r) => r.Id));
    expect(ids.length).toBe(p1.totalSize);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('honours maxBatchSize', async () => {
    const tiny = await startEmulator({ gzip: false, maxBatchSize: 50, counts: { Account: 120, Contact: 5, Lead: 5, Opportunity: 5, Case: 5, User: 3 } });
    try {
      const t = await mintToken(tiny);
      const pages = await queryAllPages(tiny, t, 'SELECT Id FROM Account', { all: true });
      expect(pages.map((p) => p.records.length)).toEqual([50, 50, 20]);
    } finally {
      await tiny.close();
    }
  });
});
