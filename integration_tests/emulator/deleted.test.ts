import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
const wire = (ms: number) => iso(ms).replace('Z', '+0000');

describe('Get Deleted', () => {
  let emu: Emulator;
  let token: string;
  const deleted = (object: string, start: string, end: string) =>
    call(emu, `${V}/sobjects/${object}/deleted/?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`, token);

  beforeAll(async () => {
    emu = await startEmulator({
      counts: { Account: 30, Contact: 30, Lead: 10, Opportunity: 10, Case: 10, User: 5 },
      getDeletedUnsupportedObjects: ['Lead'],
      deletedIdLimit: 3,
    });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('lists purged, hard-deleted and soft-deleted records in whole minutes, with what it keeps and covers', async () => {
    const [a, b, c] = emu.records('Account').map((r) => String(r.Id));
    const at = floorMinute(Date.now() - 20 * MINUTE);
    emu.hardDelete('Account', a, at + 30_000);
    emu.purge('Account', b, at + 5 * MINUTE);
    emu.softDelete('Account', c);
    const all = (await call(emu, soqlPath('SELECT Id FROM Account', true), token)).body as { records: { Id: string }[] };
    expect(all.records.map((r) => r.Id)).not.toEqual(expect.arrayContaining([a]));
    expect(all.records.map((r) => r.Id)).not.toEqual(expect.arrayContaining([b]));
    // Seconds are ignored: a start at :59 counts from the start of its minute.
    const reply = await deleted('Account', iso(at + 59_000), iso(Date.now() + 5 * MINUTE));
    expect(reply.status).toBe(200);
    const body = reply.body as { deletedRecords: { id: string; deletedDate: string }[]; earliestDateAvailable: string; latestDateCovered: string };
    expect(body.deletedRecords.slice(0, 2)).toEqual([
      { id: a, deletedDate: wire(at + 30_000) },
      { id: b, deletedDate: wire(at + 5 * MINUTE) },
    ]);
    expect(body.latestDateCovered).toBe(wire(floorMinute(Date.now())));
    expect(Date.parse(body.earliestDateAvailable.replace('+0000', 'Z'))).toBeLessThan(Date.now() - 14 * DAY);
    // The soft delete happened this minute: covered by a later call, not this one.
    expect(body.deletedRecords.map((r) => r.id)).not.toContain(c);
  });

  it('refuses a start outside what it keeps, a window of a minute or less, and too many ids', async () => {
    const tooOld = await deleted('Account', iso(Date.now() - 16 * DAY), iso(Date.now()));
    expect(tooOld.status).toBe(400);
    expect(tooOld.body).toEqual([{ errorCode: 'INVALID_REPLICATION_DATE', message: expect.stringContaining('earliest date available') }]);
    const short = await deleted('Account', iso(Date.now() - MINUTE), iso(Date.now()));
    expect((short.body as { errorCode: string }[])[0].errorCode).toBe('INVALID_REPLICATION_DATE');
    const ids = emu.records('Contact').map((r) => String(r.Id));
    for (const id of ids.slice(0, 4)) emu.hardDelete('Contact', id, Date.now() - 10 * MINUTE);
    const many = await deleted('Contact', iso(Date.now() - 30 * MINUTE), iso(Date.now()));
    expect(many.status).toBe(400);
    expect((many.body as { errorCode: string }[])[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
  });

  it('moves earliestDateAvailable forward when the Recycle Bin is emptied', async () => {
    const emptied = floorMinute(Date.now() - 30 * MINUTE);
    emu.emptyRecycleBin('Case', emptied);
    expect(emu.records('Case', { includeDeleted: true }).every((r) => r.IsDeleted !== true)).toBe(true);
    const before = await deleted('Case', iso(emptied - 10 * MINUTE), iso(Date.now()));
    expect((before.body as { errorCode: string }[])[0].errorCode).toBe('INVALID_REPLICATION_DATE');
    const after = await deleted('Case', iso(emptied), iso(Date.now()));
    expect((after.body as { earliestDateAvailable: string }).earliestDateAvailable).toBe(wire(emptied));
  });

  it('is not found on an object it does not replicate', async () => {
    const reply = await deleted('Lead', iso(Date.now() - 30 * MINUTE), iso(Date.now()));
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });

  it('recalculate changes a formula without moving SystemModstamp', () => {
    const row = emu.records('Opportunity')[0];
    const next = emu.recalculate('Opportunity', String(row.Id), { Amount: 12345 });
    expect(next.Amount).toBe(12345);
    expect(next.SystemModstamp).toBe(row.SystemModstamp);
  });
});

describe.each([
  ['behind', -10 * MINUTE],
  ['ahead of', 10 * MINUTE],
])("an org whose clock runs 10 minutes %s this machine's", (_way, aheadMs) => {
  let emu: Emulator;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator({ counts: { Account: 10, Contact: 5, Lead: 5, Opportunity: 5, Case: 5, User: 5 }, clockAheadMs: aheadMs });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());
  const orgSecond = () => Math.floor(emu.orgNow() / 1000) * 1000;

  it('dates its answers, stamps changes and deletions, and covers Get Deleted windows by its own clock', async () => {
    const [changed, gone] = emu.records('Account').map((r) => String(r.Id));
    const before = orgSecond();
    const reply = await call(emu, `${V}/sobjects/Account/describe`, token);
    const date = Date.parse(reply.headers.get('date')!);
    expect(date).toBeGreaterThanOrEqual(before);
    expect(date).toBeLessThanOrEqual(orgSecond());
    const updated = emu.update('Account', changed, { Name: 'Skewed' });
    expect(Math.abs(Date.parse(String(updated.SystemModstamp).replace('+0000', 'Z')) - emu.orgNow())).toBeLessThan(MINUTE);
    const deletedAt = emu.orgNow();
    emu.hardDelete('Account', gone);
    emu.setClockAheadMs(aheadMs + 2 * MINUTE); // two minutes pass on the org
    // A window ending past both clocks: the org covers only up to its own present.
    const end = Math.max(Date.now(), emu.orgNow()) + 2 * MINUTE;
    const asked = floorMinute(emu.orgNow());
    const answer = (await call(emu, `${V}/sobjects/Account/deleted/?start=${iso(deletedAt - 5 * MINUTE)}&end=${iso(end)}`, token)).body as {
      deletedRecords: { id: string; deletedDate: string }[];
      latestDateCovered: string;
    };
    const covered = Date.parse(answer.latestDateCovered.replace('+0000', 'Z'));
    expect(covered).toBeGreaterThanOrEqual(asked);
    expect(covered).toBeLessThanOrEqual(floorMinute(emu.orgNow()));
    const listed = answer.deletedRecords.find((r) => r.id === gone)!;
    expect(Math.abs(Date.parse(listed.deletedDate.replace('+0000', 'Z')) - deletedAt)).toBeLessThan(1000);
    emu.setClockAheadMs(aheadMs);
    // The 15 days are counted on the org's clock too.
    const edge = emu.orgNow() - 15 * DAY;
    expect((await call(emu, `${V}/sobjects/Account/deleted/?start=${iso(edge - 2 * MINUTE)}&end=${iso(edge + 10 * MINUTE)}`, token)).status).toBe(400);
    expect((await call(emu, `${V}/sobjects/Account/deleted/?start=${iso(edge + 2 * MINUTE)}&end=${iso(edge + 10 * MINUTE)}`, token)).status).toBe(200);
  });
});
