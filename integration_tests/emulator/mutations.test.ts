import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, soqlPath } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

interface Page {
  totalSize: number;
  records: Record<string, unknown>[];
}
const newest = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => String(r.SystemModstamp))
    .sort()
    .at(-1)!;

describe('mutations', () => {
  let emu: Emulator;
  let token: string;
  const q = async (soql: string, all = false) => (await call(emu, soqlPath(soql, all), token)).body as Page;

  beforeAll(async () => {
    emu = await startEmulator({ counts: { Account: 50, Contact: 50, Lead: 20, Opportunity: 20, Case: 20, User: 5 } });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('insert creates the newest record with a well-formed Id, visible to SOQL', async () => {
    const before = newest(emu.records('Account', { includeDeleted: true }));
    const rec = emu.insert('Account', { Name: 'Brand New Ltd', Industry: 'Banking' });
    expect(rec.Id).toMatch(/^001[A-Za-z0-9]{15}$/);
    expect(String(rec.SystemModstamp) > before).toBe(true);
    expect(rec.CreatedDate).toBe(rec.SystemModstamp);
    expect(rec.IsDeleted).toBe(false);
    const found = await q(`SELECT Id, Name, Industry FROM Account WHERE Id = '${String(rec.Id)}'`);
    expect(found.records[0]).toMatchObject({ Id: rec.Id, Name: 'Brand New Ltd', Industry: 'Banking' });
  });

  it('update stamps SystemModstamp and LastModifiedDate and keeps Name in step', async () => {
    const contact = emu.records('Contact')[0];
    const updated = emu.update('Contact', String(contact.Id), { FirstName: 'Ada', LastName: 'Lovelace' });
    expect(updated.Name).toBe('Ada Lovelace');
    expect(updated.SystemModstamp).toBe(newest(emu.records('Contact', { includeDeleted: true })));
    expect(updated.LastModifiedDate).toBe(updated.SystemModstamp);
    expect(String(updated.SystemModstamp) > String(contact.SystemModstamp)).toBe(true);
    const again = emu.update('Contact', String(contact.Id), { Title: 'Countess' });
    expect(String(again.SystemModstamp) > String(updated.SystemModstamp)).toBe(true);
  });

  it('softDelete hides the row from query, shows it in queryAll with a bumped SystemModstamp', async () => {
    const victim = emu.records('Opportunity')[2];
    const deleted = emu.softDelete('Opportunity', String(victim.Id));
    expect(deleted.IsDeleted).toBe(true);
    expect(String(deleted.SystemModstamp) > String(victim.SystemModstamp)).toBe(true);
    expect((await q(`SELECT Id FROM Opportunity WHERE Id = '${String(victim.Id)}'`)).totalSize).toBe(0);
    const all = await q(`SELECT Id, IsDeleted, SystemModstamp FROM Opportunity WHERE Id = '${String(victim.Id)}'`, true);
    expect(all.records[0]).toMatchObject({ IsDeleted: true, SystemModstamp: deleted.SystemModstamp });
    expect(emu.records('Opportunity').some((r) => r.Id === victim.Id)).toBe(false);
    expect(() => emu.softDelete('User', String(emu.records('User')[0].Id))).toThrow();
  });

  it('lateCommit inserts a record older than the newest change', async () => {
    const top = newest(emu.records('Case', { includeDeleted: true }));
    const late = emu.lateCommit('Case', 60_000, { Subject: 'Committed late' });
    expect(Date.parse(top.replace('+0000', 'Z')) - Date.parse(String(late.SystemModstamp).replace('+0000', 'Z'))).toBe(60_000);
    expect(newest(emu.records('Case', { includeDeleted: true }))).toBe(top);
    const ordered = await q('SELECT Id FROM Case ORDER BY SystemModstamp DESC LIMIT 5');
    expect(ordered.records[0].Id).not.toBe(late.Id);
    const window = await q(`SELECT Id FROM Case WHERE SystemModstamp = ${String(late.SystemModstamp).replace('+0000', 'Z')}`);
    expect(window.records.map((r) => r.Id)).toContain(late.Id);
  });

  it('records() returns copies', () => {
    const a = emu.records('Lead')[0];
    a.LastName = 'Mutated';
    expect(emu.records('Lead')[0].LastName).not.toBe('Mutated');
  });

  it('rejects unknown fields', () => {
    expect(() => emu.insert('Lead', { NoSuchField__c: 1 })).toThrow(/No such field/);
  });
});
